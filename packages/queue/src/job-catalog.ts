import { MalformedJobError } from './errors.js';
import type { EmbedChunksPayload } from './interfaces.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one job embedq runs: embed a range of a batch's chunks. Retries back off exponentially
 * (2 s, 4 s, 8 s, 16 s); after the last attempt the job stays in the failed set, visible and
 * re-runnable from Bull Board, and its chunks are marked failed with the reason.
 */
export const EMBED_CHUNKS_JOB = {
  name: 'embed-chunks',
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  /** Completed jobs are kept an hour (at most 10k) for Bull Board; failed ones a week. */
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
} as const;

/** Deterministic, so enqueueing the same range twice (a retried request) adds one job. */
export function embedChunksJobId(payload: EmbedChunksPayload): string {
  const id = `${payload.batchId}.${payload.from}`;
  return payload.identityId === undefined ? id : `${id}@${payload.identityId}`;
}

/**
 * BullMQ takes a queue's jobs without a priority before any with one: re-embedding jobs carry
 * this, so ingest on the same queue always goes first.
 */
export const REEMBED_PRIORITY = 10;

/** Checks a payload when it is enqueued and again when it is processed. */
export function parseEmbedChunksPayload(data: unknown): EmbedChunksPayload {
  if (typeof data !== 'object' || data === null) throw new MalformedJobError('job data is not an object');
  const { batchId, from, to, identityId } = data as Record<string, unknown>;
  if (typeof batchId !== 'string' || !UUID.test(batchId)) {
    throw new MalformedJobError('job data has no valid batchId');
  }
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
    throw new MalformedJobError('job data needs integer from and to');
  }
  if ((from as number) < 0 || (to as number) <= (from as number)) {
    throw new MalformedJobError(`job range [${from}, ${to}) is empty or negative`);
  }
  if (identityId !== undefined && (!Number.isSafeInteger(identityId) || (identityId as number) <= 0)) {
    throw new MalformedJobError('job data has an identityId that is not a positive integer');
  }
  const payload = { batchId, from: from as number, to: to as number };
  return identityId === undefined ? payload : { ...payload, identityId: identityId as number };
}

/** Splits a batch of `chunkCount` chunks into job ranges of at most `jobChunks`. */
export function planJobs(batchId: string, chunkCount: number, jobChunks: number): EmbedChunksPayload[] {
  if (!Number.isSafeInteger(jobChunks) || jobChunks < 1) throw new RangeError('jobChunks must be >= 1');
  const jobs: EmbedChunksPayload[] = [];
  for (let from = 0; from < chunkCount; from += jobChunks) {
    jobs.push({ batchId, from, to: Math.min(from + jobChunks, chunkCount) });
  }
  return jobs;
}
