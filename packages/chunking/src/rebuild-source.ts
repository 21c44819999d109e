import type { TextChunk } from './interfaces.js';

/**
 * The document's text, rebuilt from its chunks alone: each chunk adds the part of its text past
 * the end of the one before (overlaps are skipped). Chunks must be complete and in index order.
 */
export function rebuildSource(chunks: readonly Pick<TextChunk, 'start' | 'end' | 'text'>[]): string {
  const parts: string[] = [];
  let covered = 0;
  for (const chunk of chunks) {
    if (chunk.start > covered) throw new Error(`chunks leave a gap at [${covered}, ${chunk.start})`);
    parts.push(chunk.text.slice(covered - chunk.start));
    covered = chunk.end;
  }
  return parts.join('');
}
