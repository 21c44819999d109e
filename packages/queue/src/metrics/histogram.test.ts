import { describe, expect, it } from 'vitest';
import { addCounts, bucketIndex, quantile } from './histogram.js';

const BOUNDS = [1, 2, 5];

describe('bucketIndex', () => {
  it('puts a value in the first bucket whose bound holds it, else the open last one', () => {
    expect(bucketIndex(BOUNDS, 0)).toBe(0);
    expect(bucketIndex(BOUNDS, 1)).toBe(0);
    expect(bucketIndex(BOUNDS, 1.5)).toBe(1);
    expect(bucketIndex(BOUNDS, 5)).toBe(2);
    expect(bucketIndex(BOUNDS, 60)).toBe(3);
  });
});

describe('quantile', () => {
  it('interpolates inside the bucket the rank falls in', () => {
    // 10 observations in (1, 2]: the median is halfway through that bucket.
    expect(quantile(BOUNDS, [0, 10, 0, 0], 0.5)).toBeCloseTo(1.5);
    // 50 in [0, 1], 50 in (2, 5]: p99 is near the top of (2, 5].
    expect(quantile(BOUNDS, [50, 0, 50, 0], 0.99)).toBeCloseTo(2 + 3 * (49 / 50));
    expect(quantile(BOUNDS, [50, 0, 50, 0], 0.5)).toBeCloseTo(1);
  });

  it('answers the last bound for the open bucket and undefined when empty', () => {
    expect(quantile(BOUNDS, [0, 0, 0, 4], 0.5)).toBe(5);
    expect(quantile(BOUNDS, [0, 0, 0, 0], 0.5)).toBeUndefined();
  });

  it('agrees with histograms added bucket by bucket', () => {
    const merged = addCounts(addCounts([], [1, 0, 0, 0]), [0, 0, 3, 0]);
    expect(merged).toEqual([1, 0, 3, 0]);
    expect(quantile(BOUNDS, merged, 0.25)).toBeCloseTo(1);
  });
});
