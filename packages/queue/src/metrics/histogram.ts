/**
 * Fixed-bound histograms: counts per bucket add up across jobs, workers and time, which
 * percentiles do not. `counts[i]` holds observations <= `bounds[i]` and above `bounds[i - 1]`;
 * the last count (index `bounds.length`) holds everything above the last bound.
 */

/** Queue latency and queue wait, seconds: from a fraction of a second to an hour's backlog. */
export const LATENCY_BOUNDS_SECONDS: readonly number[] = [
  0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 450, 600, 900, 1200, 1800,
  3600,
];

/** One ONNX Runtime run (an inference batch), seconds. */
export const BATCH_DURATION_BOUNDS_SECONDS: readonly number[] = [
  0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5,
];

/** Index of the bucket `value` falls in. */
export function bucketIndex(bounds: readonly number[], value: number): number {
  for (let i = 0; i < bounds.length; i++) if (value <= bounds[i]!) return i;
  return bounds.length;
}

/** Adds `b` into `a` bucket by bucket. */
export function addCounts(a: number[], b: readonly number[]): number[] {
  for (let i = 0; i < b.length; i++) a[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return a;
}

/**
 * The q-quantile (0..1) by linear interpolation inside the bucket it falls in, as Prometheus's
 * histogram_quantile does; the open last bucket answers with the last bound. Undefined when empty.
 */
export function quantile(
  bounds: readonly number[],
  counts: readonly number[],
  q: number,
): number | undefined {
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] ?? 0;
    if (count > 0 && seen + count >= rank) {
      if (i >= bounds.length) return bounds[bounds.length - 1];
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i]!;
      return lower + ((upper - lower) * Math.max(0, rank - seen)) / count;
    }
    seen += count;
  }
  return bounds[bounds.length - 1];
}
