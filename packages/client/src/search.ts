import type { ExpectNone, FieldList, UnlistedKeys, UnlistedValues } from './field-list.js';
import type { Metadata } from './metadata.js';
import type { SearchFilter } from './search-filter.js';

/**
 * `vector`: nearest by cosine similarity. `keyword`: PostgreSQL full-text search (websearch
 * syntax). `hybrid`: both, fused by reciprocal rank.
 */
export type SearchMode = 'vector' | 'keyword' | 'hybrid';

/** Hybrid mode: score = vectorWeight / (k + vector rank) + keywordWeight / (k + keyword rank). */
export interface SearchFusion {
  readonly k?: number | undefined;
  readonly vectorWeight?: number | undefined;
  readonly keywordWeight?: number | undefined;
}

/** The body of POST /v1/search. */
export interface SearchRequest {
  readonly query: string;
  /** Hits per page; default 10. */
  readonly k?: number | undefined;
  /** Hits to skip; not with `cursor`. */
  readonly offset?: number | undefined;
  /** The previous answer's `nextCursor`, with the same search otherwise: the next page. */
  readonly cursor?: string | undefined;
  /** Drop hits whose score (the mode's) is below this. */
  readonly minScore?: number | undefined;
  /** Default `vector`. */
  readonly mode?: SearchMode | undefined;
  readonly fusion?: SearchFusion | undefined;
  /** Rank by a sequential scan instead of the HNSW index: the true nearest, slower. */
  readonly exact?: boolean | undefined;
  readonly namespace?: string | undefined;
  /** Only this document's chunks. */
  readonly documentId?: string | undefined;
  readonly filter?: SearchFilter | undefined;
}

export interface SearchHit {
  readonly documentId: string;
  readonly chunkIndex: number;
  /** The mode's score: `vectorScore` in vector mode, `keywordRank` in keyword mode, `fusedScore` in hybrid. */
  readonly score: number;
  /** Cosine similarity to the query. */
  readonly vectorScore: number;
  /** Null when the chunk's words do not match the query's. */
  readonly keywordRank: number | null;
  /** Null outside hybrid mode. */
  readonly fusedScore: number | null;
  readonly text: string;
  readonly metadata: Metadata;
  readonly namespace: string;
  readonly start: number | null;
  readonly end: number | null;
  readonly headingPath: readonly string[] | null;
}

/** 200 of POST /v1/search: the best chunks, best first. */
export interface SearchResponse {
  readonly results: readonly SearchHit[];
  /** Send as `cursor` for the next page; null on the last. */
  readonly nextCursor: string | null;
}

export const SEARCH_MODES = ['vector', 'keyword', 'hybrid'] as const satisfies readonly SearchMode[];
type _SearchModesListed = ExpectNone<UnlistedValues<SearchMode, typeof SEARCH_MODES>>;

export const SEARCH_FUSION_FIELDS = {
  required: [],
  optional: ['k', 'vectorWeight', 'keywordWeight'],
} as const satisfies FieldList<SearchFusion>;
type _SearchFusionListed = ExpectNone<UnlistedKeys<SearchFusion, typeof SEARCH_FUSION_FIELDS>>;

export const SEARCH_REQUEST_FIELDS = {
  required: ['query'],
  optional: [
    'k',
    'offset',
    'cursor',
    'minScore',
    'mode',
    'fusion',
    'exact',
    'namespace',
    'documentId',
    'filter',
  ],
} as const satisfies FieldList<SearchRequest>;
type _SearchRequestListed = ExpectNone<UnlistedKeys<SearchRequest, typeof SEARCH_REQUEST_FIELDS>>;

export const SEARCH_HIT_FIELDS = {
  required: [
    'documentId',
    'chunkIndex',
    'score',
    'vectorScore',
    'keywordRank',
    'fusedScore',
    'text',
    'metadata',
    'namespace',
    'start',
    'end',
    'headingPath',
  ],
  optional: [],
} as const satisfies FieldList<SearchHit>;
type _SearchHitListed = ExpectNone<UnlistedKeys<SearchHit, typeof SEARCH_HIT_FIELDS>>;

export const SEARCH_RESPONSE_FIELDS = {
  required: ['results', 'nextCursor'],
  optional: [],
} as const satisfies FieldList<SearchResponse>;
type _SearchResponseListed = ExpectNone<UnlistedKeys<SearchResponse, typeof SEARCH_RESPONSE_FIELDS>>;
