import type pg from 'pg';
import { withClient } from '../../with-client.js';
import { pruneIn } from './prune-identity.js';
import { ReembeddingError } from './reembedding-error.js';

/**
 * Drops the old vectors of switched re-embeddings whose keep has run out, one namespace per
 * transaction. One whose old identity is in use again there (switched back) keeps them until
 * pruned by hand. Returns the rows deleted.
 */
export async function pruneExpiredKeeps(pool: pg.Pool): Promise<number> {
  const due = await pool.query<{ id: number; namespace: string; from_identity_id: number }>(
    `SELECT id, namespace, from_identity_id FROM reembeddings
      WHERE state = 'switched' AND pruned_at IS NULL AND keep_seconds IS NOT NULL
        AND switched_at + make_interval(secs => keep_seconds) < clock_timestamp()
      ORDER BY id`,
  );
  let deleted = 0;
  for (const row of due.rows) {
    deleted += await withClient(pool, async (client) => {
      await client.query('BEGIN');
      try {
        const pruned = await pruneIn(client, row.from_identity_id, row.namespace);
        await client.query('COMMIT');
        return pruned.deleted;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (!(error instanceof ReembeddingError)) throw error;
        await client.query('UPDATE reembeddings SET keep_seconds = NULL WHERE id = $1', [row.id]);
        return 0;
      }
    });
  }
  return deleted;
}
