import { ModelMismatchError } from '../errors.js';
import { DEFAULT_FUSION, fuseRanks } from '../fuse-ranks.js';
import type { Queryable, SearchHit, SearchQuery } from '../interfaces.js';
import { compileSearchFilter } from '../search-filter.js';
import { float4ArrayParam } from './float4-array-param.js';
import { QUANTIZED_EMBEDDING, requireIdentityId } from './model-identities.js';
import { identityLabel } from './reembeddings/reembedding-row.js';
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
  keyword_rank: number | null;
}

const COLUMNS =
  'c.namespace, c.document_id, c.chunk_index, c.text, c.metadata, c.start_offset, c.end_offset, c.heading_path';
const DISTANCE = `e.embedding <=> $1::real[]::vector(${VECTOR_DIMENSIONS})`;
/**
 * What the HNSW index orders by: Hamming distance between the sign bits of the vectors (the
 * index's expression, model-identities.ts). Candidates found this way are ranked by DISTANCE.
 */
const HAMMING = `${QUANTIZED_EMBEDDING} <~> binary_quantize($1::real[]::vector(${VECTOR_DIMENSIONS}))`;
/** Candidates the index brings for the cosine ranking: enough for k, at least 100. */
const rerankCandidates = (k: number) => Math.max(100, 4 * k);
/** $5 is the query's words: websearch syntax (quoted phrases, -exclusions, or). */
const KEYWORDS = `websearch_to_tsquery('english', $5::text)`;
const KEYWORD_RANK = `CASE WHEN c.search_vector @@ ${KEYWORDS} THEN ts_rank_cd(c.search_vector, ${KEYWORDS}) END`;
/** Ties broken the same way in every mode, so paging and tests see one order. */
const TIE_BREAK = 'namespace, document_id, chunk_index';
/** Candidates each ranking brings to hybrid fusion: enough for k, at least 50. */
const hybridCandidates = (k: number) => Math.max(50, 4 * k);

/**
 * The k best chunks for a query within the given namespaces, one document and a filter
 * (search-filter.ts), if given. Vector mode: nearest by cosine distance: the HNSW index of the
 * vectors' sign bits brings the nearest candidates by Hamming distance, re-ranked by cosine; with
 * a filter, pgvector's iterative scan (set per connection in createPool) keeps going until k
 * rows pass it or it has looked at hnsw.max_scan_tuples, and when that still leaves fewer than k
 * (a filter only a few chunks pass) the search runs again exactly over the chunks that pass, so k
 * results come back whenever k chunks match. Keyword mode: full-text matches of `text`, through
 * the GIN index on the chunks' tsvector, best ts_rank_cd first. Hybrid: both rankings' best
 * candidates, fused by reciprocal rank (fuse-ranks.ts). Every hit says its cosine similarity, its
 * keyword rank when its words match, and in hybrid mode its fused score. `exact` ranks the vector
 * side by a sequential scan instead of the index (the true nearest, for measuring recall).
 * Throws a SearchFilterError for a filter outside the grammar, and a ModelMismatchError when a
 * namespace's vectors come from another model identity than the query's.
 */
