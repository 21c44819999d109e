import { describe, expect, it } from 'vitest';
import { histogramQuantile, mergeHistograms } from './latency-histogram.js';

const bounds = [1, 2, 4];

describe('latency histograms', () => {
  it('merge bucket by bucket', () => {
    expect(
      mergeHistograms([
        { bounds, counts: [1, 0, 2, 0] },
        { bounds, counts: [0, 3, 1, 1] },
      ]),
    ).toEqual({
      bounds,
      counts: [1, 3, 3, 1],
    });
    expect(() =>
      mergeHistograms([
        { bounds, counts: [0, 0, 0, 0] },
        { bounds: [1], counts: [0, 0] },
      ]),
    ).toThrow();
  });

  it('interpolate quantiles inside a bucket', () => {
    const h = { bounds, counts: [0, 10, 0, 0] };
    expect(histogramQuantile(h, 0.5)).toBeCloseTo(1.5);
    expect(histogramQuantile(h, 1)).toBeCloseTo(2);
    expect(histogramQuantile({ bounds, counts: [4, 0, 0, 0] }, 0.5)).toBeCloseTo(0.5);
  });

  it('answer the last bound for the open bucket and nothing when empty', () => {
    expect(histogramQuantile({ bounds, counts: [0, 0, 0, 5] }, 0.99)).toBe(4);
    expect(histogramQuantile({ bounds, counts: [0, 0, 0, 0] }, 0.5)).toBeUndefined();
  });
});
