export { BatchNotCompletedError } from './batch-not-completed-error.js';
export type { EmbedqConnectionOptions } from './connection-options.js';
export { documentFromHit, type EmbedqHitInfo } from './document-from-hit.js';
export {
  DEFAULT_EMBEDDING_BATCH_SIZE,
  EMBEDQ_MODEL,
  EmbedqEmbeddings,
  type EmbedqEmbeddingsOptions,
} from './embedq-embeddings.js';
export {
  type AddDocumentsOptions,
  DEFAULT_MAX_CHUNKS_PER_BATCH,
  EmbedqVectorStore,
  type EmbedqVectorStoreOptions,
  type SearchDefaults,
  type SplitOptions,
} from './embedq-vector-store.js';
