/** Retrieval figures for one query, over hits identified by key (documentId and chunk index). */

/** Share of `truth` found among the first `k` of `found`; 1 when there is nothing to find. */
export function recallAt(found: readonly string[], truth: readonly string[], k: number): number {
  const wanted = truth.slice(0, k);
  if (wanted.length === 0) return 1;
  const top = new Set(found.slice(0, k));
  return wanted.filter((key) => top.has(key)).length / wanted.length;
}

/**
 * Recall of an approximate top k against the exact one, by similarity rather than identity:
 * a hit counts when it is at least as similar as the exact k-th (within `tolerance`), so chunks
 * tied at the boundary (equal texts, equal vectors) count whichever of them came back.
 */
export function recallByScore(
  foundScores: readonly number[],
  exactScores: readonly number[],
  k: number,
  tolerance = 2e-6,
): number {
  const wanted = exactScores.slice(0, k);
  if (wanted.length === 0) return 1;
  const boundary = Math.min(...wanted) - tolerance;
  const hits = foundScores.slice(0, k).filter((score) => score >= boundary).length;
  return Math.min(hits, wanted.length) / wanted.length;
}

/** 1 / the answer's rank among the first `k` of `found`, 0 when it is not there (MRR@k's term). */
export function reciprocalRank(found: readonly string[], answer: string, k: number): number {
  const rank = found.slice(0, k).indexOf(answer);
  return rank === -1 ? 0 : 1 / (rank + 1);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}
