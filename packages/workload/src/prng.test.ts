import { describe, expect, it } from 'vitest';
import { createPrng, deriveSeed, mix32 } from './prng.js';

describe('createPrng', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = createPrng(123);
    const b = createPrng(123);
    const first = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(first);
  });

  it('gives different sequences for neighbouring seeds', () => {
    expect(createPrng(1).next()).not.toBe(createPrng(2).next());
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const rng = createPrng(9);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const value = rng.next();
      expect(value >= 0 && value < 1).toBe(true);
      buckets[Math.floor(value * 10)]! += 1;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('int() covers both bounds and nothing outside them', () => {
    const rng = createPrng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('pick() refuses an empty list', () => {
    expect(() => createPrng(1).pick([])).toThrow(RangeError);
  });

  it('is pinned: a change here silently changes every benchmark input', () => {
    const rng = createPrng(42);
    expect(Array.from({ length: 3 }, () => Math.floor(rng.next() * 2 ** 32))).toMatchInlineSnapshot(`
      [
        763744907,
        2711839145,
        2121928412,
      ]
    `);
  });
});

describe('deriveSeed / mix32', () => {
  it('maps consecutive indices to unrelated 32-bit seeds', () => {
    const seeds = new Set(Array.from({ length: 10_000 }, (_, index) => deriveSeed(42, index)));
    expect(seeds.size).toBe(10_000);
    for (const seed of seeds) expect(seed >>> 0).toBe(seed);
  });

  it('returns unsigned 32-bit integers', () => {
    expect(mix32(-1)).toBeGreaterThanOrEqual(0);
    expect(mix32(-1)).toBeLessThan(2 ** 32);
  });
});
