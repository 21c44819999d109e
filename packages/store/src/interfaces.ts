/**
 * The store's public types. Postgres is the source of truth for texts and their state; Redis only
 * ever holds references to rows here.
 *
 * Glossary: a *batch* is the chunks of one document accepted in one request; a *chunk* is one text
 * with its index in the document, its metadata and, once embedded, its vector; a *document batch*
 * is one whose chunks the API cut from one posted text, each with its offsets in it; a *job range*
 * is the chunk indexes [from, to) of one batch that one queue job covers.
 */
import type pg from 'pg';
import type { FusionOptions } from './fuse-ranks.js';

/** A pool or a client inside a transaction: anything that runs a query. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export type ChunkStatus = 'pending' | 'embedded' | 'failed';
export type BatchStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'replaced' | 'deleted';

/**
 * What made a vector: the model, its precision and the sha256 of the ONNX graph that ran (from the
 * model's lock file). Vectors are comparable only within one identity.
 */
export interface ModelIdentity {
  readonly model: string;
  readonly precision: string;
  readonly graphSha256: string;
}

export interface NewChunk {
  readonly text: string;
  /** A JSON object; stored as jsonb. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Word pieces of the text ([CLS]/[SEP] excluded, not truncated); unknown when absent. */
  readonly tokenCount?: number | undefined;
  /** Where the text sits in the text it was cut from (UTF-16 offsets), if it was cut from one. */
  readonly offsets?: { readonly start: number; readonly end: number } | undefined;
  /** Titles of the markdown headings the chunk sits under, outermost first. */
  readonly headingPath?: readonly string[] | undefined;
}

export type BatchKind = 'chunks' | 'document';

export interface NewBatch {
  readonly id: string;
  readonly namespace: string;
  readonly documentId: string;
  readonly chunks: readonly NewChunk[];
  /** Which queue the batch's jobs go to; recorded so progress and reconciling know. */
  readonly queue: string;
  readonly idempotencyKey?: string | undefined;
  /** sha256 of the request, to tell a retry from another request that reuses the key. */
  readonly requestHash?: Buffer | undefined;
  /** Default `chunks`. */
  readonly kind?: BatchKind | undefined;
  /** A document's content type and the chunking options it was cut with. */
  readonly contentType?: string | undefined;
  readonly chunking?: Readonly<Record<string, unknown>> | undefined;
  /**
   * The registered identity of the accepting process's model: a namespace seen for the first time
   * is pinned to it. The batch is embedded by its namespace's active identity.
   */
  readonly identityId: number;
  /**
   * Re-posting a document: its earlier chunks' vectors of the namespace's identity are carried
   * over to new chunks with the same text, so only changed chunks are embedded. Default false.
   */
  readonly carryOver?: boolean | undefined;
  /**
   * The text every chunk was cut from (a document's), when each chunk's offsets point into it:
   * it is sent once and the database cuts the chunks' texts out of it, rather than every chunk's
   * text being copied into one more buffer. Every chunk must then have offsets.
   */
  readonly source?: string | undefined;
}

export interface AcceptedBatch {
  readonly batchId: string;
  readonly chunkCount: number;
  readonly queue: string;
  readonly createdAt: Date;
}

export interface JobRange {
  readonly batchId: string;
  /** First chunk index, inclusive. */
  readonly from: number;
  /** Last chunk index, exclusive. */
  readonly to: number;
}

export interface ChunkToEmbed {
  readonly id: string;
  readonly text: string;
  /** Hex sha256 of the text. */
  readonly contentHash: string;
  /** The same text already has a vector from the same model: copy it instead of embedding. */
  readonly reusable: boolean;
}

