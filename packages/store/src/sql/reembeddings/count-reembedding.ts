import type { Queryable } from '../../interfaces.js';

export interface ReembeddingCounts {
  readonly total: number;
  /** Chunks with a vector of the new identity. */
  readonly done: number;
  /** Chunks whose embedding with the new identity failed for good. */
  readonly failed: number;
  /**
   * Chunks with no row of either identity: accepted meanwhile, their ingest job (which embeds
   * them with both graphs) still running. They do not hold the switch-over back.
   */
  readonly waiting: number;
}

/**
 * Counts a re-embedding's progress (every chunk of the namespace looked up by primary key in
 * `embeddings`: tens of milliseconds at 50k chunks) and records it with a smoothed rate. Runs on
 * the driver's schedule, so the dashboard and /metrics read one row.
 */
export async function countReembedding(
  db: Queryable,
  reembedding: {
    readonly id: number;
    readonly namespace: string;
    readonly fromIdentityId: number;
    readonly toIdentityId: number;
  },
): Promise<ReembeddingCounts> {
  const result = await db.query<{ total: number; done: number; failed: number; waiting: number }>(
    `WITH counted AS (
       SELECT count(*)::integer AS total,
              count(*) FILTER (WHERE t.vector)::integer AS done,
              count(*) FILTER (WHERE NOT t.vector)::integer AS failed,
              count(*) FILTER (WHERE t.vector IS NULL AND NOT EXISTS (
                SELECT 1 FROM embeddings s WHERE s.chunk_id = c.id AND s.identity_id = $4))::integer AS waiting
         FROM chunks c
         LEFT JOIN LATERAL (SELECT e.embedding IS NOT NULL AS vector FROM embeddings e
                             WHERE e.chunk_id = c.id AND e.identity_id = $3 OFFSET 0) t ON true
        WHERE c.namespace = $2
     ), recorded AS (
       UPDATE reembeddings r
          SET total_chunks = k.total, done_chunks = k.done, failed_chunks = k.failed, counted_at = clock_timestamp(),
              -- Chunks per second since the last count, smoothed; not across a pause or a restart.
              chunks_per_second = CASE
                WHEN r.counted_at IS NULL OR r.counted_at <= r.state_since THEN NULL
                ELSE coalesce(0.7 * r.chunks_per_second, 0)
                     + (CASE WHEN r.chunks_per_second IS NULL THEN 1 ELSE 0.3 END)
                       * greatest(0, (k.done + k.failed) - (r.done_chunks + r.failed_chunks))
                       / greatest(0.001, extract(epoch FROM clock_timestamp() - r.counted_at))
              END
         FROM counted k
        WHERE r.id = $1 AND r.state = 'running'
     )
     SELECT * FROM counted`,
    [reembedding.id, reembedding.namespace, reembedding.toIdentityId, reembedding.fromIdentityId],
  );
  const row = result.rows[0];
  return {
    total: row?.total ?? 0,
    done: row?.done ?? 0,
    failed: row?.failed ?? 0,
    waiting: row?.waiting ?? 0,
  };
}
