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
  /** Seconds from enqueue to each vector, ascending. */
  latencies: number[];
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
  // truncation and latencies from one pass over its chunks and their vectors.
  const result = await db.query<ProgressRow>(
    `SELECT b.id, b.namespace, b.document_id, b.kind, b.chunk_count, b.created_at, b.replaced_at, b.deleted_at,
            b.embedded_count AS embedded, b.failed_count AS failed, b.reused_count AS reused,
            greatest(b.chunk_count - b.embedded_count - b.failed_count, 0) AS pending,
            b.last_done_at AS finished_at, l.truncated, l.latencies,
            clock_timestamp() AS now
       FROM batches b
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE c.token_count > $3)::integer AS truncated,
                coalesce(
                  array_agg(extract(epoch FROM e.written_at - b.created_at)::float8 ORDER BY e.written_at)
                    FILTER (WHERE e.embedding IS NOT NULL),
                  '{}') AS latencies
           FROM chunks c LEFT JOIN embeddings e ON e.chunk_id = c.id AND e.identity_id = b.identity_id
          WHERE c.batch_id = b.id
       ) l ON true
      WHERE b.id = $1 AND ($2::text[] IS NULL OR b.namespace = ANY($2::text[]))`,
    [batchId, namespaces === '*' ? null : namespaces, options.windowWordPieces],
  );
  const row = result.rows[0];
  if (row === undefined) return undefined;
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
  return toProgress(row, errors);
}

/**
 * Upper bounds (seconds) of the latency histogram's buckets; the last bucket is everything
 * above. Histograms of many batches add up bucket by bucket, which percentiles do not.
 */
export const LATENCY_BUCKETS: readonly number[] = [
  0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 150, 180, 240, 300, 450, 600,
  900, 1200, 1800, 3600,
];

/** Chunks per bucket: bucket i holds latencies in [bounds[i-1], bounds[i]), as width_bucket. */
function latencyHistogram(sorted: readonly number[]): number[] {
  const counts = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  let bucket = 0;
  for (const latency of sorted) {
    while (bucket < LATENCY_BUCKETS.length && latency >= (LATENCY_BUCKETS[bucket] as number)) bucket++;
    counts[bucket] = (counts[bucket] as number) + 1;
  }
  return counts;
}

/** The p-quantile of ascending values, interpolated linearly as percentile_cont does. */
function percentile(sorted: readonly number[], p: number): number {
  const position = p * (sorted.length - 1);
  const below = Math.floor(position);
  const low = sorted[below] as number;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return low + (position - below) * (high - low);
}

function toProgress(row: ProgressRow, errors: BatchProgress['errors']): BatchProgress {
  const latencies = row.latencies;
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
      latencies.length === 0
        ? null
        : {
            p50: percentile(latencies, 0.5),
            p95: percentile(latencies, 0.95),
            p99: percentile(latencies, 0.99),
          },
    chunksPerSec: row.embedded / seconds,
    latencyHistogram: { bounds: LATENCY_BUCKETS, counts: latencyHistogram(latencies) },
    errors,
  };
}

function statusOf(row: ProgressRow, done: boolean): BatchStatus {
  if (row.deleted_at !== null) return 'deleted';
  if (row.replaced_at !== null) return 'replaced';
  if (done) return row.failed > 0 ? 'failed' : 'completed';
  return row.embedded + row.failed === 0 ? 'queued' : 'processing';
}
