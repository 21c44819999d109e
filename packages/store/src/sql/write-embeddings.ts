import type { Queryable } from '../interfaces.js';
import { float4ArrayParam } from './float4-array-param.js';
import { VECTOR_DIMENSIONS as DIMENSIONS, requireDimensions } from './vector-dimensions.js';

export interface EmbeddingWrite {
  /** The batch the chunks belong to (a job's range is in one batch): its counts are updated. */
  readonly batchId: string;
  /** Chunk ids with the vectors computed for them. */
  readonly embedded: readonly { readonly id: string; readonly vector: Float32Array }[];
  /** Chunk ids whose text already has a vector of this identity: it is copied. */
  readonly reused: readonly string[];
  /** The registered model identity (registerModelIdentity) whose graph computed the vectors. */
  readonly identityId: number;
  /** The worker that wrote them (Heroku dyno name, host:pid). */
  readonly writer: string;
}

export interface WrittenEmbeddings {
  /** Chunk ids given a vector by this write; a reused id missing from it lost its source. */
  readonly ids: ReadonlySet<string>;
  /** This write left the batch with no chunk without a vector or a failure. */
  readonly finishedBatch: boolean;
}

/**
 * Writes a job's vectors in one statement: one multi-row insert into `embeddings`, and the counts
 * of the batches they belong to. A chunk that has a vector of this identity keeps it, so a
 * retried or duplicated job changes nothing that is done and counts nothing twice; a chunk that
 * had failed gets the vector and is failed no more. The batch is counted only when it is embedded
 * by this identity (a batch from before identities were recorded takes this one).
 */
export async function writeEmbeddings(db: Queryable, write: EmbeddingWrite): Promise<WrittenEmbeddings> {
  if (write.embedded.length === 0 && write.reused.length === 0)
    return { ids: new Set(), finishedBatch: false };
  for (const e of write.embedded) requireDimensions(e.vector, `chunk ${e.id}: vector`);
  const result = await db.query<{ id: string | null; finished: boolean }>(
    // $2 holds every fresh vector back to back; the n-th id's vector is the n-th run of DIMENSIONS floats.
    `WITH fresh AS (
       SELECT f.id, ($2::real[])[(f.n - 1) * ${DIMENSIONS} + 1 : f.n * ${DIMENSIONS}]::vector(${DIMENSIONS}) AS embedding,
              false AS reused
         FROM unnest($1::bigint[]) WITH ORDINALITY AS f(id, n)
     ), copied AS (
       SELECT c.id,
              -- Each chunk with the text, then its vector by primary key: OFFSET 0 keeps the
              -- planner from hashing every vector of the identity once per reused chunk.
              (SELECT v.embedding
                 FROM chunks s,
                      LATERAL (SELECT e.embedding FROM embeddings e
                                WHERE e.chunk_id = s.id AND e.identity_id = $4 AND e.embedding IS NOT NULL
                               OFFSET 0) v
                WHERE s.content_hash = c.content_hash
                LIMIT 1) AS embedding,
              true AS reused
         FROM chunks c
        WHERE c.id = ANY($3::bigint[]) AND c.batch_id = $6
     ), written AS (
       -- A failure recorded earlier is replaced by the vector (recovered); a vector stays as it is.
       INSERT INTO embeddings AS e (chunk_id, identity_id, embedding, written_by, reused)
       SELECT i.id, $4, i.embedding, $5, i.reused
         FROM (SELECT * FROM fresh UNION ALL SELECT * FROM copied WHERE embedding IS NOT NULL) i
        -- Only chunks of the batch: a chunk deleted meanwhile is skipped here (or, deleted after
        -- this read, fails the statement on the foreign key, and the job runs again).
        WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.id = i.id AND c.batch_id = $6)
       ON CONFLICT (chunk_id, identity_id) DO UPDATE
          SET embedding = excluded.embedding, error = NULL, written_at = excluded.written_at,
              written_by = excluded.written_by, reused = excluded.reused
        WHERE e.embedding IS NULL
       RETURNING e.chunk_id, e.reused, e.xmax <> 0 AS recovered
     ), tally AS (
       -- One index lookup per written chunk (LATERAL): a join would let the planner hash a scan
       -- of the whole chunks table, once per job.
       SELECT count(*)::integer AS written,
              count(*) FILTER (WHERE w.reused)::integer AS reused,
              count(*) FILTER (WHERE w.recovered)::integer AS recovered,
              coalesce(sum(c.token_count) FILTER (WHERE NOT w.recovered), 0) AS word_pieces
         FROM written w, LATERAL (SELECT token_count FROM chunks WHERE id = w.chunk_id) c
     ), counted AS (
       UPDATE batches b
          SET identity_id = $4,
              embedded_count = b.embedded_count + t.written,
              reused_count = b.reused_count + t.reused,
              failed_count = b.failed_count - t.recovered,
              done_word_pieces = b.done_word_pieces + t.word_pieces,
              last_done_at = clock_timestamp()
         FROM tally t
        WHERE b.id = $6 AND t.written > 0 AND (b.identity_id = $4 OR b.identity_id IS NULL)
       RETURNING b.chunk_count - b.embedded_count - b.failed_count AS pending
     )
     SELECT chunk_id::text AS id, false AS finished FROM written
     UNION ALL
     SELECT NULL, true FROM counted WHERE pending = 0`,
    [
      write.embedded.map((e) => e.id),
      float4ArrayParam(write.embedded.map((e) => e.vector)),
      write.reused,
      write.identityId,
      write.writer,
      write.batchId,
    ],
  );
  const ids = new Set<string>();
  let finishedBatch = false;
  for (const row of result.rows) {
    if (row.id !== null) ids.add(row.id);
    if (row.finished) finishedBatch = true;
  }
  return { ids, finishedBatch };
}
