import type { EmbedqClient } from '@embedq/client';
import { Embeddings } from '@langchain/core/embeddings';
import { clientOf, type EmbedqConnectionOptions } from './connection-options.js';

/** The one model the server serves. */
export const EMBEDQ_MODEL = 'all-MiniLM-L6-v2';

/** The server's default MAX_EMBEDDING_INPUTS: inputs per POST /v1/embeddings. */
export const DEFAULT_EMBEDDING_BATCH_SIZE = 128;

export type EmbedqEmbeddingsOptions = EmbedqConnectionOptions & {
  /** Default `all-MiniLM-L6-v2`; the server refuses any other (404 model_not_found). */
  readonly model?: string | undefined;
  /**
   * Texts per request, default 128: the server refuses more than its MAX_EMBEDDING_INPUTS
   * (400 too_many_inputs), so lower this if the server's is lower.
   */
  readonly batchSize?: number | undefined;
};

/**
 * LangChain Embeddings over POST /v1/embeddings: the server's model (384 numbers per text),
 * computed at once by the API. For queries and small inputs; documents to store go through
 * EmbedqVectorStore.addDocuments, which the server embeds in the background.
 */
export class EmbedqEmbeddings extends Embeddings {
  readonly client: EmbedqClient;
  readonly model: string;
  readonly batchSize: number;

  constructor(options: EmbedqEmbeddingsOptions) {
    // No retries here: the client already retries 429, 503 and network failures, and retrying
    // its final errors again would multiply the waits.
    super({ maxRetries: 0 });
    this.client = clientOf(options, 'EmbedqEmbeddings');
    const { model = EMBEDQ_MODEL, batchSize = DEFAULT_EMBEDDING_BATCH_SIZE } = options;
    if (typeof model !== 'string' || model === '') {
      throw new TypeError('EmbedqEmbeddings: model must be a non-empty string');
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`EmbedqEmbeddings: batchSize must be an integer >= 1, got ${String(batchSize)}`);
    }
    this.model = model;
    this.batchSize = batchSize;
  }

  /**
   * One vector per text, in order. Requests go one after another: the API embeds on its own CPU,
   * and parallel requests would only queue there while slowing other callers' queries.
   */
  async embedDocuments(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      vectors.push(...(await this.#embed(texts.slice(start, start + this.batchSize))));
    }
    return vectors;
  }

  async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.#embed([text]);
    return vector as number[];
  }

  async #embed(input: readonly string[]): Promise<number[][]> {
    const answer = await this.client.embed({ input, model: this.model });
    const vectors = new Array<number[] | undefined>(input.length);
    for (const item of answer.data) vectors[item.index] = item.embedding;
    if (answer.data.length !== input.length || vectors.includes(undefined)) {
      throw new Error(
        `POST /v1/embeddings answered ${answer.data.length} vectors for ${input.length} inputs`,
      );
    }
    return vectors as number[][];
  }
}
