export type { EmbedqConnectionOptions } from './connection-options.js';
export {
  DEFAULT_EMBEDDING_BATCH_SIZE,
  EMBEDQ_MODEL,
  EmbedqEmbeddings,
  type EmbedqEmbeddingsOptions,
} from './embedq-embeddings.js';
