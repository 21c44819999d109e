import type { CellSummary, Ratios, RunResult } from './interfaces.js';
import { type Spread, spread } from './percentiles.js';

/** Summarises repeated runs of one cell: medians, with min and max of the headline figures. */
export function summarizeRuns(runs: readonly RunResult[]): CellSummary {
  const first = runs[0];
  if (first === undefined) throw new RangeError('no runs to summarise');
  const of = (pick: (run: RunResult) => number): Spread => spread(runs.map(pick));
  const med = (pick: (run: RunResult) => number): number => of(pick).median;
  const representativeRun = medianIndex(runs.map((r) => r.chunksPerSec));
  return {
    engine: first.spec.engine,
    precision: first.spec.precision,
    chunks: first.spec.chunks,
    batchSize: first.spec.batchSize,
    runs: runs.length,
    seconds: med((r) => r.seconds),
    chunksPerSec: med((r) => r.chunksPerSec),
    peakRssMB: med((r) => r.peakRssMB),
    loadSeconds: med((r) => r.loadSeconds),
    batches: med((r) => r.batches),
    tokens: med((r) => r.tokens),
    paddedTokens: med((r) => r.paddedTokens),
    ...(first.inference === undefined ? {} : { inference: first.inference }),
    batchMs: {
      count: med((r) => r.batchMs.count),
      mean: med((r) => r.batchMs.mean),
      p50: med((r) => r.batchMs.p50),
      p90: med((r) => r.batchMs.p90),
      p99: med((r) => r.batchMs.p99),
      max: med((r) => r.batchMs.max),
    },
    representativeRun,
    rssSamples: runs[representativeRun]?.rssSamples ?? [],
    spread: {
      seconds: of((r) => r.seconds),
      chunksPerSec: of((r) => r.chunksPerSec),
      peakRssMB: of((r) => r.peakRssMB),
      loadSeconds: of((r) => r.loadSeconds),
      batchP50Ms: of((r) => r.batchMs.p50),
      batchP99Ms: of((r) => r.batchMs.p99),
    },
  };
}

export function ratios(embedq: CellSummary, peer: CellSummary): Ratios {
  return {
    chunksPerSec: embedq.chunksPerSec / peer.chunksPerSec,
    peakRss: embedq.peakRssMB / peer.peakRssMB,
  };
}

/** Index of the median value (the lower middle one for an even count). */
export function medianIndex(values: readonly number[]): number {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v || a.i - b.i);
  return order[Math.floor((order.length - 1) / 2)]?.i ?? 0;
}

/** RSS when `chunks` chunks were done: the first sample at or past it; undefined if never reached. */
export function rssAt(
  samples: readonly { chunks: number; rssMB: number }[],
  chunks: number,
): number | undefined {
  return samples.find((s) => s.chunks >= chunks)?.rssMB;
}
