export type { BatchProgressSource } from './batch-progress-source.js';
export {
  BATCH_ACCEPTED_FIELDS,
  BATCH_FAILURE_REASON_FIELDS,
  BATCH_KINDS,
  BATCH_PROGRESS_FIELDS,
  BATCH_STATUSES,
  type BatchAccepted,
  type BatchFailureReason,
  type BatchKind,
  type BatchProgress,
  type BatchStatus,
  CHUNK_INPUT_FIELDS,
  type ChunkInput,
  FINAL_BATCH_STATUSES,
  LATENCY_HISTOGRAM_FIELDS,
  LATENCY_PERCENTILES_FIELDS,
  type LatencyHistogram,
  type LatencyPercentiles,
  SUBMIT_BATCH_REQUEST_FIELDS,
  type SubmitBatchRequest,
  TRUNCATIONS,
  type Truncation,
} from './batches.js';
export { CLIENT_VERSION, DEFAULT_MAX_RETRIES, type EmbedqClientOptions } from './client-options.js';
export {
  CHUNK_STATUSES,
  CHUNKING_OPTIONS_FIELDS,
  type ChunkingOptions,
  type ChunkStatus,
  CONTENT_TYPES,
  type ContentType,
  DOCUMENT_ACCEPTED_FIELDS,
  DOCUMENT_CHUNK_FIELDS,
  DOCUMENT_DELETE_QUERY_FIELDS,
  DOCUMENT_DELETED_FIELDS,
  DOCUMENT_PAGE_FIELDS,
  DOCUMENT_PAGE_QUERY_FIELDS,
  type DocumentAccepted,
  type DocumentChunk,
  type DocumentDeleted,
  type DocumentDeleteQuery,
  type DocumentPage,
  type DocumentPageQuery,
  SUBMIT_DOCUMENT_REQUEST_FIELDS,
  type SubmitDocumentRequest,
} from './documents.js';
export {
  EMBEDDING_FIELDS,
  EMBEDDINGS_REQUEST_FIELDS,
  EMBEDDINGS_RESPONSE_FIELDS,
  EMBEDDINGS_USAGE_FIELDS,
  type Embedding,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type EmbeddingsUsage,
  ENCODING_FORMATS,
  type EncodingFormat,
} from './embeddings.js';
export {
  type CallOptions,
  type DeleteDocumentOptions,
  EmbedqClient,
  type GetDocumentOptions,
  type SubmitOptions,
} from './embedq-client.js';
export { EmbedqError } from './embedq-error.js';
export {
  type ClientErrorCode,
  type EmbedqErrorCode,
  SERVER_ERROR_CODES,
  type ServerErrorCode,
} from './error-codes.js';
export type { FieldList, OptionalKeys, RequiredKeys } from './field-list.js';
export type { Fetch } from './http-transport.js';
export type { Metadata } from './metadata.js';
export { POLL_INTERVALS_MS } from './polling-progress-source.js';
export {
  SEARCH_FUSION_FIELDS,
  SEARCH_HIT_FIELDS,
  SEARCH_MODES,
  SEARCH_REQUEST_FIELDS,
  SEARCH_RESPONSE_FIELDS,
  type SearchFusion,
  type SearchHit,
  type SearchMode,
  type SearchRequest,
  type SearchResponse,
} from './search.js';
export type { FieldOperators, FilterScalar, SearchFilter } from './search-filter.js';
export type { WaitForBatchOptions } from './wait-for-batch.js';
