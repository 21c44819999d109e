import type { Queryable } from '../../interfaces.js';
import { isoUtc } from './iso-utc.js';
import { NEW_DELIVERY_ID } from './new-delivery-id.js';

/**
 * Which batches to look at: those a job just wrote to, or (the reconciler's sweep) any batch
 * still undecided after `olderThanSeconds`, oldest first.
 */
export type FinishedBatchSelector =
  | { readonly batchIds: readonly string[] }
  | { readonly olderThanSeconds: number; readonly limit: number };

export interface FinishedBatches {
  /** Batches whose final event was decided by this call. */
  readonly batches: number;
  /** Delivery rows created for them: one per subscribed, enabled webhook. */
  readonly deliveryIds: readonly string[];
}

/**
 * Decides the final event (`batch.completed`, or `batch.failed` when any chunk failed) of every
 * selected batch whose counts have no pending chunk left and that has no event yet, and writes a delivery row for
 * each webhook of its namespace subscribed to it, all in one statement. Whoever wrote a batch's
 * last chunk calls this after its write committed; of two callers at once the row lock lets one
 * decide (the other finds `finished_event_at` set), and whichever commits last sees every chunk
 * done, so the event is decided exactly once. Replaced and deleted batches get none.
 */
export async function decideFinishedBatches(
  db: Queryable,
  selector: FinishedBatchSelector,
): Promise<FinishedBatches> {
  const byIds = 'batchIds' in selector;
  const result = await db.query<{ id: string | null; batches: number }>(
    `WITH candidates AS (
       SELECT b.id FROM batches b
        WHERE ${byIds ? 'b.id = ANY($1::uuid[])' : 'b.created_at < clock_timestamp() - make_interval(secs => $1)'}
          AND b.finished_event_at IS NULL AND b.replaced_at IS NULL AND b.deleted_at IS NULL
          AND b.embedded_count + b.failed_count >= b.chunk_count
        ORDER BY b.created_at
        LIMIT $2
     ), decided AS (
       UPDATE batches b SET finished_event_at = clock_timestamp()
         FROM candidates
        WHERE b.id = candidates.id
          AND b.finished_event_at IS NULL AND b.replaced_at IS NULL AND b.deleted_at IS NULL
          AND b.embedded_count + b.failed_count >= b.chunk_count
       RETURNING b.id, b.namespace, b.document_id, b.kind, b.chunk_count, b.created_at,
                 b.embedded_count AS embedded, b.failed_count AS failed, b.reused_count AS reused,
                 coalesce(b.last_done_at, clock_timestamp()) AS completed_at
     ), events AS (
       SELECT d.*, CASE WHEN d.failed > 0 THEN 'batch.failed' ELSE 'batch.completed' END AS type FROM decided d
     ), deliveries AS (
       INSERT INTO webhook_deliveries (id, webhook_id, event_type, payload)
       SELECT ${NEW_DELIVERY_ID}, w.id, e.type,
              jsonb_build_object(
                'type', e.type,
                'timestamp', ${isoUtc('e.completed_at')},
                'data', jsonb_build_object(
                  'batchId', e.id, 'namespace', e.namespace, 'documentId', e.document_id, 'kind', e.kind,
                  'status', CASE WHEN e.failed > 0 THEN 'failed' ELSE 'completed' END,
                  'total', e.chunk_count, 'embedded', e.embedded, 'failed', e.failed, 'reused', e.reused,
                  'enqueuedAt', ${isoUtc('e.created_at')}, 'completedAt', ${isoUtc('e.completed_at')}))
         FROM events e
         JOIN webhooks w ON w.namespace = e.namespace AND w.disabled_at IS NULL AND e.type = ANY (w.events)
       RETURNING id
     )
     SELECT d.id, (SELECT count(*) FROM decided)::integer AS batches
       FROM (SELECT NULL::text AS id UNION ALL SELECT id FROM deliveries) d`,
    byIds ? [selector.batchIds, selector.batchIds.length] : [selector.olderThanSeconds, selector.limit],
  );
  return {
    batches: result.rows[0]?.batches ?? 0,
    deliveryIds: result.rows.flatMap((row) => (row.id === null ? [] : [row.id])),
  };
}
