import type { ChunkToEmbed, JobRange, Queryable } from '../interfaces.js';

export interface JobChunks {
  /** False when the batch does not exist (yet): its request may still be committing. */
  readonly batchExists: boolean;
  /**
   * The identity the chunks were read for: `forIdentity` when given, else the one whose vectors
   * complete the batch (its namespace's at acceptance); null for a batch from before identities
   * were recorded, which the reader's identity will complete.
   */
  readonly identityId: number | null;
  /** The range's chunks that have no vector of that identity yet, in index order. */
  readonly chunks: readonly ChunkToEmbed[];
}

/**
 * Reads the texts a job must embed: the range's chunks without a vector of the batch's identity
 * (`identityId` for a batch that has none yet; `forIdentity`, a re-embedding's, when given), each flagged when a chunk with the same text
 * already has a vector of that identity (it is copied, not embedded). Failed chunks are read
 * too: a job that runs again may still embed them.
 */
export async function readJobChunks(
  db: Queryable,
  range: JobRange,
  identityId: number,
  options: { reuse: boolean; forIdentity?: number | undefined } = { reuse: true },
): Promise<JobChunks> {
  const result = await db.query<{
    identity_id: number | null;
    id: string | null;
    text: string;
    content_hash: string;
    reusable: boolean;
  }>(
    `SELECT coalesce($6::smallint, b.identity_id) AS identity_id, c.id, c.text, encode(c.content_hash, 'hex') AS content_hash,
            -- Chunks with the same text, each then looked up by primary key (OFFSET 0: never a
            -- hash of every vector of the identity, whatever the statistics say).
            $5::boolean AND EXISTS (
              SELECT 1 FROM chunks s,
                     LATERAL (SELECT 1 FROM embeddings e
                               WHERE e.chunk_id = s.id AND e.identity_id = coalesce($6::smallint, b.identity_id, $4)
                                 AND e.embedding IS NOT NULL
                              OFFSET 0) v
               WHERE s.content_hash = c.content_hash
            ) AS reusable
       FROM batches b
       LEFT JOIN chunks c
         ON c.batch_id = b.id AND c.chunk_index >= $2 AND c.chunk_index < $3
        AND NOT EXISTS (
              SELECT 1 FROM embeddings e
               WHERE e.chunk_id = c.id AND e.identity_id = coalesce($6::smallint, b.identity_id, $4) AND e.embedding IS NOT NULL
            )
      WHERE b.id = $1
      ORDER BY c.chunk_index`,
    [range.batchId, range.from, range.to, identityId, options.reuse, options.forIdentity ?? null],
  );
  const first = result.rows[0];
  if (first === undefined) return { batchExists: false, identityId: null, chunks: [] };
  const chunks: ChunkToEmbed[] = [];
  for (const row of result.rows) {
    if (row.id === null) continue; // the batch row with no chunk left to embed
    chunks.push({ id: row.id, text: row.text, contentHash: row.content_hash, reusable: row.reusable });
  }
  return { batchExists: true, identityId: first.identity_id, chunks };
}
