import type { JobRange, Queryable } from '../interfaces.js';

/**
 * Records why a job's chunks could not be embedded, for the batch's identity, and counts the new
 * failures on the batch. A chunk that has a vector keeps it (one row per chunk and identity: a
 * job writing it right now makes this wait and then leave it alone); one that failed before keeps
 * one failure with the newest reason. A batch with no identity yet (from before identities were
 * recorded, never written to) gets nothing recorded: its chunks stay pending and the reconciler
 * sends them again.
 */
export async function markChunksFailed(
  db: Queryable,
  range: JobRange,
  reason: string,
  /** A re-embedding's identity: its failures are recorded, and the batch's counts left alone. */
  forIdentity?: number,
): Promise<number> {
  const result = await db.query<{ failed: number }>(
    `WITH failed AS (
       INSERT INTO embeddings AS e (chunk_id, identity_id, error)
       SELECT c.id, coalesce($5::smallint, b.identity_id), $4
         FROM batches b JOIN chunks c ON c.batch_id = b.id
        WHERE b.id = $1 AND coalesce($5::smallint, b.identity_id) IS NOT NULL AND c.chunk_index >= $2 AND c.chunk_index < $3
       ON CONFLICT (chunk_id, identity_id) DO UPDATE SET error = excluded.error, written_at = excluded.written_at
        WHERE e.embedding IS NULL
       RETURNING e.chunk_id, e.xmax = 0 AS new
     ), tally AS (
       SELECT count(*)::integer AS failed,
              count(*) FILTER (WHERE f.new)::integer AS new,
              coalesce(sum(c.token_count) FILTER (WHERE f.new), 0) AS word_pieces
         FROM failed f, LATERAL (SELECT token_count FROM chunks WHERE id = f.chunk_id) c
     ), counted AS (
       UPDATE batches b
          SET failed_count = b.failed_count + t.new, done_word_pieces = b.done_word_pieces + t.word_pieces,
              last_done_at = clock_timestamp()
         FROM tally t
        WHERE b.id = $1 AND t.failed > 0 AND b.identity_id = coalesce($5::smallint, b.identity_id)
     )
     SELECT failed FROM tally`,
    [range.batchId, range.from, range.to, reason.slice(0, 2000), forIdentity ?? null],
  );
  return result.rows[0]?.failed ?? 0;
}
