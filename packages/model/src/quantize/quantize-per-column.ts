import type { Dense } from '../bert/bert-weights.js';

/** A dense layer with int8 weights and one float scale per output column (symmetric, zero point 0). */
export interface QuantizedDense {
  readonly inputs: number;
  readonly outputs: number;
  readonly weight: Int8Array;
  readonly scale: Float32Array;
  readonly bias: Float32Array;
}

/**
 * Symmetric per-column int8 quantisation of a [in, out] weight matrix.
 * `bits: 7` keeps weights in [-63, 63]: on AVX2 without VNNI, ORT's u8s8 kernel adds pairs of
 * u8 x s8 products in int16 (vpmaddubsw), which can saturate with full-range weights.
 */
export function quantizePerColumn(dense: Dense, bits: 7 | 8): QuantizedDense {
  const { inputs, outputs, weight } = dense;
  const qmax = bits === 8 ? 127 : 63;
  const scale = new Float32Array(outputs);
  for (let c = 0; c < outputs; c++) {
    let maxAbs = 0;
    for (let r = 0; r < inputs; r++) maxAbs = Math.max(maxAbs, Math.abs(weight[r * outputs + c]!));
    scale[c] = maxAbs > 0 ? maxAbs / qmax : 1;
  }
  const quantized = new Int8Array(inputs * outputs);
  for (let r = 0; r < inputs; r++) {
    for (let c = 0; c < outputs; c++) {
      const q = roundHalfToEven(weight[r * outputs + c]! / scale[c]!);
      quantized[r * outputs + c] = Math.max(-qmax, Math.min(qmax, q));
    }
  }
  return { inputs, outputs, weight: quantized, scale, bias: dense.bias };
}

/** numpy's rounding, so the weights match what ONNX Runtime's own quantiser would produce. */
function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
