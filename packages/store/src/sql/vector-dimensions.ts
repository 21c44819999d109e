/** Dimensions of every stored vector: the `vector(384)` column of migration 001 (all-MiniLM-L6-v2). */
export const VECTOR_DIMENSIONS = 384;
