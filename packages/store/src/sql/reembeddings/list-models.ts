import type { Queryable } from '../../interfaces.js';

/** One namespace's rows of one identity. */
export interface IdentityUse {
  readonly namespace: string;
  readonly vectors: number;
  readonly failed: number;
  /** Search in the namespace compares this identity's vectors. */
  readonly active: boolean;
}

export interface ModelIdentityListing {
  readonly id: number;
  readonly model: string;
  readonly precision: string;
  /** Null for vectors from before identities were recorded that no process has adopted yet. */
  readonly graphSha256: string | null;
  readonly createdAt: Date;
  /** Every namespace with vectors of it or pinned to it, by name. */
  readonly namespaces: readonly IdentityUse[];
}

/**
 * Every registered identity with its vectors and failures per namespace, and where it is active.
 * Counts every row of `embeddings`: an operator's command, not a per-request query.
 */
export async function listModels(db: Queryable): Promise<ModelIdentityListing[]> {
  const result = await db.query<{
    id: number;
    model: string;
    precision: string;
    graph_sha256: string | null;
    created_at: Date;
    namespace: string | null;
    vectors: number | null;
    failed: number | null;
    active: boolean | null;
  }>(
    `WITH counts AS (
       SELECT c.namespace, e.identity_id,
              count(*) FILTER (WHERE e.embedding IS NOT NULL)::integer AS vectors,
              count(*) FILTER (WHERE e.embedding IS NULL)::integer AS failed
         FROM embeddings e JOIN chunks c ON c.id = e.chunk_id
        GROUP BY 1, 2
     ), uses AS (
       SELECT coalesce(k.namespace, n.namespace) AS namespace, coalesce(k.identity_id, n.identity_id) AS identity_id,
              coalesce(k.vectors, 0) AS vectors, coalesce(k.failed, 0) AS failed, n.namespace IS NOT NULL AS active
         FROM counts k FULL JOIN namespace_models n ON n.namespace = k.namespace AND n.identity_id = k.identity_id
     )
     SELECT m.id, m.model, m.precision, m.graph_sha256, m.created_at, u.namespace, u.vectors, u.failed, u.active
       FROM model_identities m LEFT JOIN uses u ON u.identity_id = m.id
      ORDER BY m.id, u.namespace`,
  );
  const byId = new Map<number, ModelIdentityListing & { namespaces: IdentityUse[] }>();
  for (const row of result.rows) {
    let listing = byId.get(row.id);
    if (listing === undefined) {
      listing = {
        id: row.id,
        model: row.model,
        precision: row.precision,
        graphSha256: row.graph_sha256,
        createdAt: row.created_at,
        namespaces: [],
      };
      byId.set(row.id, listing);
    }
    if (row.namespace !== null)
      listing.namespaces.push({
        namespace: row.namespace,
        vectors: row.vectors ?? 0,
        failed: row.failed ?? 0,
        active: row.active === true,
      });
  }
  return [...byId.values()];
}
