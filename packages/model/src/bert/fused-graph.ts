import { FUSED_INPUTS, FUSED_OUTPUT } from '../graph-io.js';
import { DataType, GraphBuilder, MICROSOFT_DOMAIN, type ValueInfo } from '../onnx/graph-builder.js';
import { quantizePerColumn } from '../quantize/quantize-per-column.js';
import { quantizeRows } from '../quantize/quantize-rows.js';
import { BERT_CONFIG, type BertWeights, type Dense, type LayerNormWeights } from './bert-weights.js';

/** The four linear layers of an encoder layer, named `layer{i}_{part}` in the graph. */
export type LinearPart = 'qkv' | 'attn_out' | 'ffn_in' | 'ffn_out';
export const linearName = (layer: number, part: LinearPart): string => `layer${layer}_${part}`;
/** Name of the graph output that exposes a linear layer's input when `exposeLinearInputs` is set. */
export const linearInputName = (linear: string): string => `${linear}_input`;

export interface FusedGraphOptions {
  readonly precision: 'fp32' | 'int8';
  /** Weight range for int8: 8 bits ([-127,127]) or 7 bits ([-63,63]). */
  readonly weightBits: 7 | 8;
  /**
   * Power-of-two divisors per input channel, by linear name. BERT's [CLS] token puts values 5-20x
   * the usual range into a few fixed channels, and one such value coarsens the per-tensor int8
   * quantisation of every activation. Dividing those channels (and multiplying the weight rows, whose
   * scales are per column) brings them into the common range; powers of two keep it exact. int8 only.
   */
  readonly channelDivisors?: ReadonlyMap<string, Float32Array>;
  /** Linear layers (by name) left in fp32 in an int8 graph: the few whose inputs quantise worst. */
  readonly keepFp32?: ReadonlySet<string>;
  /** Adds every linear layer's input as a graph output (used to find outlier channels). fp32 only. */
  readonly exposeLinearInputs?: boolean;
  /**
   * The word embedding table: float16 (the source precision, 23 MB; the int8 graph's until
   * 2026-12-07, int8-v1) or int8 rows with a scale per row (12 MB; the int8 graph's since).
   * Default float16.
   */
  readonly wordTable?: 'float16' | 'int8';
}

const epsilon = { float: BERT_CONFIG.layerNormEpsilon };

/**
 * The serving graph: int32 ids and mask in (right-padded), pooled unit vectors out.
 * It uses ONNX Runtime's CPU contrib ops (Attention/QAttention, BiasGelu, DynamicQuantizeMatMul) so
 * each encoder layer is a handful of kernels, and it pools and
 * normalises inside the graph so only [batch, 384] floats cross into JavaScript.
 */
export function buildFusedGraph(weights: BertWeights, options: FusedGraphOptions): Uint8Array {
  if (options.precision === 'fp32' && options.channelDivisors) {
    throw new Error('channel divisors apply to int8 only');
  }
  if (options.precision === 'int8' && options.exposeLinearInputs)
    throw new Error('expose linear inputs on fp32 only');
  const g = new GraphBuilder();
  const { hidden, maxPositions } = BERT_CONFIG;
  const { ids, mask } = FUSED_INPUTS;
  const extraOutputs: ValueInfo[] = [];
  const linear = new LinearEmitter(g, options, extraOutputs);

  // Embeddings: token type 0 is folded into the position table because every chunk is a single
  // segment.
  const words = wordEmbeddings(g, weights, options.wordTable ?? 'float16', ids);
  const positionPlusType = new Float32Array(weights.positionEmbeddings);
  for (let p = 0; p < maxPositions; p++) {
    for (let h = 0; h < hidden; h++) positionPlusType[p * hidden + h]! += weights.tokenTypeEmbeddings[h]!;
  }
  const positionTable = g.constant('position_embeddings', [maxPositions, hidden], positionPlusType);
  const seqLength = g.op('Slice', [g.op('Shape', [ids]), int64(g, 'one', 1), int64(g, 'two', 2)]);
  const positions = g.op('Slice', [positionTable, int64(g, 'zero', 0), seqLength]);
  let state = layerNorm(g, g.op('Add', [words, positions]), weights.embeddingNorm, 'embeddings');

  weights.layers.forEach((layer, i) => {
    const attention = linear.attention(state, layer.qkv, mask, linearName(i, 'qkv'));
    const attentionOut = linear.dense(attention, layer.attentionOutput, linearName(i, 'attn_out'));
    state = residualLayerNorm(g, attentionOut, state, layer.attentionNorm, `layer${i}_attn_norm`);
    const intermediate = linear.denseGelu(state, layer.intermediate, linearName(i, 'ffn_in'));
    const output = linear.dense(intermediate, layer.output, linearName(i, 'ffn_out'));
    state = residualLayerNorm(g, output, state, layer.outputNorm, `layer${i}_ffn_norm`);
  });

  // Mean pooling over the mask, then L2 normalisation. Normalising makes the division by the
  // token count redundant, so the graph sums and normalises.
  const maskFloat = g.op('Unsqueeze', [
    g.op('Cast', [mask], { attributes: { to: DataType.FLOAT } }),
    int64(g, 'axis2', 2),
  ]);
  const summed = g.op('ReduceSum', [g.op('Mul', [state, maskFloat]), int64(g, 'axis1', 1)], {
    attributes: { keepdims: 0 },
  });
  g.node('LpNormalization', [summed], { outputs: [FUSED_OUTPUT], attributes: { axis: 1, p: 2 } });

  return g.toModelBytes({
    graphName: `all-MiniLM-L6-v2 ${options.precision}`,
    docString: `all-MiniLM-L6-v2 sentence embeddings (${options.precision}), built by embedq from the fp16 safetensors weights`,
    inputs: [
      { name: ids, elemType: DataType.INT32, shape: ['batch', 'sequence'] },
      { name: mask, elemType: DataType.INT32, shape: ['batch', 'sequence'] },
    ],
    outputs: [{ name: FUSED_OUTPUT, elemType: DataType.FLOAT, shape: ['batch', hidden] }, ...extraOutputs],
    opsetVersion: 17,
    usesMicrosoftDomain: true,
  });
}

