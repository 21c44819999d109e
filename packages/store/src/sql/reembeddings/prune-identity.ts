import type pg from 'pg';
import type { Queryable } from '../../interfaces.js';
import { withClient } from '../../with-client.js';
import { ReembeddingError } from './reembedding-error.js';

export interface PruneResult {
  /** Rows (vectors and failures) deleted. */
  readonly deleted: number;
  /** Namespaces they were deleted from. */
  readonly namespaces: readonly string[];
}

/**
 * Deletes an identity's vectors and failures, from one namespace or from all. Refused, with
 * nothing deleted, where the identity is active or the target of an open re-embedding: pruning
 * everywhere needs it to be in use nowhere.
 */
export async function pruneIdentity(
  pool: pg.Pool,
  request: { identityId: number; namespace?: string | undefined },
): Promise<PruneResult> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await pruneIn(client, request.identityId, request.namespace ?? null);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/** The prune itself, inside the caller's transaction. */
export async function pruneIn(
  db: Queryable,
  identityId: number,
  namespace: string | null,
): Promise<PruneResult> {
  const known = await db.query('SELECT 1 FROM model_identities WHERE id = $1', [identityId]);
  if (known.rowCount === 0) throw new ReembeddingError('unknown_identity', `no model identity ${identityId}`);
  // Locks the pins it reads, so a re-embedding cannot switch to this identity meanwhile.
  const active = await db.query<{ namespace: string }>(
    `SELECT namespace FROM namespace_models
      WHERE identity_id = $1 AND ($2::text IS NULL OR namespace = $2) ORDER BY namespace FOR SHARE`,
    [identityId, namespace],
  );
  const targeted = await db.query<{ namespace: string }>(
    `SELECT namespace FROM reembeddings
      WHERE to_identity_id = $1 AND state IN ('running', 'paused') AND ($2::text IS NULL OR namespace = $2)
      ORDER BY namespace`,
    [identityId, namespace],
  );
  const inUse = {
    rows: [
      ...active.rows.map((r) => ({ namespace: r.namespace, why: 'active' })),
      ...targeted.rows.map((r) => ({ namespace: r.namespace, why: 'being re-embedded to it' })),
    ],
  };
  if (inUse.rows.length > 0) {
    throw new ReembeddingError(
      'identity_in_use',
      `identity ${identityId} is in use: ${inUse.rows.map((r) => `'${r.namespace}' (${r.why})`).join(', ')}; nothing was pruned`,
    );
  }
  const deleted = await db.query<{ namespace: string; n: number }>(
    `WITH gone AS (
       DELETE FROM embeddings e USING chunks c
        WHERE e.chunk_id = c.id AND e.identity_id = $1 AND ($2::text IS NULL OR c.namespace = $2)
       RETURNING c.namespace
     )
     SELECT namespace, count(*)::integer AS n FROM gone GROUP BY namespace ORDER BY namespace`,
    [identityId, namespace],
  );
  await db.query(
    `UPDATE reembeddings SET pruned_at = clock_timestamp()
      WHERE from_identity_id = $1 AND state = 'switched' AND pruned_at IS NULL AND ($2::text IS NULL OR namespace = $2)`,
    [identityId, namespace],
  );
  return {
    deleted: deleted.rows.reduce((sum, r) => sum + r.n, 0),
    namespaces: deleted.rows.map((r) => r.namespace),
  };
}
