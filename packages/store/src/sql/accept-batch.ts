import type pg from 'pg';
import { IdempotencyConflictError } from '../errors.js';
import type { AcceptedBatch, NewBatch } from '../interfaces.js';
import { withClient } from '../with-client.js';

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
      await client.query('ROLLBACK').catch(() => undefined);
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
  await client.query('DELETE FROM chunks WHERE namespace = $1 AND document_id = $2', [
    batch.namespace,
    batch.documentId,
  ]);
  const inserted = await client.query<{ created_at: Date }>(
    `INSERT INTO batches (id, namespace, document_id, chunk_count, idempotency_key, request_hash, queue)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING created_at`,
    [
      batch.id,
      batch.namespace,
      batch.documentId,
      batch.chunks.length,
      batch.idempotencyKey ?? null,
      batch.requestHash ?? null,
      batch.queue,
    ],
  );
  // One statement for all chunks; the content hash is computed by Postgres.
  await client.query(
    `INSERT INTO chunks (namespace, document_id, chunk_index, batch_id, text, metadata, content_hash)
     SELECT $1, $2, (t.ord - 1)::integer, $3, t.text, t.metadata, sha256(convert_to(t.text, 'UTF8'))
       FROM unnest($4::text[], $5::jsonb[]) WITH ORDINALITY AS t(text, metadata, ord)`,
    [
      batch.namespace,
      batch.documentId,
      batch.id,
      batch.chunks.map((c) => c.text),
      batch.chunks.map((c) => JSON.stringify(c.metadata)),
    ],
  );
  const createdAt = inserted.rows[0]?.created_at;
  if (createdAt === undefined) throw new Error('inserting the batch returned no row');
  return { batchId: batch.id, chunkCount: batch.chunks.length, queue: batch.queue, createdAt };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e.code === UNIQUE_VIOLATION && e.constraint === constraint;
}
