export { createPool, type PoolOptions, sslFor } from './create-pool.js';
export { IdempotencyConflictError, ModelMismatchError } from './errors.js';
export { DEFAULT_FUSION, type FusionOptions, fuseRanks } from './fuse-ranks.js';
export type {
  AcceptedBatch,
  BatchKind,
  BatchProgress,
  BatchStatus,
  ChunkPlacement,
  ChunkStatus,
  ChunkToEmbed,
  DocumentChunk,
  DocumentPage,
  JobRange,
  ModelIdentity,
  NewBatch,
  NewChunk,
  Queryable,
  SearchHit,
  SearchMode,
  SearchQuery,
} from './interfaces.js';
export { loadMigrations, MIGRATIONS_DIR, type MigrateResult, migrate } from './migrate.js';
export {
  type CompiledFilter,
  compileSearchFilter,
  SEARCH_FILTER_LIMITS,
  SearchFilterError,
  validateSearchFilter,
} from './search-filter.js';
export { type AcceptResult, acceptBatch } from './sql/accept-batch.js';
export { batchProgress, LATENCY_BUCKETS } from './sql/batch-progress.js';
export { type DeletedDocument, deleteDocument } from './sql/delete-document.js';
export { findPendingRanges, type PendingRange } from './sql/find-pending-ranges.js';
export { listDocumentChunks } from './sql/list-document-chunks.js';
export { markChunksFailed } from './sql/mark-chunks-failed.js';
export {
  adoptUnrecordedVectors,
  identityIndexName,
  lazyModelIdentity,
  type RegisteredIdentity,
  registerModelIdentity,
} from './sql/model-identities.js';
export { type PendingWork, pendingWork } from './sql/pending-work.js';
export { ping } from './sql/ping.js';
export { type JobChunks, readJobChunks } from './sql/read-job-chunks.js';
export { type BatchIdentities, batchIdentities } from './sql/reembeddings/batch-identities.js';
export { changeReembedding, type ReembeddingAction } from './sql/reembeddings/change-reembedding.js';
export { countReembedding, type ReembeddingCounts } from './sql/reembeddings/count-reembedding.js';
export { findReembedRanges } from './sql/reembeddings/find-reembed-ranges.js';
export { type IdentityUse, listModels, type ModelIdentityListing } from './sql/reembeddings/list-models.js';
export {
  GraphUnavailableError,
  type LocalGraph,
  localGraphResolver,
} from './sql/reembeddings/local-graph-resolver.js';
export { pruneExpiredKeeps } from './sql/reembeddings/prune-expired-keeps.js';
export { type PruneResult, pruneIdentity } from './sql/reembeddings/prune-identity.js';
export { ReembeddingError, type ReembeddingErrorCode } from './sql/reembeddings/reembedding-error.js';
export {
  identityLabel,
  listReembeddings,
  type Reembedding,
  type ReembeddingState,
  selectReembeddings,
} from './sql/reembeddings/reembedding-row.js';
export { reembeddingRunning } from './sql/reembeddings/reembedding-running.js';
export {
  readModelIdentity,
  readNamespaceIdentity,
  resolveIdentity,
} from './sql/reembeddings/resolve-identity.js';
export { type ReembeddingRequest, startReembeddings } from './sql/reembeddings/start-reembeddings.js';
export { type SwitchOutcome, switchReembedding } from './sql/reembeddings/switch-reembedding.js';
export { searchChunks } from './sql/search-chunks.js';
export { createWebhook, type NewWebhook } from './sql/webhooks/create-webhook.js';
export {
  decideFinishedBatches,
  type FinishedBatches,
  type FinishedBatchSelector,
} from './sql/webhooks/decide-finished-batches.js';
export {
  type AttemptRecord,
  abandonDelivery,
  type DeliveryToSend,
  findPendingDeliveries,
  loadDelivery,
  type RecordedAttempt,
  recordDeliveryAttempt,
  reviveDelivery,
} from './sql/webhooks/delivery-attempt.js';
export { deleteWebhook, enableWebhook, getWebhook, listWebhooks } from './sql/webhooks/find-webhooks.js';
export {
  type DeliveryAttempt,
  type DeliveryStatus,
  listWebhookDeliveries,
  type WebhookDelivery,
} from './sql/webhooks/list-webhook-deliveries.js';
export type { StoredWebhook } from './sql/webhooks/webhook-row.js';
export { type EmbeddingWrite, type WrittenEmbeddings, writeEmbeddings } from './sql/write-embeddings.js';
export { withClient } from './with-client.js';
