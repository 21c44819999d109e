import type { Queryable, SearchHit, SearchQuery } from '../interfaces.js';
import { float4ArrayParam } from './float4-array-param.js';
import { requireDimensions, VECTOR_DIMENSIONS } from './vector-dimensions.js';

/**
 * The k chunks nearest the query vector by cosine distance, within the given namespaces and
 * optionally one document. The HNSW index serves the scan; with a filter, pgvector's iterative
 * scan (set per connection in createPool) keeps going until k rows pass it, and the outer
 * ORDER BY restores exact order.
 */
export async function searchChunks(db: Queryable, query: SearchQuery): Promise<SearchHit[]> {
  requireDimensions(query.vector, 'query vector');
  const result = await db.query<{
    namespace: string;
    document_id: string;
    chunk_index: number;
    text: string;
    metadata: Record<string, unknown>;
    start_offset: number | null;
    end_offset: number | null;
    heading_path: string[] | null;
    distance: number;
  }>(
    `SELECT namespace, document_id, chunk_index, text, metadata, start_offset, end_offset, heading_path, distance FROM (
       SELECT namespace, document_id, chunk_index, text, metadata, start_offset, end_offset, heading_path,
              embedding <=> $1::real[]::vector(${VECTOR_DIMENSIONS}) AS distance
         FROM chunks
        WHERE embedding IS NOT NULL AND namespace = ANY($2::text[])
          AND ($3::text IS NULL OR document_id = $3)
        ORDER BY embedding <=> $1::real[]::vector(${VECTOR_DIMENSIONS})
        LIMIT $4
     ) nearest ORDER BY distance, namespace, document_id, chunk_index`,
    [float4ArrayParam([query.vector]), query.namespaces, query.documentId ?? null, query.k],
  );
  return result.rows.map((r) => ({
    namespace: r.namespace,
    documentId: r.document_id,
    chunkIndex: r.chunk_index,
    text: r.text,
    metadata: r.metadata,
    start: r.start_offset,
    end: r.end_offset,
    headingPath: r.heading_path,
    score: 1 - r.distance,
  }));
}
