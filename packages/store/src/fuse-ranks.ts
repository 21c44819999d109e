/** How hybrid search weighs its two rankings: reciprocal rank fusion. */
export interface FusionOptions {
  /** The RRF constant: larger flattens the difference between ranks. Default 60. */
  readonly k: number;
  /** Weight of the vector ranking. Default 1. */
  readonly vectorWeight: number;
  /** Weight of the keyword ranking. Default 1. */
  readonly keywordWeight: number;
}

export const DEFAULT_FUSION: FusionOptions = { k: 60, vectorWeight: 1, keywordWeight: 1 };

/**
 * Reciprocal rank fusion of two rankings of the same items (best first): each item scores
 * `weight / (k + rank)` in each ranking it appears in (ranks from 1), summed. Returns the items
 * best first with their fused scores; ties keep the vector ranking's order, then the keyword one's.
 */
export function fuseRanks<T>(
  vectorRanked: readonly T[],
  keywordRanked: readonly T[],
  key: (item: T) => string,
  options: FusionOptions,
): { item: T; fused: number }[] {
  const fused = new Map<string, { item: T; fused: number; order: number }>();
  const add = (ranked: readonly T[], weight: number, offset: number) => {
    ranked.forEach((item, i) => {
      const id = key(item);
      const entry = fused.get(id) ?? { item, fused: 0, order: offset + i };
      entry.fused += weight / (options.k + i + 1);
      fused.set(id, entry);
    });
  };
  add(vectorRanked, options.vectorWeight, 0);
  add(keywordRanked, options.keywordWeight, vectorRanked.length);
  return [...fused.values()]
    .sort((a, b) => b.fused - a.fused || a.order - b.order)
    .map(({ item, fused: score }) => ({ item, fused: score }));
}
