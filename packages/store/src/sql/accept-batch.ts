import type pg from 'pg';
import { IdempotencyConflictError } from '../errors.js';
import type { AcceptedBatch, NewBatch, NewChunk } from '../interfaces.js';
import { utf8Positions } from '../utf8-positions.js';
import { isQueryReadTimeout, withClient } from '../with-client.js';

export interface AcceptResult {
  readonly batch: AcceptedBatch;
  /** True when an earlier request with the same Idempotency-Key already created the batch. */
  readonly replayed: boolean;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Stores a batch and its chunks, replacing the document's earlier chunks, and calls `enqueue`
 * before committing: if enqueueing fails the transaction rolls back and nothing is stored, so
 * the request fails as a whole. (If the commit itself fails after enqueueing, the jobs find no
 * batch and end without effect.)
 */
export async function acceptBatch(
  pool: pg.Pool,
  batch: NewBatch,
  enqueue: (accepted: AcceptedBatch) => Promise<void>,
): Promise<AcceptResult> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const earlier = await findByIdempotencyKey(client, batch);
      if (earlier !== undefined) {
        await client.query('ROLLBACK');
        return { batch: earlier, replayed: true };
      }
      const accepted = await insert(client, batch);
      await enqueue(accepted);
      await client.query('COMMIT');
      return { batch: accepted, replayed: false };
    } catch (error) {
      // After a read timeout (Postgres stalled) a ROLLBACK would queue behind the unanswered
      // statement and wait out a second query_timeout: 40 s in all, past the 30 s request and
      // socket timeouts, so the client got a dropped connection instead of a 503. withClient
      // closes the connection instead, and the server rolls the transaction back when it sees that.
      if (!isQueryReadTimeout(error)) await client.query('ROLLBACK').catch(() => undefined);
      // Two requests with one key raced: the loser answers with the winner's batch.
      if (isUniqueViolation(error, 'batches_namespace_idempotency_key_key')) {
        const winner = await findByIdempotencyKey(client, batch);
        if (winner !== undefined) return { batch: winner, replayed: true };
      }
      throw error;
    }
  });
}

async function findByIdempotencyKey(
  client: pg.PoolClient,
  batch: NewBatch,
): Promise<AcceptedBatch | undefined> {
  if (batch.idempotencyKey === undefined) return undefined;
  const found = await client.query<{
    id: string;
    chunk_count: number;
    queue: string;
    created_at: Date;
    request_hash: Buffer | null;
  }>(
    `SELECT id, chunk_count, queue, created_at, request_hash
       FROM batches WHERE namespace = $1 AND idempotency_key = $2`,
    [batch.namespace, batch.idempotencyKey],
  );
  const row = found.rows[0];
  if (row === undefined) return undefined;
  const same =
    row.request_hash !== null &&
    batch.requestHash !== undefined &&
    row.request_hash.equals(batch.requestHash);
  if (!same) throw new IdempotencyConflictError(batch.idempotencyKey);
  return { batchId: row.id, chunkCount: row.chunk_count, queue: row.queue, createdAt: row.created_at };
}

async function insert(client: pg.PoolClient, batch: NewBatch): Promise<AcceptedBatch> {
  // Re-posts of one document take turns, so the last one to commit is the one that stays.
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    JSON.stringify([batch.namespace, batch.documentId]),
  ]);
  await client.query(
    `UPDATE batches SET replaced_at = clock_timestamp()
      WHERE namespace = $1 AND document_id = $2 AND replaced_at IS NULL AND deleted_at IS NULL`,
    [batch.namespace, batch.documentId],
  );
  const identityId = await pinNamespace(client, batch.namespace, batch.identityId);
  const inserted = await client.query<{ created_at: Date }>(
    `INSERT INTO batches (id, namespace, document_id, chunk_count, idempotency_key, request_hash, queue,
                          kind, content_type, chunking, identity_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING created_at`,
    [
      batch.id,
      batch.namespace,
      batch.documentId,
      batch.chunks.length,
      batch.idempotencyKey ?? null,
      batch.requestHash ?? null,
      batch.queue,
      batch.kind ?? 'chunks',
      batch.contentType ?? null,
      batch.chunking === undefined ? null : JSON.stringify(batch.chunking),
      identityId,
    ],
  );
  await replaceChunks(client, batch, identityId);
  const createdAt = inserted.rows[0]?.created_at;
  if (createdAt === undefined) throw new Error('inserting the batch returned no row');
  return { batchId: batch.id, chunkCount: batch.chunks.length, queue: batch.queue, createdAt };
}

