import type { BatchKind, ChunkStatus, DocumentPage, Queryable } from '../interfaces.js';

/**
 * A page of a document's chunks in index order, after chunk index `after` (-1 for the first
 * page), with the batch that holds them; undefined when the namespace has no such document.
 */
export async function listDocumentChunks(
  db: Queryable,
  namespace: string,
  documentId: string,
  page: { readonly after: number; readonly limit: number },
): Promise<DocumentPage | undefined> {
  const batch = await db.query<{
    id: string;
    kind: BatchKind;
    content_type: string | null;
    chunk_count: number;
    identity_id: number | null;
  }>(
    `SELECT id, kind, content_type, chunk_count, identity_id FROM batches
      WHERE namespace = $1 AND document_id = $2 AND replaced_at IS NULL AND deleted_at IS NULL
      ORDER BY created_at DESC LIMIT 1`,
    [namespace, documentId],
  );
  const live = batch.rows[0];
  if (live === undefined) return undefined;
  // One row past the page says whether another page follows.
  const rows = await db.query<{
    chunk_index: number;
    text: string;
    metadata: Record<string, unknown>;
    token_count: number | null;
    start_offset: number | null;
    end_offset: number | null;
    heading_path: string[] | null;
    status: ChunkStatus;
    error: string | null;
  }>(
    `SELECT c.chunk_index, c.text, c.metadata, c.token_count, c.start_offset, c.end_offset, c.heading_path,
            CASE WHEN e.embedding IS NOT NULL THEN 'embedded' WHEN e.error IS NOT NULL THEN 'failed' ELSE 'pending' END AS status,
            e.error
       FROM chunks c
       LEFT JOIN embeddings e ON e.chunk_id = c.id AND e.identity_id = $5
      WHERE c.namespace = $1 AND c.document_id = $2 AND c.chunk_index > $3
      ORDER BY c.chunk_index
      LIMIT $4`,
    [namespace, documentId, page.after, page.limit + 1, live.identity_id],
  );
  const more = rows.rows.length > page.limit;
  const chunks = rows.rows.slice(0, page.limit).map((row) => ({
    index: row.chunk_index,
    text: row.text,
    metadata: row.metadata,
    tokenCount: row.token_count,
    start: row.start_offset,
    end: row.end_offset,
    headingPath: row.heading_path,
    status: row.status,
    error: row.error,
  }));
  return {
    namespace,
    documentId,
    batchId: live.id,
    kind: live.kind,
    contentType: live.content_type,
    chunkCount: live.chunk_count,
    chunks,
    nextAfter: more ? (chunks.at(-1)?.index ?? null) : null,
  };
}
