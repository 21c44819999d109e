import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { EmbedqClient } from './embedq-client.js';
import { BATCH_ID, batchProgress } from './test-support/batch-progress.js';
import { apiError, fakeFetch, json, networkFailure, type Responder } from './test-support/fake-fetch.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function clientWith(...responders: Responder[]) {
  const fake = fakeFetch(...responders);
  const client = new EmbedqClient({ baseUrl: 'http://api.test/', apiKey: 'k', fetch: fake.fetch });
  return { client, requests: fake.requests };
}

async function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  const settled = Promise.allSettled([promise]).then(([result]) => result as PromiseSettledResult<T>);
  await vi.advanceTimersByTimeAsync(600_000);
  return settled;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('EmbedqClient', () => {
  it('fails fast on a baseUrl that is not an absolute http(s) URL, or an empty apiKey', () => {
    expect(() => new EmbedqClient({ baseUrl: 'localhost:3000', apiKey: 'k' })).toThrow(TypeError);
    expect(() => new EmbedqClient({ baseUrl: 'http://localhost:3000', apiKey: '' })).toThrow(TypeError);
    expect(() => new EmbedqClient({ baseUrl: 'http://localhost:3000', apiKey: 'k', maxRetries: -1 })).toThrow(
      RangeError,
    );
  });

  it('submitBatch posts the body with a fresh UUID Idempotency-Key per call', async () => {
    const accepted = { batchId: BATCH_ID, chunkCount: 1, truncatedChunks: 0 };
    const { client, requests } = clientWith(() => json(202, accepted));
    const body = {
      documentId: 'doc-1',
      namespace: 'science',
      chunks: [{ text: 'a', metadata: { page: 1 } }],
    };
    await expect(client.submitBatch(body)).resolves.toEqual(accepted);
    await client.submitBatch(body);
    expect(requests.map((r) => [r.method, r.url.pathname, r.body])).toEqual([
      ['POST', '/v1/batches', body],
      ['POST', '/v1/batches', body],
    ]);
    const keys = requests.map((r) => r.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(UUID);
    expect(keys[1]).toMatch(UUID);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('sends the same generated Idempotency-Key on every retry of one submit', async () => {
    const { client, requests } = clientWith(
      () => apiError(503, 'service_unavailable', 'down', { 'retry-after': '1' }),
      networkFailure,
      () => json(202, { batchId: BATCH_ID, chunkCount: 1 }),
    );
    const result = await settle(client.submitDocument({ documentId: 'd', text: 'Some text.' }));
    expect(result).toEqual({ status: 'fulfilled', value: { batchId: BATCH_ID, chunkCount: 1 } });
    expect(requests).toHaveLength(3);
    const keys = new Set(requests.map((r) => r.headers.get('idempotency-key')));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(UUID);
    expect(requests.map((r) => r.url.pathname)).toEqual(['/v1/documents', '/v1/documents', '/v1/documents']);
  });

  it("sends the caller's Idempotency-Key, and refuses an empty one", async () => {
    const { client, requests } = clientWith(() => json(202, { batchId: BATCH_ID, chunkCount: 1 }));
    await client.submitDocument(
      { documentId: 'd', text: '# T\n\nBody.', contentType: 'text/markdown', chunking: { maxTokens: 64 } },
      { idempotencyKey: 'import-2026-01-01-d' },
    );
    expect(requests[0]?.headers.get('idempotency-key')).toBe('import-2026-01-01-d');
    expect(requests[0]?.body).toEqual({
      documentId: 'd',
      text: '# T\n\nBody.',
      contentType: 'text/markdown',
      chunking: { maxTokens: 64 },
    });
    await expect(client.submitBatch({ documentId: 'd', chunks: [] }, { idempotencyKey: '' })).rejects.toThrow(
      TypeError,
    );
    expect(requests).toHaveLength(1);
  });

  it('getBatch gets the batch by its id', async () => {
    const { client, requests } = clientWith(() => json(200, batchProgress('processing', 2)));
    await expect(client.getBatch(BATCH_ID)).resolves.toEqual(batchProgress('processing', 2));
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.url.href).toBe(`http://api.test/v1/batches/${BATCH_ID}`);
    expect(requests[0]?.headers.has('idempotency-key')).toBe(false);
  });

  it('search posts the body as it is and returns the page', async () => {
    const page = { results: [], nextCursor: null };
    const { client, requests } = clientWith(() => json(200, page));
    const body = {
      query: 'soil carbon',
      k: 5,
      mode: 'hybrid',
      fusion: { k: 30 },
      filter: { year: { $gte: 2023 }, $or: [{ lab: 'b' }, { lab: { $in: ['c', 'd'] } }] },
      namespace: 'science',
    } as const;
    await expect(client.search(body)).resolves.toEqual(page);
    expect(requests[0]).toMatchObject({ method: 'POST', body });
    expect(requests[0]?.url.pathname).toBe('/v1/search');
  });

  it('embed posts to /v1/embeddings and types the vectors by encoding_format', async () => {
    const answer = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
      model: 'all-MiniLM-L6-v2',
      usage: { prompt_tokens: 3, total_tokens: 3 },
      truncated_inputs: [],
    };
    const { client, requests } = clientWith(() => json(200, answer));
    const floats = await client.embed({ input: 'hello', model: 'all-MiniLM-L6-v2' });
    expect(floats).toEqual(answer);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      body: { input: 'hello', model: 'all-MiniLM-L6-v2' },
    });
    expect(requests[0]?.url.pathname).toBe('/v1/embeddings');
    expectTypeOf(floats.data[0]!.embedding).toEqualTypeOf<number[]>();
    const base64 = await client.embed({ input: ['a'], model: 'm', encoding_format: 'base64' });
    expectTypeOf(base64.data[0]!.embedding).toEqualTypeOf<string>();
  });

  it('getDocument sends the id as one path segment and the page query', async () => {
    const { client, requests } = clientWith(() => json(200, { chunks: [] }));
    await client.getDocument('notes/2024 Q1', { namespace: 'team-a', limit: 5, after: 9 });
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.url.pathname).toBe('/v1/documents/notes%2F2024%20Q1');
    expect(Object.fromEntries(requests[0]?.url.searchParams ?? [])).toEqual({
      namespace: 'team-a',
      limit: '5',
      after: '9',
    });
    await client.getDocument('d');
    expect(requests[1]?.url.search).toBe('');
  });

  it('deleteDocument deletes by id in the namespace given', async () => {
    const deleted = { documentId: 'd', namespace: 'team-a', deletedChunks: 3 };
    const { client, requests } = clientWith(() => json(200, deleted));
    await expect(client.deleteDocument('d', { namespace: 'team-a' })).resolves.toEqual(deleted);
    expect(requests[0]?.method).toBe('DELETE');
    expect(requests[0]?.url.href).toBe('http://api.test/v1/documents/d?namespace=team-a');
    expect(requests[0]?.body).toBeUndefined();
  });

  it('refuses ids no URL path can hold rather than call another route', async () => {
    const { client, requests } = clientWith(() => json(200, {}));
    await expect(client.deleteDocument('..')).rejects.toThrow(TypeError);
    await expect(client.getDocument('.')).rejects.toThrow(TypeError);
    await expect(client.getBatch('')).rejects.toThrow(TypeError);
    await expect(client.waitForBatch('')).rejects.toThrow(TypeError);
    expect(requests).toHaveLength(0);
  });

  it('sends requests under the path prefix of baseUrl', async () => {
    const fake = fakeFetch(() => json(200, { results: [], nextCursor: null }));
    const client = new EmbedqClient({
      baseUrl: 'https://example.com/embedq',
      apiKey: 'k',
      fetch: fake.fetch,
    });
    await client.search({ query: 'q' });
    expect(fake.requests[0]?.url.href).toBe('https://example.com/embedq/v1/search');
  });

  it('uses the global fetch when none is given, looked up at each call', async () => {
    const fake = fakeFetch(() => json(200, { results: [], nextCursor: null }));
    vi.stubGlobal('fetch', fake.fetch);
    try {
      const client = new EmbedqClient({ baseUrl: 'http://api.test', apiKey: 'k', userAgent: 'my-app/2' });
      await client.search({ query: 'q' });
      expect(fake.requests[0]?.headers.get('user-agent')).toBe('my-app/2');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
