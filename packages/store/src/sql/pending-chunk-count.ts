import type { Queryable } from '../interfaces.js';

/**
 * Chunks accepted and not yet embedded or failed, across every namespace: the backlog the
 * dashboard shows and /metrics exports. Counted from the partial index `chunks_pending`.
 */
export async function pendingChunkCount(db: Queryable): Promise<number> {
  const result = await db.query<{ pending: number }>(
    `SELECT count(*)::integer AS pending FROM chunks WHERE status = 'pending'`,
  );
  return result.rows[0]?.pending ?? 0;
}