export async function searchChunks(db: Queryable, query: SearchQuery): Promise<SearchHit[]> {
  requireDimensions(query.vector, 'query vector');
  const mode = query.mode ?? 'vector';
  if (mode !== 'vector' && (query.text === undefined || query.text.trim() === '')) {
    throw new RangeError(`${mode} search needs the query text`);
  }
  const filter = query.filter === undefined ? undefined : compileSearchFilter(query.filter, 6);
  await requireActiveIdentity(db, query.namespaces, query.identityId);
  // The identity is inlined: the planner matches its partial HNSW index only on a constant.
  const identity = requireIdentityId(query.identityId);
  const where = `e.identity_id = ${identity} AND e.embedding IS NOT NULL AND c.namespace = ANY($2::text[])
          AND ($3::text IS NULL OR c.document_id = $3)${filter === undefined ? '' : ` AND ${filter.sql}`}`;
  const params = [
    float4ArrayParam([query.vector]),
    query.namespaces,
    query.documentId ?? null,
    null, // $4, the LIMIT: set by each run
    query.text ?? null,
    ...(filter?.params ?? []),
  ];
  const run = async (limit: number, extraWhere: string, order: string, outerOrder: string) =>
    (
      await db.query<HitRow>(
        `SELECT * FROM (
           SELECT ${COLUMNS}, ${DISTANCE} AS distance, ${KEYWORD_RANK} AS keyword_rank
             FROM embeddings e JOIN chunks c ON c.id = e.chunk_id
            WHERE ${where}${extraWhere}
            ORDER BY ${order}
            LIMIT $4
         ) best ORDER BY ${outerOrder}, ${TIE_BREAK}`,
        params.with(3, limit),
      )
    ).rows;
  // `+ 0` hides the expression from the HNSW index: an exact scan of the chunks that pass.
  const exactly = (limit: number) => run(limit, '', `(${DISTANCE}) + 0`, 'distance');
  const nearest = async (limit: number) => {
    if (query.exact === true) return exactly(limit);
    const found = (await run(rerankCandidates(limit), '', HAMMING, 'distance')).slice(0, limit);
    if (found.length < limit && (filter !== undefined || query.documentId !== undefined))
      return exactly(limit);
    return found;
  };
  const matching = (limit: number) =>
    run(
      limit,
      ` AND c.search_vector @@ ${KEYWORDS}`,
      `ts_rank_cd(c.search_vector, ${KEYWORDS}) DESC, c.namespace, c.document_id, c.chunk_index`,
      'keyword_rank DESC',
    );
  // A page past the first ranks its predecessors too, then drops them.
  const offset = query.offset ?? 0;
  const wanted = offset + query.k;
  let ranked: HitRow[];
  let fusedScores: Map<HitRow, number> | undefined;
  if (mode === 'hybrid') {
    const limit = hybridCandidates(wanted);
    const [byVector, byKeyword] = await Promise.all([nearest(limit), matching(limit)]);
    // Both rankings run over every candidate either side brought, as each row carries its
    // distance and keyword rank: a keyword match the vector side did not bring still gets its
    // place by cosine, so it is not tied with the vector side's best when it is the only match.
    const candidates = [...new Map([...byVector, ...byKeyword].map((r) => [hitKey(r), r])).values()];
    const vectorRanking = candidates.sort((a, b) => a.distance - b.distance);
    const keywordKeys = new Set(byKeyword.map(hitKey));
    const keywordRanking = byKeyword
      .concat(byVector.filter((r) => r.keyword_rank !== null && !keywordKeys.has(hitKey(r))))
      .sort((a, b) => (b.keyword_rank ?? 0) - (a.keyword_rank ?? 0));
    const fused = fuseRanks(vectorRanking, keywordRanking, hitKey, {
      ...DEFAULT_FUSION,
      ...query.fusion,
    }).slice(0, wanted);
    ranked = fused.map((f) => f.item);
    fusedScores = new Map(fused.map((f) => [f.item, f.fused]));
  } else {
    ranked = mode === 'keyword' ? await matching(wanted) : await nearest(wanted);
  }
  const hits = ranked.slice(offset).map(
    (r): SearchHit => ({
      namespace: r.namespace,
      documentId: r.document_id,
      chunkIndex: r.chunk_index,
      text: r.text,
      metadata: r.metadata,
      start: r.start_offset,
      end: r.end_offset,
      headingPath: r.heading_path,
      score: fusedScores?.get(r) ?? (mode === 'keyword' ? (r.keyword_rank ?? 0) : 1 - r.distance),
      vectorScore: 1 - r.distance,
      keywordRank: r.keyword_rank,
      fusedScore: fusedScores?.get(r) ?? null,
    }),
  );
  const minScore = query.minScore;
  return minScore === undefined ? hits : hits.filter((hit) => hit.score >= minScore);
}

/**
 * A query vector is comparable only with vectors of the graph that embedded it: every namespace
 * searched must be active on that identity (one with no vectors yet has no identity and no hits).
 */
async function requireActiveIdentity(db: Queryable, namespaces: readonly string[], identityId: number) {
  const other = await db.query<{ namespace: string; identity: string }>(
    `SELECT n.namespace, ${identityLabel('m')} AS identity
       FROM namespace_models n JOIN model_identities m ON m.id = n.identity_id
      WHERE n.namespace = ANY($1::text[]) AND n.identity_id <> $2
      ORDER BY n.namespace LIMIT 1`,
    [namespaces, identityId],
  );
  const row = other.rows[0];
  if (row !== undefined) throw new ModelMismatchError(row.namespace, row.identity);
}

function hitKey(row: HitRow): string {
  return JSON.stringify([row.namespace, row.document_id, row.chunk_index]);
}
