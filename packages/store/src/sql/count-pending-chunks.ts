import type { Queryable } from '../interfaces.js';

/**
 * Accepted chunks without a vector or a failure, across every namespace: the backlog the API's
 * backpressure limit is about. Read from the counts of the batches not finished yet (the partial
 * index `batches_unfinished`), not from their chunks.
 */
export async function countPendingChunks(db: Queryable): Promise<number> {
  const result = await db.query<{ pending: string }>(
    `SELECT coalesce(sum(greatest(chunk_count - embedded_count - failed_count, 0)), 0) AS pending
       FROM batches
      WHERE finished_event_at IS NULL AND replaced_at IS NULL AND deleted_at IS NULL`,
  );
  return Number(result.rows[0]?.pending ?? 0);
}
