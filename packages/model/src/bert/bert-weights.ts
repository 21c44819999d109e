import type { SafeTensor } from '../safetensors.js';

/** all-MiniLM-L6-v2's shape (config.json of the source package). */
export const BERT_CONFIG = {
  vocabSize: 30522,
  hidden: 384,
  heads: 12,
  intermediate: 1536,
  layers: 6,
  maxPositions: 512,
  layerNormEpsilon: 1e-12,
} as const;

/** A dense layer as ONNX MatMul wants it: weight [in, out] row-major (PyTorch stores [out, in]). */
export interface Dense {
  readonly inputs: number;
  readonly outputs: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

export interface LayerNormWeights {
  readonly gamma: Float32Array;
  readonly beta: Float32Array;
}

export interface EncoderLayerWeights {
  /** Query, key and value side by side: [hidden, 3 x hidden], the layout of ORT's Attention op. */
  readonly qkv: Dense;
  readonly attentionOutput: Dense;
  readonly attentionNorm: LayerNormWeights;
  readonly intermediate: Dense;
  readonly output: Dense;
  readonly outputNorm: LayerNormWeights;
}

export interface BertWeights {
  /** Word embeddings as raw float16 bits [vocab, hidden]: the source precision, kept lossless and small. */
  readonly wordEmbeddingsF16: Uint16Array;
  readonly positionEmbeddings: Float32Array;
  readonly tokenTypeEmbeddings: Float32Array;
  readonly embeddingNorm: LayerNormWeights;
  readonly layers: readonly EncoderLayerWeights[];
}

export class MissingWeightError extends Error {
  override readonly name = 'MissingWeightError';
}

function tensor(tensors: Map<string, SafeTensor>, name: string, shape: readonly number[]): SafeTensor {
  const t = tensors.get(name);
  if (!t) throw new MissingWeightError(`weights have no tensor ${name}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new MissingWeightError(
      `tensor ${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`,
    );
  }
  return t;
}

/** PyTorch Linear weights [out, in] -> [in, out]. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

function dense(tensors: Map<string, SafeTensor>, prefix: string, inputs: number, outputs: number): Dense {
  const weight = tensor(tensors, `${prefix}.weight`, [outputs, inputs]);
  const bias = tensor(tensors, `${prefix}.bias`, [outputs]);
  return { inputs, outputs, weight: transpose(weight.data, outputs, inputs), bias: bias.data };
}

function norm(tensors: Map<string, SafeTensor>, prefix: string, hidden: number): LayerNormWeights {
  return {
    gamma: tensor(tensors, `${prefix}.weight`, [hidden]).data,
    beta: tensor(tensors, `${prefix}.bias`, [hidden]).data,
  };
}

/** Joins query, key and value [in, out] matrices column-wise into [in, 3 x out]. */
function concatColumns(parts: readonly Dense[]): Dense {
  const inputs = parts[0]!.inputs;
  const outputs = parts.reduce((sum, p) => sum + p.outputs, 0);
  const weight = new Float32Array(inputs * outputs);
  const bias = new Float32Array(outputs);
  let offset = 0;
  for (const part of parts) {
    for (let r = 0; r < inputs; r++) {
      weight.set(part.weight.subarray(r * part.outputs, (r + 1) * part.outputs), r * outputs + offset);
    }
    bias.set(part.bias, offset);
    offset += part.outputs;
  }
  return { inputs, outputs, weight, bias };
}

export function bertWeights(tensors: Map<string, SafeTensor>): BertWeights {
  const { vocabSize, hidden, intermediate, layers, maxPositions } = BERT_CONFIG;
  const word = tensor(tensors, 'embeddings.word_embeddings.weight', [vocabSize, hidden]);
  if (word.dtype !== 'F16')
    throw new MissingWeightError('word embeddings must be float16 in the source weights');
  const wordBits = new Uint16Array(word.raw.byteLength / 2);
  new Uint8Array(wordBits.buffer).set(word.raw);
  return {
    wordEmbeddingsF16: wordBits,
    positionEmbeddings: tensor(tensors, 'embeddings.position_embeddings.weight', [maxPositions, hidden]).data,
    tokenTypeEmbeddings: tensor(tensors, 'embeddings.token_type_embeddings.weight', [2, hidden]).data,
    embeddingNorm: norm(tensors, 'embeddings.LayerNorm', hidden),
    layers: Array.from({ length: layers }, (_, i) => {
      const p = `encoder.layer.${i}`;
      return {
        qkv: concatColumns(
          ['query', 'key', 'value'].map((n) => dense(tensors, `${p}.attention.self.${n}`, hidden, hidden)),
        ),
        attentionOutput: dense(tensors, `${p}.attention.output.dense`, hidden, hidden),
        attentionNorm: norm(tensors, `${p}.attention.output.LayerNorm`, hidden),
        intermediate: dense(tensors, `${p}.intermediate.dense`, hidden, intermediate),
        output: dense(tensors, `${p}.output.dense`, intermediate, hidden),
        outputNorm: norm(tensors, `${p}.output.LayerNorm`, hidden),
      };
    }),
  };
}
