import { describe, expect, it } from 'vitest';
import { mean, recallAt, recallByScore, reciprocalRank } from './rank-metrics.js';

describe('recallAt', () => {
  it('counts the truth found in the first k, whatever their order', () => {
    expect(recallAt(['a', 'b', 'c', 'd'], ['d', 'c', 'x', 'y'], 4)).toBe(0.5);
    expect(recallAt(['a', 'b', 'c', 'd'], ['d'], 3)).toBe(0);
    expect(recallAt(['b', 'a'], ['a', 'b'], 2)).toBe(1);
  });
  it('only asks for the first k of the truth, and is 1 when there is none', () => {
    expect(recallAt(['a', 'b'], ['a', 'b', 'c'], 2)).toBe(1);
    expect(recallAt([], [], 10)).toBe(1);
  });
});

describe('recallByScore', () => {
  it('counts hits at least as similar as the exact k-th, so ties at the boundary count', () => {
    expect(recallByScore([0.9, 0.8, 0.7], [0.9, 0.8, 0.7], 3)).toBe(1);
    // A different chunk with the same score as the exact third counts; a weaker one does not.
    expect(recallByScore([0.9, 0.8, 0.7000001], [0.9, 0.8, 0.7], 3)).toBe(1);
    expect(recallByScore([0.9, 0.8, 0.6], [0.9, 0.8, 0.7], 3)).toBeCloseTo(2 / 3, 12);
    expect(recallByScore([0.9], [0.9, 0.8], 2)).toBe(0.5);
    expect(recallByScore([], [], 10)).toBe(1);
  });
});

describe('reciprocalRank', () => {
  it('is 1 / rank within the first k and 0 past it', () => {
    expect(reciprocalRank(['x', 'a'], 'a', 10)).toBe(0.5);
    expect(reciprocalRank(['a'], 'a', 10)).toBe(1);
    expect(reciprocalRank(['x', 'y', 'a'], 'a', 2)).toBe(0);
  });
});

describe('mean', () => {
  it('averages, and is NaN for nothing', () => {
    expect(mean([1, 0, 0.5])).toBe(0.5);
    expect(mean([])).toBeNaN();
  });
});