/**
 * The word vectors of `ids` as float32: gathered from the float16 table (lossless), or from int8
 * rows and scaled by each row's own factor (half the memory; mean cosine to fp32 unchanged at the
 * fourth decimal on the seed workload).
 */
function wordEmbeddings(
  g: GraphBuilder,
  weights: BertWeights,
  table: 'float16' | 'int8',
  ids: string,
): string {
  const { hidden, vocabSize } = BERT_CONFIG;
  const toFloat = { attributes: { to: DataType.FLOAT } };
  if (table === 'float16') {
    const half = g.constant('word_embeddings_f16', [vocabSize, hidden], weights.wordEmbeddingsF16);
    return g.op('Cast', [g.op('Gather', [half, ids], { label: 'word_gather' })], toFloat);
  }
  const q = quantizeRows(weights.wordEmbeddingsF16, vocabSize, hidden);
  const values = g.constant('word_embeddings_i8', [vocabSize, hidden], q.values);
  const scales = g.constant('word_embeddings_scale', [vocabSize, 1], q.scale);
  const gathered = g.op('Cast', [g.op('Gather', [values, ids], { label: 'word_gather' })], toFloat);
  return g.op('Mul', [gathered, g.op('Gather', [scales, ids], { label: 'word_scale_gather' })], {
    label: 'word_dequantize',
  });
}

/** Emits the linear layers in fp32 or int8, with channel divisors and calibration outputs as asked. */
class LinearEmitter {
  constructor(
    private readonly g: GraphBuilder,
    private readonly options: FusedGraphOptions,
    private readonly extraOutputs: ValueInfo[],
  ) {}

  /** Multi-head self-attention including the QKV projection. */
  attention(x: string, qkv: Dense, mask: string, name: string): string {
    const g = this.g;
    const attributes = { num_heads: BERT_CONFIG.heads };
    this.expose(x, name, qkv.inputs);
    if (this.isFp32(name)) {
      return g.op('Attention', [x, ...this.constants(qkv, name), mask], {
        domain: MICROSOFT_DOMAIN,
        attributes,
      });
    }
    const scaled = this.divideChannels(x, qkv, name);
    const q = quantizePerColumn(scaled.dense, this.options.weightBits);
    const [xq, xScale, xZero] = g.node('DynamicQuantizeLinear', [scaled.input], {
      outputCount: 3,
      label: `${name}_quantize`,
    });
    return g.op(
      'QAttention',
      [
        xq!,
        g.constant(`${name}_wq`, [q.inputs, q.outputs], q.weight),
        g.constant(`${name}_b`, [q.outputs], q.bias),
        xScale!,
        g.constant(`${name}_scale`, [q.outputs], q.scale),
        mask,
        xZero!,
        g.constant(`${name}_zp`, [q.outputs], new Int8Array(q.outputs)),
      ],
      { domain: MICROSOFT_DOMAIN, attributes, label: name },
    );
  }

