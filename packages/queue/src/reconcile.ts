import { findPendingRanges, type PendingRange, withClient } from '@embedq/store';
import type pg from 'pg';
import { ensureRangeJob } from './ensure-range-job.js';
import { forEachLimit } from './for-each-limit.js';
import type { QueueKind } from './interfaces.js';
import type { JobProducer } from './job-producer.js';

export interface ReconcileOptions {
  /** Chunks per job, as the API plans them (`JOB_CHUNKS`). */
  readonly jobChunks: number;
  /** Batches younger than this are left alone: their jobs are new, not lost. */
  readonly graceSeconds: number;
  /** Most ranges looked at in one pass (the oldest first). */
  readonly maxRanges?: number;
  /** Only report what would be done. */
  readonly dryRun?: boolean;
}

/** What one pass found and did; `ranges` counts job-sized ranges that still have pending chunks. */
export interface ReconcileReport {
  /** False when another process was reconciling, so this pass did nothing. */
  readonly ran: boolean;
  readonly ranges: number;
  /** Ranges a waiting, delayed or running job still covers: nothing to do. */
  readonly live: number;
  /** Ranges whose job was lost (Redis flushed, job removed) or finished without them: added again. */
  readonly requeued: number;
  readonly requeuedChunks: number;
  /** Ranges whose job failed for good without recording it on the chunks: marked failed now. */
  readonly markedFailed: number;
  readonly markedFailedChunks: number;
}

/** One reconciler at a time across every process that shares the database. */
const LOCK_KEY = 'embedq:reconcile';
/** Redis round trips in flight while inspecting jobs. */
const INSPECT_CONCURRENCY = 16;

/**
 * Keeps the promise that every accepted chunk ends embedded or visibly failed: finds ranges of
 * chunks still pending with no live job (after a Redis flush or restart, a lost job, a job that
 * failed while Postgres was away) and enqueues them again, or records the failure a job could not.
 * Re-adding is safe: a job only embeds chunks that have no vector yet.
 */
export async function reconcileOnce(
  pool: pg.Pool,
  producer: JobProducer,
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  // withClient: this client waits on Redis between queries, and a connection lost meanwhile must
  // fail the run, not crash the process or go back to the pool.
  return withClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      const locked = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
        [LOCK_KEY],
      );
      if (locked.rows[0]?.locked !== true) {
        await client.query('ROLLBACK');
        return { ...EMPTY_REPORT, ran: false };
      }
      const ranges = await findPendingRanges(client, {
        jobChunks: options.jobChunks,
        olderThanSeconds: options.graceSeconds,
        limit: options.maxRanges ?? 10_000,
      });
      const report: Counts = { ...EMPTY_REPORT, ranges: ranges.length };
      await forEachLimit(ranges, INSPECT_CONCURRENCY, async (range) => {
        const payload = { batchId: range.batchId, from: range.from, to: range.to };
        const outcome = await ensureRangeJob(client, producer, payload, queueKind(range), {
          dryRun: options.dryRun === true,
        });
        if (outcome === 'live') {
          report.live++;
        } else if (outcome === 'markedFailed') {
          report.markedFailed++;
          report.markedFailedChunks += range.pending;
        } else {
          report.requeued++;
          report.requeuedChunks += range.pending;
        }
      });
      await client.query('COMMIT');
      return report;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

type Counts = { -readonly [K in keyof ReconcileReport]: ReconcileReport[K] };

const EMPTY_REPORT: ReconcileReport = {
  ran: true,
  ranges: 0,
  live: 0,
  requeued: 0,
  requeuedChunks: 0,
  markedFailed: 0,
  markedFailedChunks: 0,
};

function queueKind(range: PendingRange): QueueKind {
  return range.queue === 'interactive' ? 'interactive' : 'bulk';
}
