import type pg from 'pg';
import { withClient } from '../../with-client.js';

export type SwitchOutcome =
  | { readonly switched: true; readonly batchIds: readonly string[] }
  | {
      readonly switched: false;
      /** Chunks with a row of the old identity and none of the new yet. */
      readonly missing: number;
      /** Chunks the new identity failed on that the old one had a vector for: search would lose them. */
      readonly lost: number;
    };

/**
 * Makes the new identity the namespace's active one, in one transaction, once every chunk with a
 * row of the old identity has one of the new and none that had a vector would lose it. Chunks
 * with neither are being ingested: they stay pending, now for the new identity. The pin is locked first: a batch being
 * accepted meanwhile commits before (and its chunks are counted here) or after (and it is
 * embedded by the new identity). The namespace's batches move to the new identity with their
 * counts recomputed from its rows, so progress, listings and events read the new vectors; a
 * worker writing the old identity meanwhile no longer counts on them. Returns the batches that
 * moved, whose final events the caller decides.
 */
export async function switchReembedding(
  pool: pg.Pool,
  reembedding: {
    readonly id: number;
    readonly namespace: string;
    readonly fromIdentityId: number;
    readonly toIdentityId: number;
  },
): Promise<SwitchOutcome> {
  const { id, namespace, fromIdentityId, toIdentityId } = reembedding;
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      await client.query('SELECT 1 FROM namespace_models WHERE namespace = $1 FOR UPDATE', [namespace]);
      const open = await client.query(
        `SELECT 1 FROM reembeddings WHERE id = $1 AND state = 'running' FOR UPDATE`,
        [id],
      );
      if (open.rowCount === 0) {
        await client.query('ROLLBACK');
        return { switched: false, missing: 0, lost: 0 };
      }
      const left = await client.query<{
        missing: number;
        lost: number;
        total: number;
        done: number;
        failed: number;
      }>(
        `SELECT count(*)::integer AS total, count(*) FILTER (WHERE t.vector)::integer AS done,
                count(*) FILTER (WHERE NOT t.vector)::integer AS failed,
                count(*) FILTER (WHERE t.vector IS NULL AND s.vector IS NOT NULL)::integer AS missing,
                count(*) FILTER (WHERE t.vector = false AND s.vector)::integer AS lost
           FROM chunks c
           LEFT JOIN LATERAL (SELECT e.embedding IS NOT NULL AS vector FROM embeddings e
                               WHERE e.chunk_id = c.id AND e.identity_id = $2 OFFSET 0) t ON true
           LEFT JOIN LATERAL (SELECT e.embedding IS NOT NULL AS vector FROM embeddings e
                               WHERE e.chunk_id = c.id AND e.identity_id = $3 OFFSET 0) s ON true
          WHERE c.namespace = $1`,
        [namespace, toIdentityId, fromIdentityId],
      );
      const missing = left.rows[0]?.missing ?? 0;
      const lost = left.rows[0]?.lost ?? 0;
      if (missing > 0 || lost > 0) {
        await client.query('ROLLBACK');
        return { switched: false, missing, lost };
      }
      await client.query(
        'UPDATE namespace_models SET identity_id = $2, since = clock_timestamp() WHERE namespace = $1',
        [namespace, toIdentityId],
      );
      // Each batch's counts as the new identity's rows have them; a batch still being ingested
      // keeps its pending chunks, which its job embeds with the new graph.
      const moved = await client.query<{ id: string }>(
        `UPDATE batches b
            SET identity_id = $2, embedded_count = x.vectors, reused_count = x.reused,
                failed_count = x.failures, done_word_pieces = x.word_pieces,
                last_done_at = coalesce(b.last_done_at, clock_timestamp())
           FROM (SELECT c.batch_id,
                        count(*) FILTER (WHERE t.vector)::integer AS vectors,
                        count(*) FILTER (WHERE t.reused)::integer AS reused,
                        count(*) FILTER (WHERE NOT t.vector)::integer AS failures,
                        coalesce(sum(c.token_count) FILTER (WHERE t.vector IS NOT NULL), 0) AS word_pieces
                   FROM chunks c
                   LEFT JOIN LATERAL (SELECT e.embedding IS NOT NULL AS vector, e.reused FROM embeddings e
                                       WHERE e.chunk_id = c.id AND e.identity_id = $2 OFFSET 0) t ON true
                  WHERE c.namespace = $1
                  GROUP BY c.batch_id) x
          WHERE b.id = x.batch_id AND b.identity_id IS DISTINCT FROM $2
          RETURNING b.id`,
        [namespace, toIdentityId],
      );
      await client.query(
        `UPDATE reembeddings
            SET state = 'switched', state_since = clock_timestamp(), switched_at = clock_timestamp(),
                total_chunks = $2, done_chunks = $3, failed_chunks = $4, counted_at = clock_timestamp()
          WHERE id = $1`,
        [id, left.rows[0]?.total ?? 0, left.rows[0]?.done ?? 0, left.rows[0]?.failed ?? 0],
      );
      await client.query('COMMIT');
      return { switched: true, batchIds: moved.rows.map((r) => r.id) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
