import type { BatchKind, BatchProgress, BatchStatus, Queryable } from '../interfaces.js';

interface ProgressRow {
  id: string;
  namespace: string;
  document_id: string;
  kind: BatchKind;
  chunk_count: number;
  created_at: Date;
  replaced_at: Date | null;
  deleted_at: Date | null;
  embedded: number;
  failed: number;
  pending: number;
  reused: number;
  truncated: number;
  finished_at: Date | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  now: Date;
}

/**
 * A batch's progress, or undefined when no batch with that id is in one of `namespaces`. Chunks
 * of more than `windowWordPieces` word pieces count as truncated.
 */
export async function batchProgress(
  db: Queryable,
  batchId: string,
  namespaces: readonly string[] | '*',
  options: { readonly windowWordPieces: number },
): Promise<BatchProgress | undefined> {
  // Counts come from the batch row (kept by the statements that write vectors and failures);
  // latencies and truncation from its chunks and their vectors of the batch's identity.
  const result = await db.query<ProgressRow>(
    `SELECT b.id, b.namespace, b.document_id, b.kind, b.chunk_count, b.created_at, b.replaced_at, b.deleted_at,
            b.embedded_count AS embedded, b.failed_count AS failed, b.reused_count AS reused,
            greatest(b.chunk_count - b.embedded_count - b.failed_count, 0) AS pending,
            b.last_done_at AS finished_at,
            (SELECT count(*) FROM chunks c WHERE c.batch_id = b.id AND c.token_count > $3)::integer AS truncated,
            l.p50, l.p95, l.p99,
            clock_timestamp() AS now
       FROM batches b
       LEFT JOIN LATERAL (
         SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.written_at - b.created_at)) AS p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM e.written_at - b.created_at)) AS p95,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM e.written_at - b.created_at)) AS p99
           FROM chunks c JOIN embeddings e ON e.chunk_id = c.id AND e.identity_id = b.identity_id
          WHERE c.batch_id = b.id AND e.embedding IS NOT NULL
       ) l ON true
      WHERE b.id = $1 AND ($2::text[] IS NULL OR b.namespace = ANY($2::text[]))`,
    [batchId, namespaces === '*' ? null : namespaces, options.windowWordPieces],
  );
  const row = result.rows[0];
  if (row === undefined) return undefined;
  const histogram = await latencyHistogram(db, batchId);
  const errors =
    row.failed === 0
      ? []
      : (
          await db.query<{ reason: string; chunks: number }>(
            `SELECT e.error AS reason, count(*)::integer AS chunks
               FROM batches b JOIN chunks c ON c.batch_id = b.id
               JOIN embeddings e ON e.chunk_id = c.id AND e.identity_id = b.identity_id
              WHERE b.id = $1 AND e.error IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 5`,
            [batchId],
          )
        ).rows;
  return toProgress(row, errors, histogram);
}

/**
 * Upper bounds (seconds) of the latency histogram's buckets; the last bucket is everything
 * above. Histograms of many batches add up bucket by bucket, which percentiles do not.
 */
export const LATENCY_BUCKETS: readonly number[] = [
  0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 150, 180, 240, 300, 450, 600,
  900, 1200, 1800, 3600,
];

async function latencyHistogram(db: Queryable, batchId: string): Promise<number[]> {
  const result = await db.query<{ bucket: number; chunks: number }>(
    `SELECT width_bucket(extract(epoch FROM e.written_at - b.created_at)::float8, $2::float8[]) AS bucket,
            count(*)::integer AS chunks
       FROM batches b JOIN chunks c ON c.batch_id = b.id
       JOIN embeddings e ON e.chunk_id = c.id AND e.identity_id = b.identity_id
      WHERE b.id = $1 AND e.embedding IS NOT NULL
      GROUP BY 1`,
    [batchId, LATENCY_BUCKETS],
  );
  const counts = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  for (const row of result.rows) counts[row.bucket] = row.chunks;
  return counts;
}

function toProgress(row: ProgressRow, errors: BatchProgress['errors'], histogram: number[]): BatchProgress {
  const done = row.pending === 0;
  const completedAt = done ? row.finished_at : null;
  const status = statusOf(row, done);
  const until = completedAt ?? row.now;
  const seconds = Math.max((until.getTime() - row.created_at.getTime()) / 1000, 1e-3);
  return {
    batchId: row.id,
    namespace: row.namespace,
    documentId: row.document_id,
    kind: row.kind,
    status,
    total: row.chunk_count,
    embedded: row.embedded,
    failed: row.failed,
    pending: row.pending,
    reused: row.reused,
    truncated: row.truncated,
    enqueuedAt: row.created_at,
    completedAt,
    latencySeconds:
      row.p50 === null || row.p95 === null || row.p99 === null
        ? null
        : { p50: row.p50, p95: row.p95, p99: row.p99 },
    chunksPerSec: row.embedded / seconds,
    latencyHistogram: { bounds: LATENCY_BUCKETS, counts: histogram },
    errors,
  };
}

function statusOf(row: ProgressRow, done: boolean): BatchStatus {
  if (row.deleted_at !== null) return 'deleted';
  if (row.replaced_at !== null) return 'replaced';
  if (done) return row.failed > 0 ? 'failed' : 'completed';
  return row.embedded + row.failed === 0 ? 'queued' : 'processing';
}
