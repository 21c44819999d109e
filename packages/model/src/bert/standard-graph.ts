import { DataType, GraphBuilder } from '../onnx/graph-builder.js';
import { halfToFloat } from '../safetensors.js';
import { BERT_CONFIG, type BertWeights, type Dense, type LayerNormWeights } from './bert-weights.js';

export const STANDARD_INPUTS = { ids: 'input_ids', mask: 'attention_mask', types: 'token_type_ids' } as const;
export const STANDARD_OUTPUT = 'last_hidden_state';

export interface StandardGraphOptions {
  readonly precision: 'fp32' | 'int8';
}

/**
 * The graph as the Hugging Face ONNX export lays it out (int64 ids, mask and token types in,
 * `last_hidden_state` out, standard ops only), with INT8 the way ONNX Runtime's `quantize_dynamic`
 * writes it: DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul -> Add, per-tensor int8 weights.
 * This is what the transformers.js feature-extraction pipeline runs; embedq builds it only to
 * measure that peer on the same weights.
 */
export function buildStandardGraph(weights: BertWeights, options: StandardGraphOptions): Uint8Array {
  const g = new GraphBuilder();
  const { hidden, heads, vocabSize, maxPositions } = BERT_CONFIG;
  const headSize = hidden / heads;
  const { ids, mask, types } = STANDARD_INPUTS;
  const i64 = (name: string, values: readonly number[]) =>
    g.constant(name, [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  const scalar = (name: string, value: number) => g.constant(name, [], Float32Array.of(value));

  const wordTable = new Float32Array(weights.wordEmbeddingsF16.length);
  for (let i = 0; i < wordTable.length; i++) wordTable[i] = halfToFloat(weights.wordEmbeddingsF16[i]!);
  const seqLength = g.op('Gather', [g.op('Shape', [ids]), g.constant('idx1', [], BigInt64Array.of(1n))], {
    attributes: { axis: 0 },
  });
  const positionIds = g.op('Range', [
    g.constant('zero', [], BigInt64Array.of(0n)),
    seqLength,
    g.constant('one', [], BigInt64Array.of(1n)),
  ]);
  const embeddings = g.op('Add', [
    g.op('Add', [
      g.op('Gather', [g.constant('word_embeddings', [vocabSize, hidden], wordTable), ids]),
      g.op('Gather', [
        g.constant('position_embeddings', [maxPositions, hidden], weights.positionEmbeddings),
        positionIds,
      ]),
    ]),
    g.op('Gather', [g.constant('token_type_embeddings', [2, hidden], weights.tokenTypeEmbeddings), types]),
  ]);
  let state = layerNorm(g, embeddings, weights.embeddingNorm, 'embeddings');

  // Additive mask [batch, 1, 1, seq]: 0 where attended, a large negative number at padding.
  const maskFloat = g.op('Cast', [mask], { attributes: { to: DataType.FLOAT } });
  const maskBias = g.op('Mul', [
    g.op('Sub', [scalar('one_f', 1), g.op('Unsqueeze', [maskFloat, i64('axes12', [1, 2])])]),
    scalar('mask_value', -3.4028234663852886e38),
  ]);
  const splitHeads = i64('split_heads', [0, 0, heads, headSize]);
  const mergeHeads = i64('merge_heads', [0, 0, hidden]);
  const linear = (x: string, dense: Dense, name: string) => linearLayer(g, x, dense, name, options.precision);

  weights.layers.forEach((layer, i) => {
    const name = (part: string) => `layer${i}_${part}`;
    const qkv = (['query', 'key', 'value'] as const).map((part, p) => {
      const dense = sliceColumns(layer.qkv, p * hidden, hidden);
      const projected = linear(state, dense, name(part));
      const perm = part === 'key' ? [0, 2, 3, 1] : [0, 2, 1, 3];
      return g.op('Transpose', [g.op('Reshape', [projected, splitHeads])], { attributes: { perm } });
    });
    const [q, kT, v] = qkv as [string, string, string];
    const scores = g.op('Add', [
      g.op('Div', [g.op('MatMul', [q, kT]), scalar(name('scale'), Math.sqrt(headSize))]),
      maskBias,
    ]);
    const probs = g.op('Softmax', [scores], { attributes: { axis: -1 } });
    const context = g.op('Reshape', [
      g.op('Transpose', [g.op('MatMul', [probs, v])], { attributes: { perm: [0, 2, 1, 3] } }),
      mergeHeads,
    ]);
    const attention = linear(context, layer.attentionOutput, name('attn_out'));
    state = layerNorm(g, g.op('Add', [attention, state]), layer.attentionNorm, name('attn_norm'));
    const pre = linear(state, layer.intermediate, name('ffn_in'));
    // Exact GELU: 0.5 x (1 + erf(x / sqrt 2)), as the PyTorch export writes it.
    const gelu = g.op('Mul', [
      g.op('Mul', [
        pre,
        g.op('Add', [
          g.op('Erf', [g.op('Div', [pre, scalar(name('sqrt2'), Math.SQRT2)])]),
          scalar(name('one'), 1),
        ]),
      ]),
      scalar(name('half'), 0.5),
    ]);
    const output = linear(gelu, layer.output, name('ffn_out'));
    state = layerNorm(g, g.op('Add', [output, state]), layer.outputNorm, name('ffn_norm'));
  });
  g.node('Identity', [state], { outputs: [STANDARD_OUTPUT] });

  const inputs = [ids, mask, types].map((name) => ({
    name,
    elemType: DataType.INT64,
    shape: ['batch_size', 'sequence_length'],
  }));
  return g.toModelBytes({
    graphName: `all-MiniLM-L6-v2 standard ${options.precision}`,
    docString: 'all-MiniLM-L6-v2 in the Hugging Face export layout, for the transformers.js peer benchmark',
    inputs,
    outputs: [
      { name: STANDARD_OUTPUT, elemType: DataType.FLOAT, shape: ['batch_size', 'sequence_length', hidden] },
    ],
    opsetVersion: 17,
    usesMicrosoftDomain: false,
  });
}

function linearLayer(
  g: GraphBuilder,
  x: string,
  dense: Dense,
  name: string,
  precision: 'fp32' | 'int8',
): string {
  const bias = g.constant(`${name}_b`, [dense.outputs], dense.bias);
  if (precision === 'fp32') {
    return g.op('Add', [
      g.op('MatMul', [x, g.constant(`${name}_w`, [dense.inputs, dense.outputs], dense.weight)]),
      bias,
    ]);
  }
  // quantize_dynamic's defaults: int8 weights, symmetric, one scale per tensor.
  let maxAbs = 0;
  for (const w of dense.weight) maxAbs = Math.max(maxAbs, Math.abs(w));
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  const quantized = Int8Array.from(dense.weight, (w) => Math.max(-127, Math.min(127, Math.round(w / scale))));
  const [xq, xScale, xZero] = g.node('DynamicQuantizeLinear', [x], {
    outputCount: 3,
    label: `${name}_quantize`,
  });
  const product = g.op('MatMulInteger', [
    xq!,
    g.constant(`${name}_wq`, [dense.inputs, dense.outputs], quantized),
    xZero!,
    g.constant(`${name}_wzp`, [], Int8Array.of(0)),
  ]);
  const combinedScale = g.op('Mul', [xScale!, g.constant(`${name}_wscale`, [], Float32Array.of(scale))]);
  return g.op('Add', [
    g.op('Mul', [g.op('Cast', [product], { attributes: { to: DataType.FLOAT } }), combinedScale]),
    bias,
  ]);
}

function layerNorm(g: GraphBuilder, x: string, w: LayerNormWeights, name: string): string {
  return g.op(
    'LayerNormalization',
    [
      x,
      g.constant(`${name}_gamma`, [w.gamma.length], w.gamma),
      g.constant(`${name}_beta`, [w.beta.length], w.beta),
    ],
    { attributes: { axis: -1, epsilon: { float: BERT_CONFIG.layerNormEpsilon } }, label: name },
  );
}

function sliceColumns(dense: Dense, start: number, width: number): Dense {
  const weight = new Float32Array(dense.inputs * width);
  for (let r = 0; r < dense.inputs; r++) {
    weight.set(
      dense.weight.subarray(r * dense.outputs + start, r * dense.outputs + start + width),
      r * width,
    );
  }
  return { inputs: dense.inputs, outputs: width, weight, bias: dense.bias.slice(start, start + width) };
}
