import type { ExpectNone, FieldList, UnlistedKeys, UnlistedValues } from './field-list.js';
import type { Metadata } from './metadata.js';

/** What the server does with a text longer than the model's window (254 word pieces). */
export type Truncation = 'truncate' | 'error' | 'split';

/** One chunk of POST /v1/batches. */
export interface ChunkInput {
  readonly text: string;
  readonly metadata?: Metadata | undefined;
}

/** The body of POST /v1/batches: a document's chunks, as the caller cut them. */
export interface SubmitBatchRequest {
  /** Default: the API key's only namespace, else `default`. */
  readonly namespace?: string | undefined;
  readonly documentId: string;
  /** Default `truncate`: embed the first 254 word pieces and count the chunk in `truncatedChunks`. */
  readonly truncation?: Truncation | undefined;
  readonly chunks: readonly ChunkInput[];
}

/** 202 of POST /v1/batches. */
export interface BatchAccepted {
  readonly batchId: string;
  /** Chunks stored: as posted, or more when `truncation` is `split`. */
  readonly chunkCount: number;
  readonly truncatedChunks: number;
  /** Only with `truncation: "split"`: posted chunks longer than the window that were split. */
  readonly splitChunks?: number;
}

export type BatchKind = 'chunks' | 'document';

/**
 * `completed`, `failed` (some chunks failed), `replaced` (a later post of the document replaced
 * it) and `deleted` are final; `queued` and `processing` are not.
 */
export type BatchStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'replaced' | 'deleted';

export const BATCH_STATUSES = [
  'queued',
  'processing',
  'completed',
  'failed',
  'replaced',
  'deleted',
] as const satisfies readonly BatchStatus[];
type _BatchStatusesListed = ExpectNone<UnlistedValues<BatchStatus, typeof BATCH_STATUSES>>;

/** The statuses after which a batch's progress no longer changes. */
export const FINAL_BATCH_STATUSES: ReadonlySet<BatchStatus> = new Set<BatchStatus>([
  'completed',
  'failed',
  'replaced',
  'deleted',
]);

export interface LatencyPercentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** `counts[i]` chunks took at most `bounds[i]` seconds; the last count is everything above. */
export interface LatencyHistogram {
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
}

export interface BatchFailureReason {
  readonly reason: string;
  readonly chunks: number;
}

/** 200 of GET /v1/batches/:id. */
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
  /** Embedded chunks whose vector was copied from a chunk with the same text. */
  readonly reused: number;
  readonly truncatedChunks: number;
  /** ISO 8601. */
  readonly enqueuedAt: string;
  /** ISO 8601; null while any chunk is pending. */
  readonly completedAt: string | null;
  readonly chunksPerSec: number;
  /** Seconds from enqueue to each chunk's vector; null before the first. */
  readonly latencySeconds: LatencyPercentiles | null;
  readonly latencyHistogram: LatencyHistogram;
  /** A few of the failure reasons, most common first. */
  readonly errors: readonly BatchFailureReason[];
}

export const CHUNK_INPUT_FIELDS = {
  required: ['text'],
  optional: ['metadata'],
} as const satisfies FieldList<ChunkInput>;
type _ChunkInputListed = ExpectNone<UnlistedKeys<ChunkInput, typeof CHUNK_INPUT_FIELDS>>;

export const SUBMIT_BATCH_REQUEST_FIELDS = {
  required: ['documentId', 'chunks'],
  optional: ['namespace', 'truncation'],
} as const satisfies FieldList<SubmitBatchRequest>;
type _SubmitBatchListed = ExpectNone<UnlistedKeys<SubmitBatchRequest, typeof SUBMIT_BATCH_REQUEST_FIELDS>>;

export const TRUNCATIONS = ['truncate', 'error', 'split'] as const satisfies readonly Truncation[];
type _TruncationsListed = ExpectNone<UnlistedValues<Truncation, typeof TRUNCATIONS>>;

export const BATCH_ACCEPTED_FIELDS = {
  required: ['batchId', 'chunkCount', 'truncatedChunks'],
  optional: ['splitChunks'],
} as const satisfies FieldList<BatchAccepted>;
type _BatchAcceptedListed = ExpectNone<UnlistedKeys<BatchAccepted, typeof BATCH_ACCEPTED_FIELDS>>;

export const BATCH_PROGRESS_FIELDS = {
  required: [
    'batchId',
    'namespace',
    'documentId',
    'kind',
    'status',
    'total',
    'embedded',
    'failed',
    'pending',
    'reused',
    'truncatedChunks',
    'enqueuedAt',
    'completedAt',
    'chunksPerSec',
    'latencySeconds',
    'latencyHistogram',
    'errors',
  ],
  optional: [],
} as const satisfies FieldList<BatchProgress>;
type _BatchProgressListed = ExpectNone<UnlistedKeys<BatchProgress, typeof BATCH_PROGRESS_FIELDS>>;

export const LATENCY_PERCENTILES_FIELDS = {
  required: ['p50', 'p95', 'p99'],
  optional: [],
} as const satisfies FieldList<LatencyPercentiles>;
type _LatencyPercentilesListed = ExpectNone<
  UnlistedKeys<LatencyPercentiles, typeof LATENCY_PERCENTILES_FIELDS>
>;

export const LATENCY_HISTOGRAM_FIELDS = {
  required: ['bounds', 'counts'],
  optional: [],
} as const satisfies FieldList<LatencyHistogram>;
type _LatencyHistogramListed = ExpectNone<UnlistedKeys<LatencyHistogram, typeof LATENCY_HISTOGRAM_FIELDS>>;

export const BATCH_FAILURE_REASON_FIELDS = {
  required: ['reason', 'chunks'],
  optional: [],
} as const satisfies FieldList<BatchFailureReason>;
type _BatchFailureReasonListed = ExpectNone<
  UnlistedKeys<BatchFailureReason, typeof BATCH_FAILURE_REASON_FIELDS>
>;

export const BATCH_KINDS = ['chunks', 'document'] as const satisfies readonly BatchKind[];
type _BatchKindsListed = ExpectNone<UnlistedValues<BatchKind, typeof BATCH_KINDS>>;
