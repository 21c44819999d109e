import type { ModelIdentity, Queryable } from '../interfaces.js';
import { float4ArrayParam } from './float4-array-param.js';
import { VECTOR_DIMENSIONS as DIMENSIONS, requireDimensions } from './vector-dimensions.js';

export interface EmbeddingWrite {
  /** Chunk ids with the vectors computed for them. */
  readonly embedded: readonly { readonly id: string; readonly vector: Float32Array }[];
  /** Chunk ids whose text already has a vector from this model: it is copied. */
  readonly reused: readonly string[];
  readonly model: ModelIdentity;
  /** The worker that wrote them (Heroku dyno name, host:pid). */
  readonly writer: string;
}

/**
 * Writes a job's vectors in one statement. Only chunks still without a vector are updated, so a
 * retried or duplicated job changes nothing that is done: each chunk keeps exactly one vector.
 * Returns the ids written; a reused id missing from it lost its source and must be embedded.
 */
export async function writeEmbeddings(db: Queryable, write: EmbeddingWrite): Promise<Set<string>> {
  if (write.embedded.length === 0 && write.reused.length === 0) return new Set();
  for (const e of write.embedded) requireDimensions(e.vector, `chunk ${e.id}: vector`);
  const result = await db.query<{ id: string }>(
    // $2 holds every fresh vector back to back; the n-th id's vector is the n-th run of DIMENSIONS floats.
    `WITH fresh AS (
       SELECT f.id, ($2::real[])[(f.n - 1) * ${DIMENSIONS} + 1 : f.n * ${DIMENSIONS}]::vector(${DIMENSIONS}) AS embedding,
              false AS reused
         FROM unnest($1::bigint[]) WITH ORDINALITY AS f(id, n)
     ), copied AS (
       SELECT c.id,
              (SELECT s.embedding FROM chunks s
                WHERE s.content_hash = c.content_hash AND s.model = $4 AND s.precision = $5
                  AND s.status = 'embedded'
                LIMIT 1) AS embedding,
              true AS reused
         FROM chunks c
        WHERE c.id = ANY($3::bigint[])
     ), incoming AS (
       SELECT id, embedding, reused FROM fresh
       UNION ALL
       SELECT id, embedding, reused FROM copied WHERE embedding IS NOT NULL
     )
     UPDATE chunks c
        SET embedding = i.embedding, reused = i.reused, status = 'embedded', model = $4, precision = $5,
            embedded_at = clock_timestamp(), embedded_by = $6, error = NULL, failed_at = NULL
       FROM incoming i
      WHERE c.id = i.id AND c.status <> 'embedded'
     RETURNING c.id`,
    [
      write.embedded.map((e) => e.id),
      float4ArrayParam(write.embedded.map((e) => e.vector)),
      write.reused,
      write.model.model,
      write.model.precision,
      write.writer,
    ],
  );
  return new Set(result.rows.map((r) => r.id));
}
