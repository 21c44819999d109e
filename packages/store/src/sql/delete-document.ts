import type { Queryable } from '../interfaces.js';

export interface DeletedDocument {
  /** False when the namespace has no such document (or it was deleted before). */
  readonly found: boolean;
  readonly chunks: number;
}

/**
 * Deletes a document's chunks and marks its batches deleted (their queued jobs then find nothing
 * to do).
 */
export async function deleteDocument(
  db: Queryable,
  namespace: string,
  documentId: string,
): Promise<DeletedDocument> {
  const result = await db.query<{ deleted: number; batches: number }>(
    `WITH gone AS (
       DELETE FROM chunks WHERE namespace = $1 AND document_id = $2 RETURNING 1
     ), marked AS (
       UPDATE batches SET deleted_at = clock_timestamp()
        WHERE namespace = $1 AND document_id = $2 AND deleted_at IS NULL AND replaced_at IS NULL
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM gone)::integer AS deleted, (SELECT count(*) FROM marked)::integer AS batches`,
    [namespace, documentId],
  );
  const chunks = result.rows[0]?.deleted ?? 0;
  return { found: chunks > 0 || (result.rows[0]?.batches ?? 0) > 0, chunks };
}
