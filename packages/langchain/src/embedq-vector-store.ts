import type { ChunkingOptions, ContentType, EmbedqClient, SearchFilter, SearchRequest } from '@embedq/client';
import type { Callbacks } from '@langchain/core/callbacks/manager';
import type { Document, DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';
import { BatchNotCompletedError } from './batch-not-completed-error.js';
import { planBatches } from './batch-plan.js';
import { clientOf, type EmbedqConnectionOptions, namespaceOf } from './connection-options.js';
import { documentFromHit } from './document-from-hit.js';
import { checkIds, givenDocumentId, newDocumentId } from './document-ids.js';
import { EmbedqEmbeddings } from './embedq-embeddings.js';

/** Search settings every search of the store sends; see SearchRequest. Default: `vector` mode. */
export type SearchDefaults = Pick<SearchRequest, 'mode' | 'minScore' | 'exact' | 'fusion'>;

/** Chunks of Documents without ids that go under one generated id, as one batch. */
export const DEFAULT_MAX_CHUNKS_PER_BATCH = 1_000;

export type EmbedqVectorStoreOptions = EmbedqConnectionOptions & {
  /** Where documents are added, searched and deleted; default: the API key's only namespace, else `default`. */
  readonly namespace?: string | undefined;
  readonly searchDefaults?: SearchDefaults | undefined;
  /**
   * Most chunks of one batch of Documents without ids (see addDocuments), default 1,000; the
   * server refuses batches over its MAX_CHUNKS_PER_REQUEST (default 10,000).
   */
  readonly maxChunksPerBatch?: number | undefined;
};

/** How the server splits whole texts; see SubmitDocumentRequest. */
export interface SplitOptions {
  /** Default `text/plain` (paragraphs); `text/markdown` splits by sections first. */
  readonly contentType?: ContentType | undefined;
  readonly chunking?: ChunkingOptions | undefined;
}

export interface AddDocumentsOptions {
  /** The embedq document id of each Document (see addDocuments); default: `document.id`, `metadata.documentId`, or generated. */
  readonly ids?: readonly string[] | undefined;
  /**
   * Each Document is a whole text for the server to split into chunks (POST /v1/documents),
   * rather than one chunk already cut (POST /v1/batches).
   */
  readonly split?: boolean | SplitOptions | undefined;
  /** Longest wait for the server to embed everything, from when the last batch was accepted; default: no limit. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

const NO_VECTORS =
  'embedq embeds on the server: it stores texts and searches by query text, and accepts no vectors. ' +
  'Use addDocuments and similaritySearch / similaritySearchWithScore.';

/**
 * A LangChain vector store whose documents the embedq server embeds, stores and searches; this
 * class only speaks HTTP (through @embedq/client).
 *
 * Documents are stored under embedq document ids. `addDocuments` returns them, search results carry
 * them as `Document.id`, and `delete({ ids })` removes them, each with all its chunks. Posting
 * an id that exists replaces that document's chunks.
 *
 * Not supported, as the server takes texts, not vectors: addVectors,
 * similaritySearchVectorWithScore, and maximal marginal relevance (`asRetriever({ searchType: 'mmr' })`
 * fails with LangChain's "does not support max marginal relevance search").
 */
export class EmbedqVectorStore extends VectorStore {
  declare FilterType: SearchFilter;
  /** The server's model over POST /v1/embeddings, through the same client. */
  declare embeddings: EmbedqEmbeddings;

  readonly client: EmbedqClient;
  readonly namespace: string | undefined;
  readonly searchDefaults: SearchDefaults;
  readonly maxChunksPerBatch: number;

  constructor(options: EmbedqVectorStoreOptions) {
    const client = clientOf(options, 'EmbedqVectorStore');
    const namespace = namespaceOf(options.namespace, 'EmbedqVectorStore');
    // Only the namespace goes to LangChain's constructor arguments (lc_kwargs): never the API key.
    super(new EmbedqEmbeddings({ client }), namespace === undefined ? {} : { namespace });
    const { searchDefaults = {}, maxChunksPerBatch = DEFAULT_MAX_CHUNKS_PER_BATCH } = options;
    if (!Number.isInteger(maxChunksPerBatch) || maxChunksPerBatch < 1) {
      throw new RangeError(
        `EmbedqVectorStore: maxChunksPerBatch must be an integer >= 1, got ${String(maxChunksPerBatch)}`,
      );
    }
    this.client = client;
    this.namespace = namespace;
    this.searchDefaults = searchDefaults;
    this.maxChunksPerBatch = maxChunksPerBatch;
  }

  _vectorstoreType(): string {
    return 'embedq';
  }

  /**
   * Stores the Documents and waits until the server has embedded them all, so they are found by
   * the next search; resolves with the embedq document id of each Document, in order.
   *
   * Each Document becomes one chunk (its pageContent and metadata). Its document id is
   * `options.ids[i]`, else `document.id`, else `metadata.documentId`; Documents sharing an id
   * become the chunks of one embedq document, replacing what that id held before. Documents with
   * no id share a generated one, up to `maxChunksPerBatch` each: they are added together, and
   * deleted together. With `split`, each Document is instead a whole text that the server splits,
   * under its own id (generated when none is given).
   *
   * Batches are submitted one after another, then waited for; a batch that ends other than
   * `completed` rejects with a BatchNotCompletedError (the batches before it stay stored).
   */
  async addDocuments(documents: DocumentInterface[], options: AddDocumentsOptions = {}): Promise<string[]> {
    const { split = false, timeoutMs, signal } = options;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
      throw new RangeError(`addDocuments: timeoutMs must be a finite number >= 0, got ${timeoutMs}`);
    }
    const ids = checkIds(options.ids, documents);
    const submitted =
      split === false
        ? await this.#submitChunks(documents, ids, signal)
        : await this.#submitWholeTexts(documents, ids, split === true ? {} : split, signal);
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    for (const batchId of submitted.batchIds) {
      const timeLeft = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
      const progress = await this.client.waitForBatch(batchId, { timeoutMs: timeLeft, signal });
      if (progress.status !== 'completed') throw new BatchNotCompletedError(progress);
    }
    return submitted.ids;
  }

  async #submitChunks(
    documents: readonly DocumentInterface[],
    ids: readonly string[] | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ ids: string[]; batchIds: string[] }> {
    const plan = planBatches(documents, {
      ids,
      maxGeneratedChunks: this.maxChunksPerBatch,
      newId: newDocumentId,
    });
    const batchIds: string[] = [];
    for (const { documentId, chunks } of plan.batches) {
      const accepted = await this.client.submitBatch(
        { namespace: this.namespace, documentId, chunks },
        { signal },
      );
      batchIds.push(accepted.batchId);
    }
    return { ids: plan.ids, batchIds };
  }

  async #submitWholeTexts(
    documents: readonly DocumentInterface[],
    ids: readonly string[] | undefined,
    split: SplitOptions,
    signal: AbortSignal | undefined,
  ): Promise<{ ids: string[]; batchIds: string[] }> {
    const documentIds = documents.map(
      (document, index) => givenDocumentId(document, index, ids) ?? newDocumentId(),
    );
    // A second text under the same id would replace the first as soon as it was posted.
    const repeated = documentIds.find((id, index) => documentIds.indexOf(id) !== index);
    if (repeated !== undefined) {
      throw new TypeError(`addDocuments with split: two documents have the id '${repeated}'`);
    }
    const batchIds: string[] = [];
    for (const [index, document] of documents.entries()) {
      const accepted = await this.client.submitDocument(
        {
          namespace: this.namespace,
          documentId: documentIds[index] as string,
          text: document.pageContent,
          metadata: document.metadata,
          contentType: split.contentType,
          chunking: split.chunking,
        },
        { signal },
      );
      batchIds.push(accepted.batchId);
    }
    return { ids: documentIds, batchIds };
  }

  /**
   * The k chunks nearest the query, best first, with the search mode's score (higher is better:
   * cosine similarity in the default `vector` mode). The server embeds the query; `filter` is
   * embedq's (metadata keys, or documentId, chunkIndex, ...; `$and`, `$or`, `$in`, `$gte`, ...).
   * k is at most the server's MAX_SEARCH_K (default 100).
   */
  override async similaritySearchWithScore(
    query: string,
    k = 4,
    filter?: SearchFilter,
    _callbacks?: Callbacks,
  ): Promise<[Document, number][]> {
    const { results } = await this.client.search({
      ...this.searchDefaults,
      query,
      k,
      namespace: this.namespace,
      filter,
    });
    return results.map((hit) => [documentFromHit(hit), hit.score]);
  }

  /** As similaritySearchWithScore, without the scores: what `asRetriever()` calls. */
  override async similaritySearch(
    query: string,
    k = 4,
    filter?: SearchFilter,
    callbacks?: Callbacks,
  ): Promise<Document[]> {
    const scored = await this.similaritySearchWithScore(query, k, filter, callbacks);
    return scored.map(([document]) => document);
  }

  /**
   * Deletes the embedq documents with these ids, all their chunks. An id that is not there (any
   * more) is skipped: the ids addDocuments returns repeat when Documents share one.
   */
  override async delete(params: { readonly ids: readonly string[] }): Promise<void> {
    const ids: unknown = params?.ids;
    if (!Array.isArray(ids)) {
      throw new TypeError('EmbedqVectorStore.delete takes { ids }: embedq deletes documents by id');
    }
    for (const id of new Set<string>(ids)) {
      try {
        await this.client.deleteDocument(id, { namespace: this.namespace });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }

  addVectors(_vectors: number[][], _documents: DocumentInterface[]): Promise<string[]> {
    return Promise.reject(new Error(`EmbedqVectorStore.addVectors: ${NO_VECTORS}`));
  }

  similaritySearchVectorWithScore(_query: number[], _k: number): Promise<[Document, number][]> {
    return Promise.reject(new Error(`EmbedqVectorStore.similaritySearchVectorWithScore: ${NO_VECTORS}`));
  }

  /** A store over `options` holding these texts (embedded once this resolves); `embeddings` is ignored. */
  static override async fromTexts(
    texts: string[],
    metadatas: object[] | object,
    _embeddings: EmbeddingsInterface | undefined,
    options: EmbedqVectorStoreOptions,
  ): Promise<EmbedqVectorStore> {
    const documents = texts.map((pageContent, index) => ({
      pageContent,
      metadata: { ...(Array.isArray(metadatas) ? metadatas[index] : metadatas) },
    }));
    return EmbedqVectorStore.fromDocuments(documents, undefined, options);
  }

  /** A store over `options` holding these documents (embedded once this resolves); `embeddings` is ignored: the server embeds. */
  static override async fromDocuments(
    documents: DocumentInterface[],
    _embeddings: EmbeddingsInterface | undefined,
    options: EmbedqVectorStoreOptions,
  ): Promise<EmbedqVectorStore> {
    const store = new EmbedqVectorStore(options);
    await store.addDocuments(documents);
    return store;
  }
}

/** Duck-typed, like clientOf: the error may come from another copy of @embedq/client. */
function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'not_found';
}
