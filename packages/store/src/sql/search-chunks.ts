import type { Queryable, SearchHit, SearchQuery } from '../interfaces.js';
import { compileSearchFilter } from '../search-filter.js';
import { float4ArrayParam } from './float4-array-param.js';
import { requireDimensions, VECTOR_DIMENSIONS } from './vector-dimensions.js';

interface HitRow {
  namespace: string;
  document_id: string;
  chunk_index: number;
  text: string;
  metadata: Record<string, unknown>;
  start_offset: number | null;
  end_offset: number | null;
  heading_path: string[] | null;
  distance: number;
}

const COLUMNS =
  'c.namespace, c.document_id, c.chunk_index, c.text, c.metadata, c.start_offset, c.end_offset, c.heading_path';
const DISTANCE = `c.embedding <=> $1::real[]::vector(${VECTOR_DIMENSIONS})`;

/**
 * The k chunks nearest the query vector by cosine distance, within the given namespaces, one
 * document and a filter (search-filter.ts), if given. The HNSW index serves the scan; with a
 * filter, pgvector's iterative scan (set per connection in createPool) keeps going until k rows
 * pass it or it has looked at hnsw.max_scan_tuples. When that still leaves fewer than k (a filter
 * that only a few chunks pass), the search runs again exactly, over the chunks that pass: so k
 * results come back whenever k chunks match. The outer ORDER BY restores exact order.
 * Throws a SearchFilterError for a filter outside the grammar.
 */
export async function searchChunks(db: Queryable, query: SearchQuery): Promise<SearchHit[]> {
  requireDimensions(query.vector, 'query vector');
  const filter = query.filter === undefined ? undefined : compileSearchFilter(query.filter, 5);
  const where = `c.embedding IS NOT NULL AND c.namespace = ANY($2::text[])
          AND ($3::text IS NULL OR c.document_id = $3)${filter === undefined ? '' : ` AND ${filter.sql}`}`;
  const params = [
    float4ArrayParam([query.vector]),
    query.namespaces,
    query.documentId ?? null,
    query.k,
    ...(filter?.params ?? []),
  ];
  const run = async (order: string) =>
    (
      await db.query<HitRow>(
        `SELECT * FROM (
           SELECT ${COLUMNS}, ${DISTANCE} AS distance FROM chunks c
            WHERE ${where}
            ORDER BY ${order}
            LIMIT $4
         ) nearest ORDER BY distance, namespace, document_id, chunk_index`,
        params,
      )
    ).rows;
  let rows = await run(DISTANCE);
  // `+ 0` hides the expression from the HNSW index: an exact scan of the chunks that pass.
  if (rows.length < query.k && (filter !== undefined || query.documentId !== undefined))
    rows = await run(`(${DISTANCE}) + 0`);
  return rows.map((r) => ({
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
