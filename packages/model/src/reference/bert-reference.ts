import { readSafetensors, type SafeTensor } from '../safetensors.js';
import { gelu } from './erf.js';

/**
 * An independent reference forward pass of all-MiniLM-L6-v2 (HF `BertModel` + mean pooling +
 * L2 normalisation, as sentence-transformers runs it), in plain TypeScript and float64, read
 * straight from the safetensors weights. No ONNX anywhere: it is the oracle the built graphs are
 * tested against, so it favours being obviously right over being fast.
 *
 * Scope: one sequence at a time, token_type_ids all 0, every token attended (no padding), so the
 * attention mask is all ones and mean pooling averages every row.
 *
 * Precision: the fp16 weights are exact in float64, every intermediate is a float64, GELU uses
 * an erf accurate to ~1e-15. What remains is float64 rounding in dot products of <= 1536 terms,
 * many orders of magnitude below float32's.
 */

export const HIDDEN_SIZE = 384;
export const NUM_LAYERS = 6;
export const NUM_HEADS = 12;
export const HEAD_SIZE = HIDDEN_SIZE / NUM_HEADS;
export const INTERMEDIATE_SIZE = 1536;
export const VOCAB_SIZE = 30522;
export const MAX_POSITIONS = 512;
export const LAYER_NORM_EPS = 1e-12;

export interface ReferenceModel {
  /** The sentence embedding of one sequence of token ids: mean-pooled, L2-normalised, 384 values. */
  forward(ids: readonly number[]): Float64Array;
  /** The last hidden state, [seq x 384] row-major (one row per token). */
  hiddenStates(ids: readonly number[]): Float64Array;
  /**
   * Every hidden state, as HF's `output_hidden_states`: index 0 is the embeddings output (after
   * its LayerNorm), index i the output of encoder layer i - 1; each [seq x 384] row-major.
   */
  allHiddenStates(ids: readonly number[]): Float64Array[];
}

