import type { ChunkInput } from '@embedq/client';
import type { DocumentInterface } from '@langchain/core/documents';
import { givenDocumentId } from './document-ids.js';

/** One POST /v1/batches: an embedq document and its chunks, in the order they were given. */
export interface PlannedBatch {
  readonly documentId: string;
  readonly chunks: ChunkInput[];
}

export interface BatchPlan {
  /** The embedq document id of each LangChain Document, in the order given. */
  readonly ids: string[];
  /** In the order their first Document was given. */
  readonly batches: PlannedBatch[];
}

export interface BatchPlanOptions {
  readonly ids?: readonly string[] | undefined;
  /** Most chunks under one generated id. */
  readonly maxGeneratedChunks: number;
  readonly newId: () => string;
}

/**
 * Each LangChain Document becomes one chunk. Documents with the same given id (see
 * givenDocumentId) become the chunks of one embedq document; those without one are grouped under
 * generated ids, `maxGeneratedChunks` at most to each, so a call costs a few batches rather than
 * one per Document.
 */
export function planBatches(documents: readonly DocumentInterface[], options: BatchPlanOptions): BatchPlan {
  const byId = new Map<string, PlannedBatch>();
  let generated: PlannedBatch | undefined;
  const ids = documents.map((document, index) => {
    const chunk: ChunkInput = { text: document.pageContent, metadata: document.metadata };
    const given = givenDocumentId(document, index, options.ids);
    if (given !== undefined) {
      const batch = byId.get(given) ?? { documentId: given, chunks: [] };
      byId.set(given, batch);
      batch.chunks.push(chunk);
      return given;
    }
    if (generated === undefined || generated.chunks.length >= options.maxGeneratedChunks) {
      generated = { documentId: options.newId(), chunks: [] };
      byId.set(generated.documentId, generated);
    }
    generated.chunks.push(chunk);
    return generated.documentId;
  });
  return { ids, batches: [...byId.values()] };
}