/**
 * The namespace's active identity; a namespace seen for the first time is pinned to `identityId`.
 * Two statements: the second's snapshot sees a pin another request committed meanwhile. The
 * second holds a share lock on the pin until the batch commits, so a re-embedding's switch-over
 * (which takes it for update) sees this batch's chunks, or this batch sees the new identity.
 */
async function pinNamespace(client: pg.PoolClient, namespace: string, identityId: number): Promise<number> {
  await client.query(
    'INSERT INTO namespace_models (namespace, identity_id) VALUES ($1, $2) ON CONFLICT (namespace) DO NOTHING',
    [namespace, identityId],
  );
  const pinned = await client.query<{ identity_id: number }>(
    'SELECT identity_id FROM namespace_models WHERE namespace = $1 FOR SHARE',
    [namespace],
  );
  const id = pinned.rows[0]?.identity_id;
  if (id === undefined) throw new Error(`namespace ${namespace} has no model identity`);
  return id;
}

/**
 * One statement: deletes the document's earlier chunks (their vectors go with them), inserts the
 * new ones (the content hash computed by Postgres) and sets the batch's counts. With `carryOver`,
 * a new chunk whose text an earlier one had a vector for gets a copy of that vector at once (of
 * each identity the earlier one had: a re-embedding's too), marked reused, and no job embeds it
 * again; the batch's counts are those of its own identity.
 *
 * The texts travel once, as one binary bytea of their UTF-8 back to back (or a document's text,
 * which the chunks were cut from), each row cut out of it by byte offsets; metadata and heading
 * paths travel once per distinct value. A text[] parameter would be escaped and copied several
 * times over as one string: posting a 5 MiB document that way took the API 66 MB over its resting RSS.
 */
async function replaceChunks(client: pg.PoolClient, batch: NewBatch, identityId: number): Promise<void> {
  const texts =
    batch.source === undefined ? packTexts(batch.chunks) : sourceRanges(batch.source, batch.chunks);
  const metadata = distinct(batch.chunks, (c) => c.metadata);
  const headingPaths = distinct(batch.chunks, (c) => c.headingPath);
  await client.query(
    // The earlier vectors are read from the statement's snapshot; the cascade that deletes them
    // with their chunks runs at its end, after the copies are in.
    `WITH earlier AS (
       DELETE FROM chunks WHERE namespace = $1 AND document_id = $2
       RETURNING id, content_hash
     ), carried AS (
       -- Every identity's: during a re-embedding the new identity's vectors carry over too.
       SELECT DISTINCT ON (er.content_hash, e.identity_id) er.content_hash, e.identity_id, e.embedding, e.written_by
         FROM earlier er JOIN embeddings e ON e.chunk_id = er.id AND e.embedding IS NOT NULL
        WHERE $14::boolean
     ), incoming AS (
       SELECT t.*, substring(${texts.sql} FROM t.byte_start + 1 FOR t.byte_length) AS utf8
         FROM unnest($4::integer[], $5::integer[], $6::integer[], $8::integer[], $9::integer[], $10::integer[], $11::integer[])
              WITH ORDINALITY AS t(byte_start, byte_length, metadata, token_count, start_offset, end_offset, heading_path, ord)
     ), added AS (
       INSERT INTO chunks (namespace, document_id, chunk_index, batch_id, text, metadata, content_hash,
                           token_count, start_offset, end_offset, heading_path)
       SELECT $1, $2, (i.ord - 1)::integer, $3, convert_from(i.utf8, 'UTF8'), ($7::jsonb[])[i.metadata], sha256(i.utf8),
              i.token_count, i.start_offset, i.end_offset,
              CASE WHEN i.heading_path IS NULL THEN NULL
                   ELSE ARRAY(SELECT jsonb_array_elements_text(($12::jsonb[])[i.heading_path])) END
         FROM incoming i
        -- Sibling statements in WITH run in no set order: reading every earlier row first
        -- makes the delete happen before these rows take the same (document, index) keys.
        WHERE (SELECT count(*) FROM earlier) >= 0
       RETURNING id, content_hash, token_count
     ), copied AS (
       INSERT INTO embeddings (chunk_id, identity_id, embedding, written_by, reused)
       SELECT a.id, c.identity_id, c.embedding, c.written_by, true FROM added a JOIN carried c ON c.content_hash = a.content_hash
       RETURNING chunk_id, identity_id
     )
     UPDATE batches
        SET word_pieces = (SELECT coalesce(sum(token_count), 0) FROM added),
            embedded_count = (SELECT count(*) FROM copied WHERE identity_id = $13),
            reused_count = (SELECT count(*) FROM copied WHERE identity_id = $13),
            done_word_pieces = (SELECT coalesce(sum(a.token_count), 0) FROM added a JOIN copied c ON c.chunk_id = a.id AND c.identity_id = $13),
            last_done_at = CASE WHEN EXISTS (SELECT 1 FROM copied WHERE identity_id = $13) THEN clock_timestamp() END
      WHERE id = $3`,
    [
      batch.namespace,
      batch.documentId,
      batch.id,
      integerArray(texts.byteStarts),
      integerArray(texts.byteLengths),
      integerArray(metadata.indexes),
      metadata.values.map((m) => JSON.stringify(m)),
      integerArray(batch.chunks.map((c) => c.tokenCount ?? null)),
      integerArray(batch.chunks.map((c) => c.offsets?.start ?? null)),
      integerArray(batch.chunks.map((c) => c.offsets?.end ?? null)),
      integerArray(headingPaths.indexes),
      headingPaths.values.map((p) => JSON.stringify(p)),
      identityId,
      batch.carryOver === true,
      // Last: pg's writer then grows its buffer once around it instead of copying it again for
      // every parameter that follows (10 MB less at the peak of a 5 MiB document).
      texts.value,
    ],
  );
}

