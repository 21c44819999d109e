/** Limits of one inference batch. */
export interface BatchLimits {
  readonly maxBatchSize: number;
  readonly maxBatchTokens: number;
}

/**
 * Splits chunks, already sorted by ascending length, into consecutive batches that respect both
 * limits. Because the lengths ascend, the newest chunk is always the batch's longest, so the
 * padded size of a batch is its count times the newest length. Returns the batch sizes.
 */
export function planBatches(sortedLengths: Iterable<number>, limits: BatchLimits): number[] {
  const sizes: number[] = [];
  let count = 0;
  for (const length of sortedLengths) {
    const fits = count < limits.maxBatchSize && (count + 1) * length <= limits.maxBatchTokens;
    if (count > 0 && !fits) {
      sizes.push(count);
      count = 0;
    }
    count++;
  }
  if (count > 0) sizes.push(count);
  return sizes;
}
