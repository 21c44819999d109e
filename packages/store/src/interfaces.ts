/**
 * The store's public types. Postgres is the source of truth for texts and their state; Redis only
 * ever holds references to rows here.
 *
 * Glossary: a *batch* is the chunks of one document accepted in one request; a *chunk* is one text
 * with its index in the document, its metadata and, once embedded, its vector; a *job range* is
 * the chunk indexes [from, to) of one batch that one queue job covers.
 */
import type pg from 'pg';

/** A pool or a client inside a transaction: anything that runs a query. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export type ChunkStatus = 'pending' | 'embedded' | 'failed';
export type BatchStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'replaced' | 'deleted';

/** What the embedding model is, recorded with every vector it wrote. */
export interface ModelIdentity {
  readonly model: string;
  readonly precision: string;
}

export interface NewChunk {
  readonly text: string;
  /** A JSON object; stored as jsonb. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

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
  readonly status: BatchStatus;
  readonly total: number;
  readonly embedded: number;
  readonly failed: number;
  readonly pending: number;
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

export interface SearchQuery {
  readonly vector: Float32Array;
  readonly k: number;
  readonly namespaces: readonly string[];
  readonly documentId?: string | undefined;
}

export interface SearchHit {
  readonly namespace: string;
  readonly documentId: string;
  readonly chunkIndex: number;
  readonly text: string;
  readonly metadata: Record<string, unknown>;
  /** Cosine similarity, 1 = same direction. */
  readonly score: number;
}
