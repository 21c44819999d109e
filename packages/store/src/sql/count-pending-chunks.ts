import type { Queryable } from '../interfaces.js';

/**
 * Accepted chunks without a vector or a failure, across every namespace: the backlog the API's
 * backpressure limit is about. Served by the partial index `chunks_pending`.
 */
export async function countPendingChunks(db: Queryable): Promise<number> {
  const result = await db.query<{ pending: string }>(
    `SELECT count(*) AS pending FROM chunks WHERE status = 'pending'`,
  );
  return Number(result.rows[0]?.pending ?? 0);
}
