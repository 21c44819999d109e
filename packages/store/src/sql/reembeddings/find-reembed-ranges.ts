import type { Queryable } from '../../interfaces.js';
import type { PendingRange } from '../find-pending-ranges.js';

/**
 * Job-sized ranges (aligned as the API plans jobs, so a range's job id is stable) of the
 * namespace's chunks that have a row of the old identity and none of the new, oldest chunks
 * first. Chunks with neither are still being ingested, and their ingest job embeds them with both
 * graphs. Whether a live job still covers each range is for the caller to ask the queue.
 */
export async function findReembedRanges(
  db: Queryable,
  options: {
    namespace: string;
    fromIdentityId: number;
    toIdentityId: number;
    jobChunks: number;
    limit: number;
  },
): Promise<PendingRange[]> {
  const result = await db.query<{ batch_id: string; from: number; chunk_count: number; pending: number }>(
    `SELECT r.batch_id, r."from", b.chunk_count, r.pending
       FROM (SELECT c.batch_id, (c.chunk_index / $3) * $3 AS "from", count(*)::integer AS pending, min(c.id) AS first
               FROM chunks c
              WHERE c.namespace = $1
                AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id AND e.identity_id = $2)
                AND EXISTS (SELECT 1 FROM embeddings s WHERE s.chunk_id = c.id AND s.identity_id = $5)
              GROUP BY 1, 2
              ORDER BY first
              LIMIT $4) r,
            LATERAL (SELECT chunk_count FROM batches WHERE id = r.batch_id) b
      ORDER BY r.first`,
    [options.namespace, options.toIdentityId, options.jobChunks, options.limit, options.fromIdentityId],
  );
  return result.rows.map((row) => ({
    batchId: row.batch_id,
    from: row.from,
    to: Math.min(row.from + options.jobChunks, row.chunk_count),
    // Re-embedding jobs go to the bulk queue, below its ingest jobs.
    queue: 'bulk',
    pending: row.pending,
  }));
}
