import { describe, expect, it } from 'vitest';
import { median, percentile, spread, timings } from './percentiles.js';

describe('percentile', () => {
  it('interpolates between the closest ranks (type 7)', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 40)).toBeCloseTo(29);
    expect(percentile(values, 90)).toBeCloseTo(46);
  });

  it('does not depend on input order and does not reorder the input', () => {
    const values = [9, 1, 5, 3, 7];
    expect(percentile(values, 25)).toBe(3);
    expect(values).toEqual([9, 1, 5, 3, 7]);
  });

  it('returns the only value of a one-element list for every p', () => {
    for (const p of [0, 1, 50, 99, 100]) expect(percentile([4.2], p)).toBe(4.2);
  });

  it('matches numpy on 1..100', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 99)).toBeCloseTo(99.01);
    expect(percentile(values, 90)).toBeCloseTo(90.1);
  });

  it('rejects empty input, non-finite values and p outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(RangeError);
    expect(() => percentile([1, 2], 101)).toThrow(/0\.\.100/);
    expect(() => percentile([1, 2], -1)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('is the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('spread', () => {
  it('gives median, min and max', () => {
    expect(spread([120, 100, 110])).toEqual({ median: 110, min: 100, max: 120 });
  });
});

describe('timings', () => {
  it('summarises per-batch times', () => {
    const t = timings([10, 20, 30, 40, 1000]);
    expect(t.count).toBe(5);
    expect(t.mean).toBe(220);
    expect(t.p50).toBe(30);
    expect(t.max).toBe(1000);
    expect(t.p90).toBeCloseTo(616);
    expect(t.p99).toBeCloseTo(961.6);
  });

  it('is all zeros for no batches', () => {
    expect(timings([])).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });
});
