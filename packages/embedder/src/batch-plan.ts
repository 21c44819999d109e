/** Limits of one inference batch. */
export interface BatchLimits {
  readonly maxBatchSize: number;
  readonly maxBatchTokens: number;
}

/**
 * Splits chunks, already sorted by length (the embedder sorts longest first), into consecutive
 * batches that respect both limits. The padded size of a batch is its count times its longest
 * chunk. Returns the batch sizes.
 */
export function planBatches(sortedLengths: Iterable<number>, limits: BatchLimits): number[] {
  const sizes: number[] = [];
  let count = 0;
  let longest = 0;
  for (const length of sortedLengths) {
    const columns = Math.max(longest, length);
    const fits = count < limits.maxBatchSize && (count + 1) * columns <= limits.maxBatchTokens;
    if (count > 0 && !fits) {
      sizes.push(count);
      count = 0;
      longest = 0;
    }
    count++;
    longest = Math.max(longest, length);
  }
  if (count > 0) sizes.push(count);
  return sizes;
}
