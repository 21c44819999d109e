import { describe, expect, it } from 'vitest';
import { DEFAULT_FUSION, fuseRanks } from './fuse-ranks.js';

const id = (x: string) => x;

describe('fuseRanks (reciprocal rank fusion)', () => {
  it('sums weight / (k + rank) over both rankings', () => {
    const fused = fuseRanks(['a', 'b', 'c'], ['c', 'd'], id, DEFAULT_FUSION);
    const score = (vector?: number, keyword?: number) =>
      (vector === undefined ? 0 : 1 / (60 + vector)) + (keyword === undefined ? 0 : 1 / (60 + keyword));
    expect(fused).toEqual([
      { item: 'c', fused: score(3, 1) },
      { item: 'a', fused: score(1) },
      { item: 'b', fused: score(2) },
      { item: 'd', fused: score(undefined, 2) },
    ]);
  });

  it('follows the weights: a zero weight leaves the other ranking alone', () => {
    expect(
      fuseRanks(['a', 'b'], ['b', 'c'], id, { k: 60, vectorWeight: 0, keywordWeight: 1 }).map((f) => f.item),
    ).toEqual(['b', 'c', 'a']);
    expect(
      fuseRanks(['a', 'b'], ['b', 'c'], id, { k: 60, vectorWeight: 1, keywordWeight: 0 }).map((f) => f.item),
    ).toEqual(['a', 'b', 'c']);
    // Ties (here every item once, at the same rank) keep the vector ranking's order first.
    expect(fuseRanks(['a'], ['b'], id, DEFAULT_FUSION).map((f) => f.item)).toEqual(['a', 'b']);
  });

  it('takes either ranking empty', () => {
    expect(fuseRanks([], ['x'], id, DEFAULT_FUSION)).toEqual([{ item: 'x', fused: 1 / 61 }]);
    expect(fuseRanks([], [], id, DEFAULT_FUSION)).toEqual([]);
  });
});
