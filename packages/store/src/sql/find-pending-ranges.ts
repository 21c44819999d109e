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
    // Only batches whose counts say chunks are pending have their chunks looked at.
    `SELECT c.batch_id, b.queue, (c.chunk_index / $1) * $1 AS "from", b.chunk_count,
            count(*)::integer AS pending
       FROM batches b JOIN chunks c ON c.batch_id = b.id
      WHERE b.finished_event_at IS NULL AND b.replaced_at IS NULL AND b.deleted_at IS NULL
        AND b.embedded_count + b.failed_count < b.chunk_count
        AND b.created_at < clock_timestamp() - make_interval(secs => $2)
        AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id AND e.identity_id = b.identity_id)
      GROUP BY c.batch_id, b.queue, 3, b.chunk_count, b.created_at
      ORDER BY b.created_at, 3
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