export interface BatchProgress {
  readonly batchId: string;
  readonly namespace: string;
  readonly documentId: string;
  readonly kind: BatchKind;
  readonly status: BatchStatus;
  readonly total: number;
  readonly embedded: number;
  readonly failed: number;
  readonly pending: number;
  /** Embedded chunks whose vector was copied from a chunk with the same text, not inferred. */
  readonly reused: number;
  /** Chunks longer than the model's window: their vectors stand for their first word pieces only. */
  readonly truncated: number;
  readonly enqueuedAt: Date;
  /** When the last chunk was embedded or failed, once none is pending. */
  readonly completedAt: Date | null;
  /** Seconds from enqueue to each chunk's vector, over the embedded chunks. */
  readonly latencySeconds: { readonly p50: number; readonly p95: number; readonly p99: number } | null;
  /**
   * Embedded chunks by latency: `counts[i]` chunks took at most `bounds[i]` seconds (and more than
   * the bound before); the last count is everything above the last bound.
   */
  readonly latencyHistogram: { readonly bounds: readonly number[]; readonly counts: readonly number[] };
  /** Embedded chunks per second since enqueue (to completion, or to now while running). */
  readonly chunksPerSec: number;
  /** A few of the failure reasons, most common first. */
  readonly errors: readonly { readonly reason: string; readonly chunks: number }[];
}

/**
 * `vector`: nearest by cosine similarity. `keyword`: PostgreSQL full-text search of `text`
 * (websearch syntax: quoted phrases, -exclusions, or), ranked by ts_rank_cd. `hybrid`: both,
 * fused by reciprocal rank.
 */
export type SearchMode = 'vector' | 'keyword' | 'hybrid';

export interface SearchQuery {
  /** The query's embedding: what vector mode ranks by, and every hit's `vectorScore`. */
  readonly vector: Float32Array;
  /** The registered identity of the graph that embedded the query; only its vectors are compared. */
  readonly identityId: number;
  /** Default `vector`. */
  readonly mode?: SearchMode | undefined;
  /** The query's words, for keyword and hybrid modes. */
  readonly text?: string | undefined;
  /** Hybrid mode's fusion; unset fields take DEFAULT_FUSION's. */
  readonly fusion?: Partial<FusionOptions> | undefined;
  readonly k: number;
  /** Hits to skip first (the pages before this one); default 0. */
  readonly offset?: number | undefined;
  /** Hits whose `score` (the mode's) is below this are dropped. */
  readonly minScore?: number | undefined;
  readonly namespaces: readonly string[];
  readonly documentId?: string | undefined;
  /** A filter tree over metadata and the chunk's fields (search-filter.ts); validated when compiled. */
  readonly filter?: unknown;
  /**
   * Rank by an exact (sequential) scan instead of the HNSW index: the true nearest chunks, at the
   * cost of reading every chunk that passes the filter. For measuring the index's recall.
   */
  readonly exact?: boolean | undefined;
}

/** Where a chunk sits in its source; nulls for chunks posted as they are. */
export interface ChunkPlacement {
  readonly start: number | null;
  readonly end: number | null;
  readonly headingPath: readonly string[] | null;
}

export interface SearchHit extends ChunkPlacement {
  readonly namespace: string;
  readonly documentId: string;
  readonly chunkIndex: number;
  readonly text: string;
  readonly metadata: Record<string, unknown>;
  /** The mode's own score: `vectorScore`, `keywordRank` or `fusedScore`. */
  readonly score: number;
  /** Cosine similarity to the query, 1 = same direction. */
  readonly vectorScore: number;
  /** ts_rank_cd of the chunk's words for the query's; null when they do not match (vector mode). */
  readonly keywordRank: number | null;
  /** Hybrid mode: the reciprocal-rank-fusion score; null in the other modes. */
  readonly fusedScore: number | null;
}

/** One chunk of a document, as `listDocumentChunks` pages through them. */
export interface DocumentChunk extends ChunkPlacement {
  readonly index: number;
  readonly text: string;
  readonly metadata: Record<string, unknown>;
  readonly tokenCount: number | null;
  readonly status: ChunkStatus;
  /** Why embedding it failed, when it did. */
  readonly error: string | null;
}

export interface DocumentPage {
  readonly namespace: string;
  readonly documentId: string;
  /** The batch that holds the document's chunks now (the last accepted). */
  readonly batchId: string;
  readonly kind: BatchKind;
  readonly contentType: string | null;
  readonly chunkCount: number;
  readonly chunks: readonly DocumentChunk[];
  /** The last index of this page when more chunks follow, else null. */
  readonly nextAfter: number | null;
}
