import { createPrng } from '@embedq/workload';
import { describe, expect, it } from 'vitest';
import { type BatchLimits, planBatches } from './batch-plan.js';
import { MAX_SEQUENCE_LENGTH } from './interfaces.js';

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** Splits `lengths` by `sizes`: the batches the embedder would run. */
function cut(lengths: readonly number[], sizes: readonly number[]): number[][] {
  const batches: number[][] = [];
  let start = 0;
  for (const size of sizes) {
    batches.push(lengths.slice(start, start + size));
    start += size;
  }
  return batches;
}

/** Sorted lengths like tokenized chunks: 2 ([CLS] [SEP] only) to MAX_SEQUENCE_LENGTH. */
function randomSortedLengths(seed: number, count: number): number[] {
  const rng = createPrng(seed);
  return Array.from({ length: count }, () => rng.int(2, MAX_SEQUENCE_LENGTH)).sort((a, b) => a - b);
}

/** Every limit the plan must respect, plus that it places every chunk once, in order. */
function expectValidPlan(lengths: readonly number[], limits: BatchLimits, sizes: readonly number[]): void {
  expect(sum(sizes)).toBe(lengths.length);
  expect(sizes.every((size) => Number.isInteger(size) && size >= 1)).toBe(true);
  const batches = cut(lengths, sizes);
  expect(batches.flat()).toEqual(lengths);
  for (const batch of batches) {
    expect(batch.length).toBeLessThanOrEqual(limits.maxBatchSize);
    expect(batch.length * Math.max(...batch)).toBeLessThanOrEqual(limits.maxBatchTokens);
  }
}

describe('planBatches', () => {
  it('returns no batches for no chunks', () => {
    expect(planBatches([], { maxBatchSize: 64, maxBatchTokens: 4096 })).toEqual([]);
  });

  it('puts a single chunk in a batch of one', () => {
    expect(planBatches([MAX_SEQUENCE_LENGTH], { maxBatchSize: 64, maxBatchTokens: 4096 })).toEqual([1]);
  });

  it('cuts by count when the token budget is generous', () => {
    expect(planBatches(new Array(10).fill(8), { maxBatchSize: 4, maxBatchTokens: 100_000 })).toEqual([
      4, 4, 2,
    ]);
  });

  it('cuts by padded tokens (count x longest) when the count is generous', () => {
    // 3 x 10 = 30 fits a budget of 30; a 4th of length 10 would make 40.
    expect(planBatches([10, 10, 10, 10, 10], { maxBatchSize: 64, maxBatchTokens: 30 })).toEqual([3, 2]);
    // The longest chunk sets the padding: [5, 5, 5] is 15 tokens, [5, 5, 5, 9] would be 36.
    expect(planBatches([5, 5, 5, 9, 9], { maxBatchSize: 64, maxBatchTokens: 30 })).toEqual([3, 2]);
  });

  it('fills a batch exactly to the token budget', () => {
    expect(planBatches([8, 8, 8, 8], { maxBatchSize: 64, maxBatchTokens: 32 })).toEqual([4]);
  });

  it('runs each max-length chunk alone when the budget holds exactly one', () => {
    const limits = { maxBatchSize: 64, maxBatchTokens: MAX_SEQUENCE_LENGTH };
    expect(planBatches([MAX_SEQUENCE_LENGTH, MAX_SEQUENCE_LENGTH, MAX_SEQUENCE_LENGTH], limits)).toEqual([
      1, 1, 1,
    ]);
    // Shorter chunks share a batch until the long one arrives, which then goes alone.
    expect(planBatches([100, 128, MAX_SEQUENCE_LENGTH], limits)).toEqual([2, 1]);
  });

  it('plans lengths sorted longest first by the same limits: the first chunk sets the padding', () => {
    // [9, 9, 5] would be 27 <= 30 tokens; a 4th row makes 36.
    expect(planBatches([9, 9, 5, 5, 5], { maxBatchSize: 64, maxBatchTokens: 30 })).toEqual([3, 2]);
    for (const seed of [6, 7, 8]) {
      const lengths = randomSortedLengths(seed, 1000).reverse();
      const limits = { maxBatchSize: 32, maxBatchTokens: 1024 };
      expectValidPlan(lengths, limits, planBatches(lengths, limits));
    }
  });

  it('still places a chunk longer than the budget, alone, rather than dropping it', () => {
    expect(planBatches([2, 50, 50], { maxBatchSize: 64, maxBatchTokens: 40 })).toEqual([1, 1, 1]);
  });

  it('with maxBatchSize 1 gives one batch per chunk', () => {
    expect(planBatches([3, 4, 5], { maxBatchSize: 1, maxBatchTokens: 4096 })).toEqual([1, 1, 1]);
  });

  it('does not modify its input', () => {
    const lengths = Object.freeze([3, 4, 5]);
    expect(planBatches(lengths, { maxBatchSize: 2, maxBatchTokens: 4096 })).toEqual([2, 1]);
  });

  it.each([
    { maxBatchSize: 64, maxBatchTokens: 4096 },
    { maxBatchSize: 32, maxBatchTokens: 1024 },
    { maxBatchSize: 128, maxBatchTokens: 256 },
    { maxBatchSize: 7, maxBatchTokens: 100_000 },
  ])('respects both limits and places every chunk once, in order, for %o', (limits) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const lengths = randomSortedLengths(seed, 1000);
      expectValidPlan(lengths, limits, planBatches(lengths, limits));
    }
  });

  it('is greedy: no batch could have taken the first chunk of the next one', () => {
    const limits = { maxBatchSize: 16, maxBatchTokens: 1024 };
    const lengths = randomSortedLengths(9, 2000);
    const batches = cut(lengths, planBatches(lengths, limits));
    batches.slice(0, -1).forEach((batch, i) => {
      const next = batches[i + 1]![0]!;
      const wouldFit =
        batch.length + 1 <= limits.maxBatchSize && (batch.length + 1) * next <= limits.maxBatchTokens;
      expect(wouldFit).toBe(false);
    });
  });
});