  /** x W + b. fp32: MatMul then Add (ORT fuses the Add into the GEMM). */
  dense(x: string, dense: Dense, name: string): string {
    this.expose(x, name, dense.inputs);
    if (this.isFp32(name)) {
      const [w, b] = this.constants(dense, name);
      return this.g.op('Add', [this.g.op('MatMul', [x, w]), b]);
    }
    return this.quantizedMatMul(x, dense, name);
  }

  /** GELU(x W + b) with the exact erf GELU of BERT. */
  denseGelu(x: string, dense: Dense, name: string): string {
    this.expose(x, name, dense.inputs);
    if (this.isFp32(name)) {
      const [w, b] = this.constants(dense, name);
      return this.g.op('BiasGelu', [this.g.op('MatMul', [x, w]), b], { domain: MICROSOFT_DOMAIN });
    }
    return this.g.op('Gelu', [this.quantizedMatMul(x, dense, name)], { domain: MICROSOFT_DOMAIN });
  }

  private isFp32(name: string): boolean {
    return this.options.precision === 'fp32' || (this.options.keepFp32?.has(name) ?? false);
  }

  private divideChannels(x: string, dense: Dense, name: string): { input: string; dense: Dense } {
    const divisors = this.options.channelDivisors?.get(name);
    if (!divisors || divisors.every((d) => d === 1)) return { input: x, dense };
    const weight = new Float32Array(dense.weight);
    for (let r = 0; r < dense.inputs; r++) {
      for (let c = 0; c < dense.outputs; c++) weight[r * dense.outputs + c]! *= divisors[r]!;
    }
    const inverse = divisors.map((d) => 1 / d);
    const input = this.g.op('Mul', [x, this.g.constant(`${name}_divisors`, [dense.inputs], inverse)]);
    return { input, dense: { ...dense, weight } };
  }

  private quantizedMatMul(x: string, unscaled: Dense, name: string): string {
    const { input, dense } = this.divideChannels(x, unscaled, name);
    const q = quantizePerColumn(dense, this.options.weightBits);
    const g = this.g;
    return g.op(
      'DynamicQuantizeMatMul',
      [
        input,
        g.constant(`${name}_wq`, [q.inputs, q.outputs], q.weight),
        g.constant(`${name}_scale`, [q.outputs], q.scale),
        g.constant(`${name}_zp`, [q.outputs], new Int8Array(q.outputs)),
        g.constant(`${name}_b`, [q.outputs], q.bias),
      ],
      { domain: MICROSOFT_DOMAIN, label: name },
    );
  }

  private constants(dense: Dense, name: string): [string, string] {
    return [
      this.g.constant(`${name}_w`, [dense.inputs, dense.outputs], dense.weight),
      this.g.constant(`${name}_b`, [dense.outputs], dense.bias),
    ];
  }

  private expose(x: string, name: string, width: number): void {
    if (!this.options.exposeLinearInputs) return;
    const output = this.g.op('Identity', [x], { outputs: [linearInputName(name)] });
    this.extraOutputs.push({ name: output, elemType: DataType.FLOAT, shape: ['batch', 'sequence', width] });
  }
}

function int64(g: GraphBuilder, name: string, value: number): string {
  return g.constant(`${name}_i64`, [1], BigInt64Array.of(BigInt(value)));
}

function layerNorm(g: GraphBuilder, x: string, w: LayerNormWeights, name: string): string {
  return g.op(
    'LayerNormalization',
    [
      x,
      g.constant(`${name}_gamma`, [w.gamma.length], w.gamma),
      g.constant(`${name}_beta`, [w.beta.length], w.beta),
    ],
    { attributes: { axis: -1, epsilon }, label: name },
  );
}

/**
 * LayerNorm(x + residual) as Add then LayerNormalization. ONNX Runtime 1.30's fused
 * SkipLayerNormalization took 18% of the INT8 graph's time here, 4x an Add plus a
 * LayerNormalization (measured with ORT's profiler on seed chunks).
 */
function residualLayerNorm(
  g: GraphBuilder,
  x: string,
  residual: string,
  w: LayerNormWeights,
  name: string,
): string {
  return layerNorm(g, g.op('Add', [x, residual], { label: `${name}_residual` }), w, name);
}
