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

export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

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
        `${method} ${path}: ${response.status} ${text.slice(0, 300)}`,
        response.status,
      );
    }
  }

  postBatch(body: {
    namespace: string;
    documentId: string;
    chunks: { text: string }[];
  }): Promise<{ batchId: string; chunkCount: number }> {
    return this.request('POST', '/v1/batches', body);
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
