import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { EmbedqClient } from './embedq-client.js';
import { EmbedqError } from './embedq-error.js';
import { BATCH_ID, batchProgress } from './test-support/batch-progress.js';
import { apiError, fakeFetch, json, networkFailure, type Responder } from './test-support/fake-fetch.js';
import type { CreatedWebhook, Webhook, WebhookDelivery } from './webhooks.js';

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

const WEBHOOK_ID = '6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e';

const WEBHOOK: Webhook = {
  id: WEBHOOK_ID,
  namespace: 'papers',
  url: 'https://hooks.example.com/embedq',
  events: ['batch.completed', 'batch.failed'],
  description: 'reindex',
  enabled: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  lastSuccessAt: null,
  disabledAt: null,
  disabledReason: null,
};

const DELIVERY: WebhookDelivery = {
  id: 'msg_0123456789abcdef0123456789abcdef',
  eventType: 'document.deleted',
  status: 'delivered',
  attempts: 1,
  createdAt: '2026-01-01T00:00:02.000Z',
  nextAttemptAt: null,
  lastAttemptAt: '2026-01-01T00:00:02.100Z',
  lastStatusCode: 204,
  lastError: null,
  deliveredAt: '2026-01-01T00:00:02.100Z',
  attemptLog: [{ at: '2026-01-01T00:00:02.100Z', statusCode: 204, error: null, ms: 12 }],
  payload: {
    type: 'document.deleted',
    timestamp: '2026-01-01T00:00:02.000Z',
    data: { namespace: 'papers', documentId: 'd', deletedChunks: 3 },
  },
};