/** The texts parameter, the SQL that reads it as bytea, and where each chunk's UTF-8 is in it. */
interface PackedTexts {
  readonly value: Buffer | string;
  readonly sql: string;
  readonly byteStarts: number[];
  readonly byteLengths: number[];
}

/** Every chunk's text as UTF-8, back to back in one buffer, and where each one is. */
function packTexts(chunks: readonly NewChunk[]): PackedTexts {
  const byteLengths = chunks.map((c) => Buffer.byteLength(c.text, 'utf8'));
  const byteStarts: number[] = [];
  let total = 0;
  for (const length of byteLengths) {
    byteStarts.push(total);
    total += length;
  }
  const utf8 = Buffer.allocUnsafe(total);
  chunks.forEach((chunk, i) => {
    utf8.write(chunk.text, byteStarts[i] as number, 'utf8');
  });
  return { value: utf8, sql: '$15::bytea', byteStarts, byteLengths };
}

/**
 * The source text itself (pg writes a string parameter's UTF-8 straight into its message, so no
 * copy of the text is made here), read as UTF-8 once by an InitPlan, and each chunk's byte range
 * in it.
 */
function sourceRanges(source: string, chunks: readonly NewChunk[]): PackedTexts {
  const offsetsOf = (chunk: NewChunk) => {
    if (chunk.offsets === undefined) throw new Error("a batch with a source needs every chunk's offsets");
    return chunk.offsets;
  };
  const byteStarts = utf8Positions(
    source,
    chunks.map((c) => offsetsOf(c).start),
  );
  const byteEnds = utf8Positions(
    source,
    chunks.map((c) => offsetsOf(c).end),
  );
  return {
    value: source,
    sql: "(SELECT convert_to($15::text, 'UTF8'))",
    byteStarts,
    byteLengths: byteEnds.map((end, i) => end - (byteStarts[i] as number)),
  };
}

/**
 * An integer[] parameter's text, made by one join: pg's own array serialisation concatenates one
 * element at a time, leaving a string piece per element (megabytes for a 5 MiB document's 15k
 * chunks) for the collector.
 */
function integerArray(values: readonly (number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
}

/**
 * The distinct values (by identity) of a per-chunk field, and each chunk's 1-based index into
 * them (null where the field is absent): a document's metadata, shared by all its chunks, is
 * sent once.
 */
function distinct<T extends object>(
  chunks: readonly NewChunk[],
  field: (chunk: NewChunk) => T | undefined,
): { values: T[]; indexes: (number | null)[] } {
  const values: T[] = [];
  const seen = new Map<T, number>();
  const indexes = chunks.map((chunk) => {
    const value = field(chunk);
    if (value === undefined) return null;
    let index = seen.get(value);
    if (index === undefined) {
      values.push(value);
      index = values.length;
      seen.set(value, index);
    }
    return index;
  });
  return { values, indexes };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e.code === UNIQUE_VIOLATION && e.constraint === constraint;
}
