import type { JobRange, Queryable } from '../interfaces.js';

/** Records why a job's chunks could not be embedded; chunks that have a vector are left alone. */
export async function markChunksFailed(db: Queryable, range: JobRange, reason: string): Promise<number> {
  const result = await db.query(
    `UPDATE chunks SET status = 'failed', error = $4, failed_at = clock_timestamp()
      WHERE batch_id = $1 AND chunk_index >= $2 AND chunk_index < $3 AND status <> 'embedded'`,
    [range.batchId, range.from, range.to, reason.slice(0, 2000)],
  );
  return result.rowCount ?? 0;
}
