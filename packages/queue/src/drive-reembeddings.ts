import {
  countReembedding,
  decideFinishedBatches,
  findReembedRanges,
  pruneExpiredKeeps,
  selectReembeddings,
  switchReembedding,
  withClient,
} from '@embedq/store';
import type pg from 'pg';
import { ensureRangeJob } from './ensure-range-job.js';
import { forEachLimit } from './for-each-limit.js';
import type { EmbedChunksPayload } from './interfaces.js';
import type { JobProducer } from './job-producer.js';
import type { WebhookQueue } from './webhook-queue.js';

export interface ReembedDriveOptions {
  /** Chunks per job, as the API plans them (`JOB_CHUNKS`): ranges line up with stable job ids. */
  readonly jobChunks: number;
  /**
   * Ranges without a new vector looked at per re-embedding and pass (the oldest first): the queue
   * holds at most this many of its jobs, enough for several passes of work.
   */
  readonly maxRanges?: number;
}

export interface ReembedDriveReport {
  /** False when another process was driving, so this pass did nothing. */
  readonly ran: boolean;
  /** Running re-embeddings looked at. */
  readonly running: number;
  /** Ranges a waiting, prioritized or running job still covers. */
  readonly live: number;
  /** Ranges given a job (new, or lost to a Redis flush, or skipped while paused). */
  readonly enqueued: number;
  /** Ranges whose job failed for good: their chunks' failures recorded under the new identity. */
  readonly markedFailed: number;
  /** Namespaces switched to their new identity by this pass. */
  readonly switched: readonly string[];
  /** Old vectors dropped because their keep ran out. */
  readonly prunedRows: number;
}

const LOCK_KEY = 'embedq:reembed';

/**
 * One pass of the re-embedding driver (every worker runs it on a schedule; one at a time across
 * the fleet): counts each running re-embedding, switches a complete one over, and otherwise makes
 * sure the oldest ranges still without a new vector have a job, at a priority below ingest. Like
 * the reconciler it only reads Postgres for what is left, so jobs lost with Redis, killed workers
 * and restarts are covered: a range still missing gets its job again.
 */
export async function driveReembeddings(
  pool: pg.Pool,
  producer: JobProducer,
  webhooks: WebhookQueue | undefined,
  options: ReembedDriveOptions,
): Promise<ReembedDriveReport> {
  return withClient(pool, async (lockClient) => {
    const locked = await lockClient.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
      [LOCK_KEY],
    );
    if (locked.rows[0]?.ok !== true) return { ...EMPTY, ran: false };
    try {
      return await pass(pool, producer, webhooks, options);
    } finally {
      await lockClient.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [LOCK_KEY]);
    }
  });
}

async function pass(
  pool: pg.Pool,
  producer: JobProducer,
  webhooks: WebhookQueue | undefined,
  options: ReembedDriveOptions,
): Promise<ReembedDriveReport> {
  const report = { ...EMPTY, switched: [] as string[] };
  const running = await selectReembeddings(pool, `r.state = 'running'`, []);
  report.running = running.length;
  for (const reembedding of running) {
    const counts = await countReembedding(pool, reembedding);
    if (counts.done + counts.failed + counts.waiting >= counts.total) {
      const outcome = await switchReembedding(pool, reembedding);
      if (outcome.switched) {
        report.switched.push(reembedding.namespace);
        const finished = await decideFinishedBatches(pool, { batchIds: outcome.batchIds });
        await webhooks?.enqueueFirstAttempts(finished.deliveryIds);
        continue;
      }
      // Complete but with chunks the new graph failed on: it stays open, its failures counted.
      if (outcome.lost > 0 || outcome.missing === 0) continue;
    }
    const ranges = await findReembedRanges(pool, {
      namespace: reembedding.namespace,
      fromIdentityId: reembedding.fromIdentityId,
      toIdentityId: reembedding.toIdentityId,
      jobChunks: options.jobChunks,
      limit: options.maxRanges ?? 128,
    });
    await forEachLimit(ranges, 16, async (range) => {
      const payload: EmbedChunksPayload = {
        batchId: range.batchId,
        from: range.from,
        to: range.to,
        identityId: reembedding.toIdentityId,
      };
      const job = await ensureRangeJob(pool, producer, payload, 'bulk');
      if (job === 'live') report.live++;
      else if (job === 'markedFailed') report.markedFailed++;
      else report.enqueued++;
    });
  }
  report.prunedRows = await pruneExpiredKeeps(pool);
  return report;
}

const EMPTY: ReembedDriveReport = {
  ran: true,
  running: 0,
  live: 0,
  enqueued: 0,
  markedFailed: 0,
  switched: [],
  prunedRows: 0,
};
