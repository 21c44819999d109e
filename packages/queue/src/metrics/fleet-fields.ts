import { BATCH_DURATION_BOUNDS_SECONDS, bucketIndex, LATENCY_BOUNDS_SECONDS } from './histogram.js';
import type { FleetSums, JobFailureSample, JobSample } from './interfaces.js';

/**
 * The hash fields a sample adds to, shared by bucket hashes and the totals hash. Whole
 * milliseconds, so every field is an integer and HINCRBY adds them atomically.
 */
export function jobIncrements(sample: JobSample): Map<string, number> {
  const add = new Map<string, number>();
  const inc = (field: string, by: number) => add.set(field, (add.get(field) ?? 0) + by);
  inc('jobs', 1);
  inc('chunks', sample.chunks);
  inc('tokens', sample.tokens);
  inc('inferenceMs', Math.round(sample.inferenceMs));
  inc('readMs', Math.round(sample.readMs));
  inc('writeMs', Math.round(sample.writeMs));
  inc('inferenceBatches', sample.batchMs.length);
  for (const ms of sample.batchMs) inc(`batch:${bucketIndex(BATCH_DURATION_BOUNDS_SECONDS, ms / 1_000)}`, 1);
  if (sample.chunks > 0) {
    inc(`latency:${bucketIndex(LATENCY_BOUNDS_SECONDS, sample.latencyMs / 1_000)}`, sample.chunks);
    inc('latencySumMs', Math.round(sample.latencyMs) * sample.chunks);
  }
  inc(`wait:${bucketIndex(LATENCY_BOUNDS_SECONDS, sample.queueWaitMs / 1_000)}`, 1);
  inc('waitSumMs', Math.round(sample.queueWaitMs));
  return add;
}

export function failureIncrements(sample: JobFailureSample): Map<string, number> {
  return new Map(
    sample.final
      ? [
          ['failedAttempts', 1],
          ['failedJobs', 1],
          ['failedChunks', sample.chunks],
        ]
      : [['failedAttempts', 1]],
  );
}

/** Reads the sums back from a hash (missing fields are zero). */
export function parseFleetSums(hash: Readonly<Record<string, string>>): FleetSums {
  const num = (field: string) => Number(hash[field] ?? 0);
  const counts = (name: string, bounds: readonly number[]) =>
    Array.from({ length: bounds.length + 1 }, (_, i) => num(`${name}:${i}`));
  return {
    jobs: num('jobs'),
    chunks: num('chunks'),
    tokens: num('tokens'),
    inferenceMs: num('inferenceMs'),
    readMs: num('readMs'),
    writeMs: num('writeMs'),
    inferenceBatches: num('inferenceBatches'),
    failedAttempts: num('failedAttempts'),
    failedJobs: num('failedJobs'),
    failedChunks: num('failedChunks'),
    latency: counts('latency', LATENCY_BOUNDS_SECONDS),
    latencySumMs: num('latencySumMs'),
    queueWait: counts('wait', LATENCY_BOUNDS_SECONDS),
    queueWaitSumMs: num('waitSumMs'),
    batchDuration: counts('batch', BATCH_DURATION_BOUNDS_SECONDS),
  };
}
