import type { ChunkToEmbed, JobRange, ModelIdentity, Queryable } from '../interfaces.js';

export interface JobChunks {
  /** False when the batch does not exist (yet): its request may still be committing. */
  readonly batchExists: boolean;
  /** The range's chunks that have no vector yet, in index order. */
  readonly chunks: readonly ChunkToEmbed[];
}

/**
 * Reads the texts a job must embed: the range's chunks without a vector, each flagged when a
 * chunk with the same text already has a vector from this model (it is copied, not embedded).
 */
export async function readJobChunks(
  db: Queryable,
  range: JobRange,
  model: ModelIdentity,
  options: { reuse: boolean } = { reuse: true },
): Promise<JobChunks> {
  const result = await db.query<{ id: string | null; text: string; content_hash: string; reusable: boolean }>(
    `SELECT c.id, c.text, encode(c.content_hash, 'hex') AS content_hash,
            $6::boolean AND EXISTS (
              SELECT 1 FROM chunks s
               WHERE s.content_hash = c.content_hash AND s.model = $4 AND s.precision = $5
                 AND s.status = 'embedded'
            ) AS reusable
       FROM batches b
       LEFT JOIN chunks c
         ON c.batch_id = b.id AND c.chunk_index >= $2 AND c.chunk_index < $3 AND c.status <> 'embedded'
      WHERE b.id = $1
      ORDER BY c.chunk_index`,
    [range.batchId, range.from, range.to, model.model, model.precision, options.reuse],
  );
  if (result.rows.length === 0) return { batchExists: false, chunks: [] };
  const chunks: ChunkToEmbed[] = [];
  for (const row of result.rows) {
    if (row.id === null) continue; // the batch row with no chunk left to embed
    chunks.push({ id: row.id, text: row.text, contentHash: row.content_hash, reusable: row.reusable });
  }
  return { batchExists: true, chunks };
}
