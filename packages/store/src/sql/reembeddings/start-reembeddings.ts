import type pg from 'pg';
import { withClient } from '../../with-client.js';
import { ReembeddingError } from './reembedding-error.js';
import { type Reembedding, selectReembeddings } from './reembedding-row.js';

export interface ReembeddingRequest {
  /** The identity to embed with (resolveIdentity). */
  readonly toIdentityId: number;
  /** The namespaces to re-embed; all whose active identity is another when absent. */
  readonly namespaces?: readonly string[] | undefined;
  /** Seconds to keep the old vectors after the switch; until pruned when absent. */
  readonly keepSeconds?: number | undefined;
}

/**
 * Starts re-embedding each namespace with another identity, all or none: a namespace that does
 * not exist, already uses that identity or has a re-embedding open is refused with nothing
 * started. Workers pick the new ones up within seconds (the driver in every worker).
 */
export async function startReembeddings(pool: pg.Pool, request: ReembeddingRequest): Promise<Reembedding[]> {
  if (
    request.keepSeconds !== undefined &&
    (!Number.isInteger(request.keepSeconds) || request.keepSeconds < 0)
  )
    throw new RangeError('keepSeconds must be a whole number >= 0');
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const named = request.namespaces;
      // Locked so a switch-over or another start of these namespaces waits for this one.
      const pins = await client.query<{ namespace: string; identity_id: number }>(
        `SELECT namespace, identity_id FROM namespace_models
          WHERE ($1::text[] IS NULL OR namespace = ANY($1::text[]))
          ORDER BY namespace FOR UPDATE`,
        [named ?? null],
      );
      const found = new Map(pins.rows.map((r) => [r.namespace, r.identity_id]));
      const unknown = (named ?? []).filter((n) => !found.has(n));
      if (unknown.length > 0)
        throw new ReembeddingError(
          'unknown_namespace',
          `no namespace ${unknown.map((n) => `'${n}'`).join(', ')}`,
        );
      const target = await client.query('SELECT 1 FROM model_identities WHERE id = $1', [
        request.toIdentityId,
      ]);
      if (target.rowCount === 0)
        throw new ReembeddingError('unknown_identity', `no model identity ${request.toIdentityId}`);
      const already = [...found].filter(([, id]) => id === request.toIdentityId).map(([n]) => n);
      if (named !== undefined && already.length > 0)
        throw new ReembeddingError(
          'already_active',
          `namespace ${already.map((n) => `'${n}'`).join(', ')} already uses identity ${request.toIdentityId}`,
        );
      const namespaces = [...found.keys()].filter((n) => found.get(n) !== request.toIdentityId);
      if (namespaces.length === 0)
        throw new ReembeddingError(
          'already_active',
          `every namespace already uses identity ${request.toIdentityId}`,
        );
      const open = await client.query<{ namespace: string }>(
        `SELECT namespace FROM reembeddings WHERE namespace = ANY($1::text[]) AND state IN ('running', 'paused')
          ORDER BY namespace`,
        [namespaces],
      );
      if (open.rows.length > 0)
        throw new ReembeddingError(
          'reembedding_open',
          `namespace ${open.rows.map((r) => `'${r.namespace}'`).join(', ')} has a re-embedding open; cancel it or wait for it to finish`,
        );
      const inserted = await client.query<{ id: number }>(
        `INSERT INTO reembeddings (namespace, from_identity_id, to_identity_id, state, keep_seconds, total_chunks)
         SELECT n.namespace, n.identity_id, $2, 'running', $3,
                (SELECT count(*) FROM chunks c WHERE c.namespace = n.namespace)
           FROM namespace_models n WHERE n.namespace = ANY($1::text[])
         RETURNING id`,
        [namespaces, request.toIdentityId, request.keepSeconds ?? null],
      );
      const started = await selectReembeddings(client, 'r.id = ANY($1::integer[])', [
        inserted.rows.map((r) => r.id),
      ]);
      await client.query('COMMIT');
      return started;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
