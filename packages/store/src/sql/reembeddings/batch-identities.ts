import type { Queryable } from '../../interfaces.js';

export interface BatchIdentities {
  /** The identity whose vectors complete the batch now (a switch-over changes it). */
  readonly identityId: number | null;
  /** The identity its namespace is being re-embedded with, when a re-embedding is running. */
  readonly reembedTo: number | null;
}

/** Which identities a batch's chunks need vectors of, read after its ingest job wrote. */
export async function batchIdentities(db: Queryable, batchId: string): Promise<BatchIdentities> {
  const result = await db.query<{ identity_id: number | null; reembed_to: number | null }>(
    `SELECT b.identity_id,
            (SELECT r.to_identity_id FROM reembeddings r
              WHERE r.namespace = b.namespace AND r.state = 'running' AND r.to_identity_id <> b.identity_id) AS reembed_to
       FROM batches b WHERE b.id = $1`,
    [batchId],
  );
  const row = result.rows[0];
  return { identityId: row?.identity_id ?? null, reembedTo: row?.reembed_to ?? null };
}
