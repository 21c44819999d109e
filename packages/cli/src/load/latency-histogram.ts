/** Histograms of chunk latency as the API reports them, merged across batches. */
export interface LatencyHistogram {
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
}

export function mergeHistograms(histograms: readonly LatencyHistogram[]): LatencyHistogram {
  const first = histograms[0];
  if (first === undefined) return { bounds: [], counts: [0] };
  const counts = new Array<number>(first.counts.length).fill(0);
  for (const h of histograms) {
    if (h.bounds.length !== first.bounds.length || h.bounds.some((b, i) => b !== first.bounds[i])) {
      throw new Error('latency histograms with different buckets cannot be merged');
    }
    h.counts.forEach((c, i) => {
      counts[i] = (counts[i] ?? 0) + c;
    });
  }
  return { bounds: first.bounds, counts };
}

/**
 * The q-quantile (0..1), interpolated linearly inside its bucket, as Prometheus'
 * histogram_quantile does. Undefined for an empty histogram; the open last bucket answers with
 * the last bound (a lower limit).
 */
export function histogramQuantile(histogram: LatencyHistogram, q: number): number | undefined {
  const total = histogram.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < histogram.counts.length; i++) {
    const count = histogram.counts[i] ?? 0;
    if (count > 0 && seen + count >= rank) {
      const lower = i === 0 ? 0 : (histogram.bounds[i - 1] ?? 0);
      const upper = histogram.bounds[i];
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return histogram.bounds[histogram.bounds.length - 1];
}
