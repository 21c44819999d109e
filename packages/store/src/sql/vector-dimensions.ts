/** Dimensions of every stored vector: the `vector(384)` column of migration 001 (all-MiniLM-L6-v2). */
export const VECTOR_DIMENSIONS = 384;

/** Refuses a vector the column cannot hold before any SQL runs; `what` names it in the error. */
export function requireDimensions(vector: Float32Array, what: string): void {
  if (vector.length !== VECTOR_DIMENSIONS) {
    throw new RangeError(`${what} of ${vector.length} dimensions, not ${VECTOR_DIMENSIONS}`);
  }
}
