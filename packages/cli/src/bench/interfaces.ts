/**
 * Glossary
 * - engine: what embeds the chunks in a run: `embedq` (@embedq/embedder) or `peer` (the
 *   transformers.js feature-extraction pipeline on an equivalent ONNX graph).
 * - run: one measurement in its own child process: load the engine, warm it up, embed N seed
 *   chunks in batches of at most B, report. Peak RSS is that whole process's.
 * - cell: one (engine, chunks, batch size) configuration; repeated runs of a cell are summarised
 *   by their median (with min and max).
 * - matrix: the seed report's set of cells (batch sizes 32/64/128 at 10k chunks; 1k/5k/10k/20k
 *   chunks at batch 64; the peer at 10k, batch 64), run interleaved across repeats.
 * - MB: mebibytes (2^20 bytes), as RSS is reported by the kernel and by psutil.
 */
import type { ProcessRuntime } from '@embedq/config';
import type { EngineSetting, Precision } from '@embedq/embedder';
import type { Spread, Timings } from './percentiles.js';

/**
 * What ran embedq's graph: ONNX Runtime, or the native engine with its AVX-512 VNNI kernels
 * (`native`, the name reports used before there was a second set) or its AVX2 ones.
 */
export type RanOn = 'native' | 'native-avx2' | 'onnxruntime';

export type { EngineSetting, Precision };

export type Engine = 'embedq' | 'peer';

export const ENGINES: readonly Engine[] = ['embedq', 'peer'];

/** What a child process measures. */
export interface RunSpec {
  readonly engine: Engine;
  readonly chunks: number;
  /** Most chunks per inference batch (embedq may form smaller, token-bounded batches). */
  readonly batchSize: number;
  readonly precision: Precision;
  /** embedq only: what runs the graph (the embedder's `engine`; default auto). */
  readonly inference?: EngineSetting;
  /** embedq only: ONNX Runtime sessions run side by side (embedder default when absent). */
  readonly sessions?: number;
  /** embedq only: ONNX Runtime intra-op threads per session (embedder default when absent). */
  readonly threads?: number;
  /** embedq only: most padded tokens per inference batch (embedder default when absent). */
  readonly maxBatchTokens?: number;
  /** The built model folder; the repository's `models/` when absent. */
  readonly modelDir?: string;
  /** embedq only: chunks between settled RSS samples (see SettledRssSampler); none when absent. */
  readonly settleEvery?: number;
  /** embedq only: write ONNX Runtime's per-operator profile of each session into this folder. */
  readonly profileDir?: string;
}

/** The highest resident set size read after the batches since the previous sample. */
export interface RssSample {
  /** Chunks embedded so far. */
  readonly chunks: number;
  /** Seconds since the timed embedding started. */
  readonly seconds: number;
  readonly rssMB: number;
}

/** RSS right after a full garbage collection (see SettledRssSampler), when `chunks` chunks were done. */
export type SettledRssSample = Pick<RssSample, 'chunks' | 'rssMB'>;

/** What one child process reports. */
export interface RunResult {
  readonly spec: RunSpec;
  readonly chunks: number;
  /** Wall time of the embedding alone (after load and warm-up). */
  readonly seconds: number;
  readonly chunksPerSec: number;
  /** Model load plus warm-up, not part of `seconds`. */
  readonly loadSeconds: number;
  /** Peak RSS of the whole child process (`process.resourceUsage().maxRSS`). */
  readonly peakRssMB: number;
  readonly rssBeforeLoadMB: number;
  readonly rssAfterLoadMB: number;
  readonly batches: number;
  /** Real word pieces, [CLS] and [SEP] included. */
  readonly tokens: number;
  /** Batch size x longest sequence, summed over batches: what ONNX Runtime computes. */
  readonly paddedTokens: number;
  /** embedq only: what ran the graph (absent in reports written before the native engine). */
  readonly inference?: RanOn;
  /** Per-batch times (embedq: the engine's run; peer: the whole pipeline call). */
  readonly batchMs: Timings;
  readonly rssSamples: readonly RssSample[];
  /** RSS right after a full garbage collection, every `spec.settleEvery` chunks and at the end. */
  readonly settledRss?: readonly SettledRssSample[];
  /** Library versions as loaded in the child (e.g. onnxruntime-node, @huggingface/transformers). */
  readonly versions: Readonly<Record<string, string>>;
  /**
   * How Node ran the run's process, as it recorded itself: its flags (`process.execArgv`) and the
   * glibc malloc tunables (`MALLOC_*`) in its environment. Absent in reports written before.
   */
  readonly runtime?: ProcessRuntime;
}

/** Repeated runs of one cell, summarised. Scalar fields are medians over the runs. */
export interface CellSummary {
  readonly engine: Engine;
  readonly precision: Precision;
  readonly chunks: number;
  readonly batchSize: number;
  readonly runs: number;
  readonly seconds: number;
  readonly chunksPerSec: number;
  readonly peakRssMB: number;
  readonly loadSeconds: number;
  readonly batches: number;
  readonly tokens: number;
  readonly paddedTokens: number;
  /** embedq only: what ran the graph. */
  readonly inference?: RanOn;
  /** Median over runs of each run's per-batch percentile. */
  readonly batchMs: Timings;
  /** The run whose throughput is the median (lower middle for an even count). */
  readonly representativeRun: number;
  /** RSS samples of the representative run. */
  readonly rssSamples: readonly RssSample[];
  readonly spread: {
    readonly seconds: Spread;
    readonly chunksPerSec: Spread;
    readonly peakRssMB: Spread;
    readonly loadSeconds: Spread;
    readonly batchP50Ms: Spread;
    readonly batchP99Ms: Spread;
  };
}

/** embedq relative to the peer: > 1 means embedq has more of it. */
export interface Ratios {
  /** embedq chunks/s divided by the peer's. */
  readonly chunksPerSec: number;
  /** embedq peak RSS divided by the peer's. */
  readonly peakRss: number;
}
