import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import type { BertWeights } from '../bert/bert-weights.js';
import {
  buildFusedGraph,
  FUSED_INPUTS,
  type LinearPart,
  linearInputName,
  linearName,
} from '../bert/fused-graph.js';

export interface OutlierSelection {
  /** A channel is an outlier when its largest |activation| exceeds this many times the median channel's. */
  readonly ratio: number;
  /** At most this many outlier channels per linear layer (they cost fp32 work). */
  readonly maxChannels: number;
  /** Which linear layers get outlier decomposition (QAttention has no place for it). */
  readonly parts: readonly LinearPart[];
}

/** Chosen by measuring INT8-vs-fp32 cosine on held-out seed chunks (see reports/). */
export const DEFAULT_OUTLIER_SELECTION: OutlierSelection = {
  ratio: 6,
  maxChannels: 4,
  parts: ['ffn_in', 'ffn_out'],
};

/**
 * Runs the fp32 graph on the calibration texts (one at a time, so no padding enters the
 * statistics) and returns, per linear layer, the largest |activation| of each input channel.
 * Single-threaded ORT, so the statistics are the same on every run.
 */
export async function channelMaxima(
  weights: BertWeights,
  tokenizerJson: unknown,
  texts: readonly string[],
  parts: readonly LinearPart[],
): Promise<Map<string, Float32Array>> {
  const graph = buildFusedGraph(weights, { precision: 'fp32', weightBits: 8, exposeLinearInputs: true });
  const session = await ort.InferenceSession.create(graph, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  // The shipped tokenizer.json truncates at 128 and pads to 128; calibration wants neither.
  const tokenizer = new Tokenizer({ ...(tokenizerJson as object), truncation: null, padding: null }, {});
  const names = weights.layers.flatMap((_, i) => parts.map((part) => linearName(i, part)));
  const maxima = new Map<string, Float32Array>();
  try {
    for (const text of texts) {
      const ids = tokenizer.encode(text).ids.slice(0, 256);
      const shape = [1, ids.length];
      const result = await session.run({
        [FUSED_INPUTS.ids]: new ort.Tensor('int32', Int32Array.from(ids), shape),
        [FUSED_INPUTS.mask]: new ort.Tensor('int32', new Int32Array(ids.length).fill(1), shape),
      });
      for (const name of names) {
        const output = result[linearInputName(name)];
        if (!output) throw new Error(`calibration graph has no output for ${name}`);
        const values = output.data as Float32Array;
        const width = output.dims[2]!;
        const max = maxima.get(name) ?? new Float32Array(width);
        for (let i = 0; i < values.length; i++) {
          const k = i % width;
          const v = Math.abs(values[i]!);
          if (v > max[k]!) max[k] = v;
        }
        maxima.set(name, max);
      }
    }
  } finally {
    await session.release();
  }
  return maxima;
}

/** Picks the outlier channels of one layer from its channel maxima, largest first. */
export function selectOutliers(maxima: Float32Array, selection: OutlierSelection): number[] {
  const sorted = Float32Array.from(maxima).sort();
  const median = sorted[sorted.length >> 1]!;
  return [...maxima.keys()]
    .filter((k) => maxima[k]! > selection.ratio * median)
    .sort((a, b) => maxima[b]! - maxima[a]! || a - b)
    .slice(0, selection.maxChannels);
}

export async function calibrateOutliers(
  weights: BertWeights,
  tokenizerJson: unknown,
  texts: readonly string[],
  selection: OutlierSelection = DEFAULT_OUTLIER_SELECTION,
): Promise<Map<string, number[]>> {
  const maxima = await channelMaxima(weights, tokenizerJson, texts, selection.parts);
  return new Map([...maxima].map(([name, max]) => [name, selectOutliers(max, selection)]));
}
