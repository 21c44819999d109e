import type pg from 'pg';
import { withClient } from '../../with-client.js';
import { ReembeddingError } from './reembedding-error.js';
import { type Reembedding, selectReembeddings } from './reembedding-row.js';

export type ReembeddingAction = 'pause' | 'resume' | 'cancel';

const FROM_STATES: Readonly<Record<ReembeddingAction, readonly string[]>> = {
  pause: ['running'],
  resume: ['paused'],
  cancel: ['running', 'paused'],
};
const TO_STATE: Readonly<Record<ReembeddingAction, string>> = {
  pause: 'paused',
  resume: 'running',
  cancel: 'cancelled',
};

/**
 * Pauses, resumes or cancels a namespace's open re-embedding. Paused, its queued jobs finish
 * without embedding and the driver adds none; resumed, the driver adds jobs for what is left.
 * Cancelled, the vectors it wrote are deleted (search never used them).
 */
export async function changeReembedding(
  pool: pg.Pool,
  namespace: string,
  action: ReembeddingAction,
): Promise<Reembedding> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const changed = await client.query<{ id: number; to_identity_id: number; created_at: Date }>(
        `UPDATE reembeddings SET state = $3, state_since = clock_timestamp(),
                chunks_per_second = CASE WHEN $3 = 'running' THEN NULL ELSE chunks_per_second END
          WHERE namespace = $1 AND state = ANY($2::text[])
          RETURNING id, to_identity_id, created_at`,
        [namespace, FROM_STATES[action], TO_STATE[action]],
      );
      const row = changed.rows[0];
      if (row === undefined) {
        const verb = action === 'resume' ? 'paused' : action === 'pause' ? 'running' : 'open';
        throw new ReembeddingError('no_reembedding', `namespace '${namespace}' has no ${verb} re-embedding`);
      }
      if (action === 'cancel') {
        // Only what this re-embedding wrote: vectors of that identity from before it stay.
        await client.query(
          `DELETE FROM embeddings e USING chunks c
            WHERE c.namespace = $1 AND e.chunk_id = c.id AND e.identity_id = $2 AND e.written_at >= $3`,
          [namespace, row.to_identity_id, row.created_at],
        );
      }
      const [result] = await selectReembeddings(client, 'r.id = $1', [row.id]);
      await client.query('COMMIT');
      if (result === undefined) throw new Error('the re-embedding vanished');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
