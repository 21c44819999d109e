import type { ChunkingOptions, ContentType } from './interfaces.js';

/**
 * Limits and defaults of the chunking options.
 * - maxTokens at most 254: the model's window is 256 word pieces with [CLS] and [SEP].
 * - maxTokens 128 by default: all-MiniLM-L6-v2 was trained on sequences of at most 128 word
 *   pieces, and 128 is about the 100-500-character chunks of the seed workload (65 word pieces
 *   on average, p99 113): past it the model still works, up to 254, but each vector stands for
 *   more text.
 * - maxTokens at least 16: below it a chunk holds a few words, and a document many rows.
 * - overlapTokens 0 by default: chunks already end at sentence and paragraph boundaries, and an
 *   overlap makes every edit re-embed the chunk after the edited one too.
 * - overlapTokens at most half of maxTokens, so each chunk brings at least half a window of new
 *   text and a document never becomes more than twice as many chunks as it needs.
 */
export const CHUNKING_LIMITS = {
  minMaxTokens: 16,
  maxMaxTokens: 254,
  defaultMaxTokens: 128,
  defaultOverlapTokens: 0,
} as const;

export const CONTENT_TYPES: readonly ContentType[] = ['text/plain', 'text/markdown'];

/** Chunking options a caller got wrong; the message says which and why. */
export class ChunkingOptionsError extends Error {
  override readonly name = 'ChunkingOptionsError';
}

/** The options with their defaults filled in; throws a ChunkingOptionsError for any bad value. */
export function resolveChunkingOptions(options: Partial<ChunkingOptions> = {}): ChunkingOptions {
  const maxTokens = options.maxTokens ?? CHUNKING_LIMITS.defaultMaxTokens;
  const overlapTokens = options.overlapTokens ?? CHUNKING_LIMITS.defaultOverlapTokens;
  const contentType = options.contentType ?? 'text/plain';
  const { minMaxTokens, maxMaxTokens } = CHUNKING_LIMITS;
  if (!Number.isInteger(maxTokens) || maxTokens < minMaxTokens || maxTokens > maxMaxTokens) {
    throw new ChunkingOptionsError(
      `maxTokens must be an integer from ${minMaxTokens} to ${maxMaxTokens} (the model's window of 256 word pieces less [CLS] and [SEP]), got ${maxTokens}`,
    );
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0) {
    throw new ChunkingOptionsError(`overlapTokens must be an integer >= 0, got ${overlapTokens}`);
  }
  if (overlapTokens > maxTokens / 2) {
    throw new ChunkingOptionsError(
      `overlapTokens must be at most half of maxTokens (${Math.floor(maxTokens / 2)} for maxTokens ${maxTokens}), got ${overlapTokens}`,
    );
  }
  if (!CONTENT_TYPES.includes(contentType)) {
    throw new ChunkingOptionsError(
      `contentType must be one of ${CONTENT_TYPES.join(', ')}, got ${contentType}`,
    );
  }
  return { maxTokens, overlapTokens, contentType };
}
