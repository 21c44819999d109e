/** How the labelled set sits in a namespace: chunk i is chunk i % 500 of document `part-<i / 500>`. */

export const CHUNKS_PER_DOCUMENT = 500;

export function documentIdOf(part: number): string {
  return `part-${part}`;
}

/** The hit key of chunk `index` of the set, as rank-metrics compares them. */
export function keyOfChunk(index: number): string {
  return hitKey(documentIdOf(Math.floor(index / CHUNKS_PER_DOCUMENT)), index % CHUNKS_PER_DOCUMENT);
}

export function hitKey(documentId: string, chunkIndex: number): string {
  return `${documentId}#${chunkIndex}`;
}

export function documentCount(chunks: number): number {
  return Math.ceil(chunks / CHUNKS_PER_DOCUMENT);
}