describe('EmbedqClient webhooks', () => {
  it('createWebhook posts the body without an Idempotency-Key and resolves with the secret', async () => {
    const created: CreatedWebhook = { ...WEBHOOK, secret: 'whsec_c2VjcmV0' };
    const { client, requests } = clientWith(() =>
      json(201, created, { location: `/v1/webhooks/${WEBHOOK_ID}` }),
    );
    const body = {
      url: WEBHOOK.url,
      events: ['batch.completed', 'batch.failed'],
      namespace: 'papers',
      description: 'reindex',
    } as const;
    await expect(client.createWebhook(body)).resolves.toEqual(created);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', body });
    expect(requests[0]?.url.href).toBe('http://api.test/v1/webhooks');
    expect(requests[0]?.headers.has('idempotency-key')).toBe(false);
  });

  it('createWebhook is not sent again after a network failure, which may have registered it', async () => {
    const { client, requests } = clientWith(networkFailure, () => json(201, { ...WEBHOOK, secret: 's' }));
    const result = await settle(client.createWebhook({ url: WEBHOOK.url, events: ['batch.failed'] }));
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'network_error' });
    expect(requests).toHaveLength(1);
  });

  it('createWebhook is sent again after a 503, when the server did nothing', async () => {
    const created = { ...WEBHOOK, secret: 's' };
    const { client, requests } = clientWith(
      () => apiError(503, 'service_unavailable', 'down', { 'retry-after': '1' }),
      () => json(201, created),
    );
    const result = await settle(client.createWebhook({ url: WEBHOOK.url, events: ['batch.failed'] }));
    expect(result).toEqual({ status: 'fulfilled', value: created });
    expect(requests).toHaveLength(2);
  });

  it.each([
    [422, 'too_many_webhooks', "namespace 'papers' has 20 webhooks, the most it may; delete one first"],
    [400, 'invalid_webhook_url', 'body.url: must be https (got http)'],
  ])("createWebhook rejects a %i with the server's code %s", async (status, code, message) => {
    const { client, requests } = clientWith(() => apiError(status, code, message));
    const error = await client.createWebhook({ url: WEBHOOK.url, events: ['batch.failed'] }).catch((e) => e);
    expect(error).toBeInstanceOf(EmbedqError);
    expect(error).toMatchObject({ name: 'EmbedqError', status, code, message });
    expect(requests).toHaveLength(1);
  });

  it("listWebhooks lists the key's webhooks, or one namespace's", async () => {
    const { client, requests } = clientWith(() => json(200, { webhooks: [WEBHOOK] }));
    await expect(client.listWebhooks()).resolves.toEqual({ webhooks: [WEBHOOK] });
    await client.listWebhooks({ namespace: 'papers' });
    expect(requests.map((r) => [r.method, r.url.href])).toEqual([
      ['GET', 'http://api.test/v1/webhooks'],
      ['GET', 'http://api.test/v1/webhooks?namespace=papers'],
    ]);
  });

  it('getWebhook gets the webhook by its id', async () => {
    const { client, requests } = clientWith(() => json(200, WEBHOOK));
    await expect(client.getWebhook(WEBHOOK_ID)).resolves.toEqual(WEBHOOK);
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.url.href).toBe(`http://api.test/v1/webhooks/${WEBHOOK_ID}`);
  });

  it('deleteWebhook resolves with nothing on 204, and rejects a 404 as not_found', async () => {
    const { client, requests } = clientWith(
      () => new Response(null, { status: 204 }),
      () => apiError(404, 'not_found', `no webhook '${WEBHOOK_ID}' in the key's namespaces`),
    );
    await expect(client.deleteWebhook(WEBHOOK_ID)).resolves.toBeUndefined();
    expect(requests[0]?.method).toBe('DELETE');
    expect(requests[0]?.url.href).toBe(`http://api.test/v1/webhooks/${WEBHOOK_ID}`);
    expect(requests[0]?.body).toBeUndefined();
    await expect(client.deleteWebhook(WEBHOOK_ID)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(requests).toHaveLength(2);
  });

  it('listWebhookDeliveries sends the limit and status that are set', async () => {
    const { client, requests } = clientWith(() => json(200, { deliveries: [DELIVERY] }));
    await expect(
      client.listWebhookDeliveries(WEBHOOK_ID, { limit: 5, status: 'delivered' }),
    ).resolves.toEqual({
      deliveries: [DELIVERY],
    });
    await client.listWebhookDeliveries(WEBHOOK_ID);
    expect(requests.map((r) => r.url.pathname)).toEqual([
      `/v1/webhooks/${WEBHOOK_ID}/deliveries`,
      `/v1/webhooks/${WEBHOOK_ID}/deliveries`,
    ]);
    expect(Object.fromEntries(requests[0]?.url.searchParams ?? [])).toEqual({
      limit: '5',
      status: 'delivered',
    });
    expect(requests[1]?.url.search).toBe('');
  });

  it('enableWebhook and retryWebhookDelivery POST without a body to their paths', async () => {
    const { client, requests } = clientWith(
      () => json(200, { id: WEBHOOK_ID }),
      () => json(202, DELIVERY),
      () =>
        apiError(
          422,
          'delivery_not_retryable',
          'only a failed delivery of an enabled webhook can be sent again',
        ),
    );
    await expect(client.enableWebhook(WEBHOOK_ID)).resolves.toEqual({ id: WEBHOOK_ID });
    await expect(client.retryWebhookDelivery(WEBHOOK_ID, 'msg_1')).resolves.toEqual(DELIVERY);
    await expect(client.retryWebhookDelivery(WEBHOOK_ID, 'msg_1')).rejects.toMatchObject({
      status: 422,
      code: 'delivery_not_retryable',
    });
    expect(requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      `POST /v1/webhooks/${WEBHOOK_ID}/enable`,
      `POST /v1/webhooks/${WEBHOOK_ID}/deliveries/msg_1/retry`,
      `POST /v1/webhooks/${WEBHOOK_ID}/deliveries/msg_1/retry`,
    ]);
    expect(requests.every((r) => r.body === undefined)).toBe(true);
  });

  it('refuses webhook ids no URL path can hold', async () => {
    const { client, requests } = clientWith(() => json(200, {}));
    await expect(client.getWebhook('..')).rejects.toThrow(TypeError);
    await expect(client.deleteWebhook('')).rejects.toThrow(TypeError);
    await expect(client.listWebhookDeliveries('.')).rejects.toThrow(TypeError);
    expect(requests).toHaveLength(0);
  });
});
