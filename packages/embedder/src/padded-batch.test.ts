import { describe, expect, it } from 'vitest';
import { createBatchScratch, padBatch } from './padded-batch.js';

const PAD = 0;

describe('padBatch', () => {
  it('right-pads every row to the longest, row-major, with a mask of 1s over the real tokens', () => {
    const batch = padBatch(
      [Int32Array.of(101, 7, 102), Int32Array.of(101, 102), Int32Array.of(101, 5, 6, 102)],
      PAD,
    );
    expect(batch.rows).toBe(3);
    expect(batch.columns).toBe(4);
    expect(batch.tokens).toBe(9);
    // biome-ignore format: one row per line
    expect(Array.from(batch.ids)).toEqual([
      101, 7, 102, PAD,
      101, 102, PAD, PAD,
      101, 5, 6, 102,
    ]);
    // biome-ignore format: one row per line
    expect(Array.from(batch.mask)).toEqual([
      1, 1, 1, 0,
      1, 1, 0, 0,
      1, 1, 1, 1,
    ]);
  });

  it('returns Int32Arrays of rows x columns, as the graph takes them', () => {
    const batch = padBatch([Int32Array.of(1, 2), Int32Array.of(3)], PAD);
    expect(batch.ids).toBeInstanceOf(Int32Array);
    expect(batch.mask).toBeInstanceOf(Int32Array);
    expect(batch.ids.length).toBe(batch.rows * batch.columns);
    expect(batch.mask.length).toBe(batch.rows * batch.columns);
  });

  it('uses the given pad id, and the mask sums to the real token count', () => {
    const batch = padBatch([Int32Array.of(1), Int32Array.of(2, 3, 4)], 999);
    expect(Array.from(batch.ids)).toEqual([1, 999, 999, 2, 3, 4]);
    expect(batch.mask.reduce((total, bit) => total + bit, 0)).toBe(batch.tokens);
  });

  it('adds no padding when all rows are equally long', () => {
    const batch = padBatch([Int32Array.of(1, 2), Int32Array.of(3, 4)], PAD);
    expect(Array.from(batch.ids)).toEqual([1, 2, 3, 4]);
    expect(Array.from(batch.mask)).toEqual([1, 1, 1, 1]);
    expect(batch.tokens).toBe(batch.rows * batch.columns);
  });

  it('keeps a pad id that occurs inside a sequence under the mask (the mask, not the id, marks padding)', () => {
    const batch = padBatch([Int32Array.of(101, PAD, 102), Int32Array.of(101)], PAD);
    expect(Array.from(batch.mask)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('handles a single row and no rows', () => {
    const one = padBatch([Int32Array.of(101, 102)], PAD);
    expect([one.rows, one.columns, one.tokens]).toEqual([1, 2, 2]);
    expect(Array.from(one.mask)).toEqual([1, 1]);
    const none = padBatch([], PAD);
    expect([none.rows, none.columns, none.tokens, none.ids.length, none.mask.length]).toEqual([
      0, 0, 0, 0, 0,
    ]);
  });

  it('copies the sequences: changing the input afterwards does not change the batch', () => {
    const sequence = Int32Array.of(101, 7, 102);
    const batch = padBatch([sequence], PAD);
    sequence[1] = 8;
    expect(Array.from(batch.ids)).toEqual([101, 7, 102]);
  });
});

describe('padBatch with scratch buffers', () => {
  it('writes into the scratch, clearing what an earlier, larger batch left there', () => {
    const scratch = createBatchScratch(8);
    padBatch([Int32Array.of(9, 9, 9, 9), Int32Array.of(9, 9, 9, 9)], PAD, scratch);
    const batch = padBatch([Int32Array.of(101, 102), Int32Array.of(101)], PAD, scratch);
    expect(batch.ids.buffer).toBe(scratch.ids.buffer);
    expect(Array.from(batch.ids)).toEqual([101, 102, 101, PAD]);
    expect(Array.from(batch.mask)).toEqual([1, 1, 1, 0]);
  });

  it('allocates when the scratch is too small', () => {
    const scratch = createBatchScratch(2);
    const batch = padBatch([Int32Array.of(1, 2), Int32Array.of(3, 4)], PAD, scratch);
    expect(batch.ids.buffer).not.toBe(scratch.ids.buffer);
    expect(batch.ids).toHaveLength(4);
  });
});
