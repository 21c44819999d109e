import type { Queryable } from '../../interfaces.js';

/**
 * Whether a re-embedding job should embed: its batch's namespace has a running re-embedding to
 * `identityId`. A job of a paused, cancelled or finished one ends without embedding.
 */
export async function reembeddingRunning(
  db: Queryable,
  batchId: string,
  identityId: number,
): Promise<boolean> {
  const result = await db.query<{ running: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM batches b JOIN reembeddings r ON r.namespace = b.namespace
        WHERE b.id = $1 AND r.to_identity_id = $2 AND r.state = 'running'
     ) AS running`,
    [batchId, identityId],
  );
  return result.rows[0]?.running === true;
}
