import { setTimeout as sleep } from 'node:timers/promises';

/** The parts of GET /v1/batches/:id the load generator reads. */
export interface BatchProgressBody {
  readonly batchId: string;
  readonly status: string;
  readonly total: number;
  readonly embedded: number;
  readonly failed: number;
  readonly pending: number;
  readonly enqueuedAt: string;
  readonly completedAt: string | null;
  readonly latencyHistogram: { readonly bounds: readonly number[]; readonly counts: readonly number[] };
}

/** The parts of GET /v1/documents/:id the eval reads. */
export interface DocumentPageBody {
  readonly batchId: string;
  readonly chunkCount: number;
  readonly chunks: readonly { readonly index: number; readonly text: string }[];
}

export interface SearchRequestBody {
  readonly query: string;
  readonly namespace: string;
  readonly k?: number;
  readonly mode?: 'vector' | 'keyword' | 'hybrid';
  readonly filter?: Record<string, unknown>;
  readonly exact?: boolean;
}

/** The parts of a POST /v1/search hit the eval reads. */
export interface SearchResultBody {
  readonly documentId: string;
  readonly chunkIndex: number;
  readonly score: number;
}

export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** What to do about an answer that is the caller's key, not the server. */
const AUTH_HINTS: Record<number, string> = {
  401: " (set EMBEDQ_API_KEY to a key in the API's API_KEYS)",
  403: ' (the key in EMBEDQ_API_KEY may not use this namespace: see --namespace and API_KEYS)',
};

/** A small client for the REST API: JSON in and out, retries on 429 and 503 as told by Retry-After. */
export class ApiClient {
  readonly #base: URL;
  readonly #apiKey: string | undefined;

  constructor(baseUrl: string, apiKey?: string) {
    this.#base = new URL(baseUrl);
    this.#apiKey = apiKey;
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(new URL(path, this.#base), {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.#apiKey === undefined ? {} : { authorization: `Bearer ${this.#apiKey}` }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.ok) return (text === '' ? undefined : JSON.parse(text)) as T;
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      if ((response.status === 429 || response.status === 503) && attempt < 10) {
        await sleep(Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000);
        continue;
      }
      throw new ApiRequestError(
        `${method} ${path}: ${response.status} ${text.slice(0, 300)}${AUTH_HINTS[response.status] ?? ''}`,
        response.status,
      );
    }
  }

  postBatch(body: {
    namespace: string;
    documentId: string;
    chunks: { text: string; metadata?: Record<string, unknown> }[];
  }): Promise<{ batchId: string; chunkCount: number }> {
    return this.request('POST', '/v1/batches', body);
  }

  postDocument(body: {
    namespace: string;
    documentId: string;
    text: string;
  }): Promise<{ batchId: string; chunkCount: number }> {
    return this.request('POST', '/v1/documents', body);
  }

  /** The first `limit` chunks of a document, or undefined when the namespace has no such document. */
  async documentPage(
    namespace: string,
    documentId: string,
    limit: number,
  ): Promise<DocumentPageBody | undefined> {
    try {
      return await this.request(
        'GET',
        `/v1/documents/${encodeURIComponent(documentId)}?namespace=${encodeURIComponent(namespace)}&limit=${limit}`,
      );
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  search(body: SearchRequestBody): Promise<{ results: SearchResultBody[] }> {
    return this.request('POST', '/v1/search', body);
  }

  batch(batchId: string): Promise<BatchProgressBody> {
    return this.request('GET', `/v1/batches/${batchId}`);
  }

  deleteDocument(namespace: string, documentId: string): Promise<unknown> {
    return this.request(
      'DELETE',
      `/v1/documents/${encodeURIComponent(documentId)}?namespace=${encodeURIComponent(namespace)}`,
    );
  }
}
