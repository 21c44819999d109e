/**
 * Small vector helpers for the embedder tests: plain loops over Float32Array, no dependencies.
 * Embeddings are unit vectors, so a dot product is their cosine.
 */

/** Dot product of two equally long vectors; for unit vectors, their cosine similarity. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`length ${a.length} != ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

/** Cosine similarity, normalising both sides (so it does not rely on unit length). */
export function cosine(a: Float32Array, b: Float32Array): number {
  return dot(a, b) / (norm(a) * norm(b));
}

/** Largest element-wise |a - b|. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Row-major matrix of `vectors`, each `dimensions` long, so scans touch one contiguous buffer. */
export function toMatrix(vectors: readonly Float32Array[], dimensions: number): Float32Array {
  const matrix = new Float32Array(vectors.length * dimensions);
  vectors.forEach((vector, row) => {
    if (vector.length !== dimensions) throw new RangeError(`row ${row} has ${vector.length} dimensions`);
    matrix.set(vector, row * dimensions);
  });
  return matrix;
}

/**
 * Indices of the `k` rows of `matrix` with the largest dot product with `query`, best first
 * (ties go to the lower index, so the result is deterministic).
 */
export function topK(query: Float32Array, matrix: Float32Array, k: number): number[] {
  const d = query.length;
  const rows = matrix.length / d;
  const best: number[] = [];
  const bestScores: number[] = [];
  for (let row = 0; row < rows; row++) {
    let score = 0;
    const offset = row * d;
    for (let i = 0; i < d; i++) score += query[i]! * matrix[offset + i]!;
    if (best.length === k && score <= bestScores[k - 1]!) continue;
    // Insertion into the short sorted list: k is small, so this beats a heap.
    let position = Math.min(best.length, k - 1);
    while (position > 0 && bestScores[position - 1]! < score) position--;
    best.splice(position, 0, row);
    bestScores.splice(position, 0, score);
    if (best.length > k) {
      best.pop();
      bestScores.pop();
    }
  }
  return best;
}

/** Fraction of `expected` that `actual` also holds (|intersection| / |expected|). */
export function overlap(actual: readonly number[], expected: readonly number[]): number {
  const set = new Set(actual);
  return expected.filter((value) => set.has(value)).length / expected.length;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
