import type { JobRange, Queryable } from '../interfaces.js';

/** A job-sized range of a batch that still has chunks waiting for a vector. */
export interface PendingRange extends JobRange {
  /** The queue the batch was enqueued on (`interactive` or `bulk`). */
  readonly queue: string;
  /** Chunks of the range still pending. */
  readonly pending: number;
}

/**
 * Ranges of `jobChunks` chunks (aligned as the API plans jobs) that have pending chunks and
 * belong to batches accepted more than `olderThanSeconds` ago, oldest batches first. Whether a
 * live job still covers each one is for the caller to ask the queue.
 */
export async function findPendingRanges(
  db: Queryable,
  options: { jobChunks: number; olderThanSeconds: number; limit: number },
): Promise<PendingRange[]> {
  const result = await db.query<{
    batch_id: string;
    queue: string;
    from: number;
    chunk_count: number;
    pending: number;
  }>(
    // Only batches whose counts say chunks are pending (found through the partial index
    // batches_unfinished) have their chunks looked at, each through chunks_batch (LATERAL: a
    // join would let the planner hash a scan of every chunk).
    `SELECT b.id AS batch_id, b.queue, r."from", b.chunk_count, r.pending
       FROM (SELECT id, queue, chunk_count, identity_id, created_at FROM batches
              WHERE finished_event_at IS NULL AND replaced_at IS NULL AND deleted_at IS NULL
                AND embedded_count + failed_count < chunk_count
                AND created_at < clock_timestamp() - make_interval(secs => $2)
              ORDER BY created_at
              LIMIT $3) b,
            LATERAL (
              SELECT (c.chunk_index / $1) * $1 AS "from", count(*)::integer AS pending
                FROM chunks c
               WHERE c.batch_id = b.id
                 AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id AND e.identity_id = b.identity_id)
               GROUP BY 1
            ) r
      ORDER BY b.created_at, r."from"
      LIMIT $3`,
    [options.jobChunks, options.olderThanSeconds, options.limit],
  );
  return result.rows.map((row) => ({
    batchId: row.batch_id,
    queue: row.queue,
    from: row.from,
    to: Math.min(row.from + options.jobChunks, row.chunk_count),
    pending: row.pending,
  }));
}