/** A PyTorch Linear: y = x W^T + b, with W stored [out, in] row-major. */
interface Linear {
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

interface LayerNorm {
  readonly gamma: Float64Array;
  readonly beta: Float64Array;
}

interface EncoderLayer {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly attentionOutput: Linear;
  readonly attentionLayerNorm: LayerNorm;
  readonly intermediate: Linear;
  readonly output: Linear;
  readonly outputLayerNorm: LayerNorm;
}

interface Weights {
  readonly wordEmbeddings: Float64Array;
  readonly positionEmbeddings: Float64Array;
  readonly tokenTypeEmbeddings: Float64Array;
  readonly embeddingsLayerNorm: LayerNorm;
  readonly layers: readonly EncoderLayer[];
}

export function createReferenceModel(weightsPath: string): ReferenceModel {
  const weights = loadWeights(readSafetensors(weightsPath), weightsPath);
  const allHiddenStates = (ids: readonly number[]): Float64Array[] => {
    validateIds(ids);
    const states = [embed(weights, ids)];
    for (const layer of weights.layers) states.push(encoderLayer(layer, states.at(-1)!, ids.length));
    return states;
  };
  const hiddenStates = (ids: readonly number[]): Float64Array => allHiddenStates(ids).at(-1)!;
  const forward = (ids: readonly number[]): Float64Array =>
    l2Normalize(meanPool(hiddenStates(ids), ids.length, HIDDEN_SIZE));
  return { forward, hiddenStates, allHiddenStates };
}

// ---------------------------------------------------------------------------------------------
// Weights

function loadWeights(tensors: Map<string, SafeTensor>, label: string): Weights {
  const get = (name: string, shape: readonly number[]): Float64Array => {
    const tensor = tensors.get(name);
    if (tensor === undefined) throw new Error(`${label}: missing tensor ${name}`);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${label}: ${name} has shape [${tensor.shape}], expected [${shape}]`);
    }
    return Float64Array.from(tensor.data);
  };
  const linear = (prefix: string, outFeatures: number, inFeatures: number): Linear => ({
    weight: get(`${prefix}.weight`, [outFeatures, inFeatures]),
    bias: get(`${prefix}.bias`, [outFeatures]),
    inFeatures,
    outFeatures,
  });
  const layerNorm = (prefix: string): LayerNorm => ({
    gamma: get(`${prefix}.weight`, [HIDDEN_SIZE]),
    beta: get(`${prefix}.bias`, [HIDDEN_SIZE]),
  });
  const layers: EncoderLayer[] = [];
  for (let n = 0; n < NUM_LAYERS; n++) {
    const p = `encoder.layer.${n}`;
    layers.push({
      query: linear(`${p}.attention.self.query`, HIDDEN_SIZE, HIDDEN_SIZE),
      key: linear(`${p}.attention.self.key`, HIDDEN_SIZE, HIDDEN_SIZE),
      value: linear(`${p}.attention.self.value`, HIDDEN_SIZE, HIDDEN_SIZE),
      attentionOutput: linear(`${p}.attention.output.dense`, HIDDEN_SIZE, HIDDEN_SIZE),
      attentionLayerNorm: layerNorm(`${p}.attention.output.LayerNorm`),
      intermediate: linear(`${p}.intermediate.dense`, INTERMEDIATE_SIZE, HIDDEN_SIZE),
      output: linear(`${p}.output.dense`, HIDDEN_SIZE, INTERMEDIATE_SIZE),
      outputLayerNorm: layerNorm(`${p}.output.LayerNorm`),
    });
  }
  return {
    wordEmbeddings: get('embeddings.word_embeddings.weight', [VOCAB_SIZE, HIDDEN_SIZE]),
    positionEmbeddings: get('embeddings.position_embeddings.weight', [MAX_POSITIONS, HIDDEN_SIZE]),
    tokenTypeEmbeddings: get('embeddings.token_type_embeddings.weight', [2, HIDDEN_SIZE]),
    embeddingsLayerNorm: layerNorm('embeddings.LayerNorm'),
    layers,
  };
}

function validateIds(ids: readonly number[]): void {
  if (ids.length === 0) throw new RangeError('token ids must not be empty');
  if (ids.length > MAX_POSITIONS) {
    throw new RangeError(`${ids.length} token ids exceed the ${MAX_POSITIONS} positions of the model`);
  }
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= VOCAB_SIZE) {
      throw new RangeError(`token id ${id} at index ${i} is not an integer in [0, ${VOCAB_SIZE})`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The forward pass. Activations are [seq x width] row-major Float64Arrays.

/** word + position + token type (0) embeddings, then LayerNorm. */
function embed(weights: Weights, ids: readonly number[]): Float64Array {
  const seq = ids.length;
  const x = new Float64Array(seq * HIDDEN_SIZE);
  for (let t = 0; t < seq; t++) {
    const word = ids[t]! * HIDDEN_SIZE;
    const position = t * HIDDEN_SIZE;
    for (let d = 0; d < HIDDEN_SIZE; d++) {
      x[position + d] =
        weights.wordEmbeddings[word + d]! +
        weights.positionEmbeddings[position + d]! +
        weights.tokenTypeEmbeddings[d]!;
    }
  }
  return layerNorm(x, seq, weights.embeddingsLayerNorm);
}

/** One BERT layer (post-LayerNorm): attention, add & norm, feed-forward with GELU, add & norm. */
function encoderLayer(layer: EncoderLayer, hidden: Float64Array, seq: number): Float64Array {
  const context = selfAttention(layer, hidden, seq);
  const attended = layerNorm(
    add(linear(context, seq, layer.attentionOutput), hidden),
    seq,
    layer.attentionLayerNorm,
  );
  const intermediate = linear(attended, seq, layer.intermediate).map(gelu);
  return layerNorm(add(linear(intermediate, seq, layer.output), attended), seq, layer.outputLayerNorm);
}

/** Multi-head scaled dot-product self-attention over the whole sequence; returns the heads' context, concatenated. */
function selfAttention(layer: EncoderLayer, hidden: Float64Array, seq: number): Float64Array {
  const q = linear(hidden, seq, layer.query);
  const k = linear(hidden, seq, layer.key);
  const v = linear(hidden, seq, layer.value);
  const scale = 1 / Math.sqrt(HEAD_SIZE);
  const context = new Float64Array(seq * HIDDEN_SIZE);
  const probs = new Float64Array(seq);
  for (let h = 0; h < NUM_HEADS; h++) {
    const head = h * HEAD_SIZE;
    for (let i = 0; i < seq; i++) {
      const qi = i * HIDDEN_SIZE + head;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < seq; j++) {
        const kj = j * HIDDEN_SIZE + head;
        let dot = 0;
        for (let d = 0; d < HEAD_SIZE; d++) dot += q[qi + d]! * k[kj + d]!;
        probs[j] = dot * scale;
        if (probs[j]! > max) max = probs[j]!;
      }
      let total = 0;
      for (let j = 0; j < seq; j++) {
        probs[j] = Math.exp(probs[j]! - max);
        total += probs[j]!;
      }
      for (let j = 0; j < seq; j++) {
        const p = probs[j]! / total;
        const vj = j * HIDDEN_SIZE + head;
        for (let d = 0; d < HEAD_SIZE; d++) context[qi + d]! += p * v[vj + d]!;
      }
    }
  }
  return context;
}

// ---------------------------------------------------------------------------------------------
// Building blocks

function linear(
  x: Float64Array,
  rows: number,
  { weight, bias, inFeatures, outFeatures }: Linear,
): Float64Array {
  const y = new Float64Array(rows * outFeatures);
  // Four rows at a time, so each weight row is read once per four tokens (the weights do not fit
  // in cache): several times faster in V8 than one row at a time, with the same float64 sums.
  // Past the last row the block repeats it and throws the duplicate away.
  for (let r = 0; r < rows; r += 4) {
    const x0 = r * inFeatures;
    const x1 = Math.min(r + 1, rows - 1) * inFeatures;
    const x2 = Math.min(r + 2, rows - 1) * inFeatures;
    const x3 = Math.min(r + 3, rows - 1) * inFeatures;
    for (let o = 0; o < outFeatures; o++) {
      const wo = o * inFeatures;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < inFeatures; i++) {
        const w = weight[wo + i]!;
        s0 += x[x0 + i]! * w;
        s1 += x[x1 + i]! * w;
        s2 += x[x2 + i]! * w;
        s3 += x[x3 + i]! * w;
      }
      const b = bias[o]!;
      y[r * outFeatures + o] = s0 + b;
      if (r + 1 < rows) y[(r + 1) * outFeatures + o] = s1 + b;
      if (r + 2 < rows) y[(r + 2) * outFeatures + o] = s2 + b;
      if (r + 3 < rows) y[(r + 3) * outFeatures + o] = s3 + b;
    }
  }
  return y;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((value, i) => value + b[i]!);
}

/** LayerNorm over the last axis (width 384): (x - mean) / sqrt(biased variance + eps) * gamma + beta. */
function layerNorm(x: Float64Array, rows: number, { gamma, beta }: LayerNorm): Float64Array {
  const width = HIDDEN_SIZE;
  const y = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * width, (r + 1) * width);
    let mean = 0;
    for (let d = 0; d < width; d++) mean += row[d]!;
    mean /= width;
    let variance = 0;
    for (let d = 0; d < width; d++) variance += (row[d]! - mean) ** 2;
    variance /= width;
    const inverseStd = 1 / Math.sqrt(variance + LAYER_NORM_EPS);
    for (let d = 0; d < width; d++) y[r * width + d] = (row[d]! - mean) * inverseStd * gamma[d]! + beta[d]!;
  }
  return y;
}

function meanPool(x: Float64Array, rows: number, width: number): Float64Array {
  const pooled = new Float64Array(width);
  for (let r = 0; r < rows; r++) for (let d = 0; d < width; d++) pooled[d]! += x[r * width + d]!;
  return pooled.map((sum) => sum / rows);
}

function l2Normalize(v: Float64Array): Float64Array {
  const norm = Math.sqrt(v.reduce((sum, value) => sum + value * value, 0));
  return v.map((value) => value / norm);
}
