export {
  DEFAULT_CHUNK_SEED,
  generateSeedChunks,
  MAX_CHUNK_CHARS,
  MIN_CHUNK_CHARS,
  seedChunk,
} from './chunks.js';
export { createPrng, deriveSeed, type Prng } from './prng.js';
export {
  DEFAULT_QUERY_SEED,
  generateSeedQueries,
  MAX_QUERY_WORDS,
  MIN_QUERY_WORDS,
  seedQuery,
} from './queries.js';
export {
  type EvalChunk,
  evalChunk,
  identifierQueries,
  type LabelledQuery,
  paraphrase,
  paraphraseQueries,
  plantedIdentifier,
  SELECTIVITY_FILTERS,
} from './search-eval-set.js';
