export {
  CHUNKING_LIMITS,
  ChunkingOptionsError,
  CONTENT_TYPES,
  resolveChunkingOptions,
} from './chunking-options.js';
export type { ChunkingOptions, ContentType, TextChunk, WordPieceCounter } from './interfaces.js';
export { rebuildSource } from './rebuild-source.js';
export { splitDocument, splitDocumentYielding } from './split-document.js';
