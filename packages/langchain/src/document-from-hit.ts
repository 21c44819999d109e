import type { SearchHit } from '@embedq/client';
import { Document } from '@langchain/core/documents';

/** What embedq says about a hit, under `metadata.embedq` of the Documents a search returns. */
export interface EmbedqHitInfo {
  readonly documentId: string;
  readonly chunkIndex: number;
  readonly namespace: string;
  /** The search mode's score, higher is better: cosine similarity in `vector` mode. */
  readonly score: number;
  readonly vectorScore: number;
  readonly keywordRank: number | null;
  readonly fusedScore: number | null;
  /** UTF-16 offsets in the text the server split; null for chunks added as they were. */
  readonly start: number | null;
  readonly end: number | null;
  readonly headingPath: readonly string[] | null;
}

/**
 * A hit as a LangChain Document: the chunk's text, the metadata it was added with, unchanged, plus
 * one `embedq` key (the server's fields, kept apart so they never overwrite the caller's keys),
 * and the embedq document id as `id`: the id addDocuments returned and delete takes, shared by
 * the chunks of one document.
 */
export function documentFromHit(hit: SearchHit): Document {
  const embedq: EmbedqHitInfo = {
    documentId: hit.documentId,
    chunkIndex: hit.chunkIndex,
    namespace: hit.namespace,
    score: hit.score,
    vectorScore: hit.vectorScore,
    keywordRank: hit.keywordRank,
    fusedScore: hit.fusedScore,
    start: hit.start,
    end: hit.end,
    headingPath: hit.headingPath,
  };
  return new Document({ id: hit.documentId, pageContent: hit.text, metadata: { ...hit.metadata, embedq } });
}
