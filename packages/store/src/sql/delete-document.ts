import type { Queryable } from '../interfaces.js';
import { isoUtc } from './webhooks/iso-utc.js';
import { NEW_DELIVERY_ID } from './webhooks/new-delivery-id.js';

export interface DeletedDocument {
  /** False when the namespace has no such document (or it was deleted before). */
  readonly found: boolean;
  readonly chunks: number;
  /** `document.deleted` deliveries written for the namespace's webhooks, to enqueue. */
  readonly deliveryIds: readonly string[];
}

/**
 * Deletes a document's chunks and marks its batches deleted (their queued jobs then find nothing
 * to do); when there was something to delete, writes a `document.deleted` delivery for each
 * webhook subscribed to it, in the same statement.
 */
export async function deleteDocument(
  db: Queryable,
  namespace: string,
  documentId: string,
): Promise<DeletedDocument> {
  const result = await db.query<{ deleted: number; batches: number; delivery_ids: string[] }>(
    `WITH gone AS (
       DELETE FROM chunks WHERE namespace = $1 AND document_id = $2 RETURNING 1
     ), marked AS (
       UPDATE batches SET deleted_at = clock_timestamp()
        WHERE namespace = $1 AND document_id = $2 AND deleted_at IS NULL AND replaced_at IS NULL
       RETURNING 1
     ), counts AS (
       SELECT (SELECT count(*) FROM gone)::integer AS deleted, (SELECT count(*) FROM marked)::integer AS batches
     ), deliveries AS (
       INSERT INTO webhook_deliveries (id, webhook_id, event_type, payload)
       SELECT ${NEW_DELIVERY_ID}, w.id, 'document.deleted',
              jsonb_build_object(
                'type', 'document.deleted',
                'timestamp', ${isoUtc('clock_timestamp()')},
                'data', jsonb_build_object('namespace', $1::text, 'documentId', $2::text, 'deletedChunks', c.deleted))
         FROM webhooks w, counts c
        WHERE w.namespace = $1 AND w.disabled_at IS NULL AND 'document.deleted' = ANY (w.events)
          AND (c.deleted > 0 OR c.batches > 0)
       RETURNING id
     )
     SELECT c.deleted, c.batches, coalesce((SELECT array_agg(id) FROM deliveries), '{}') AS delivery_ids
       FROM counts c`,
    [namespace, documentId],
  );
  const row = result.rows[0];
  const chunks = row?.deleted ?? 0;
  return { found: chunks > 0 || (row?.batches ?? 0) > 0, chunks, deliveryIds: row?.delivery_ids ?? [] };
}
