import { PassThrough } from 'node:stream';
import { createEmbedder, type Embedder } from '@embedq/embedder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Pipeline, startPipeline, TEST_ADMIN_KEY, TEST_API_KEY } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('auth and namespace isolation');

const KEY_A = 'tenant-a-key-7f3e9c';
const KEY_B = 'tenant-b-key-2d81aa';
const KEY_AB = 'tenant-ab-key-55c0de';
const as = (key: string) => ({ authorization: `Bearer ${key}` });

describe.skipIf(services === undefined)('API keys and namespaces', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;
  const logs: string[] = [];
  let batchA: string;
  let batchB: string;

  const rowsIn = async (namespace: string) =>
    (
      await pipeline.db.pool.query<{ n: number }>(
        'SELECT count(*)::integer AS n FROM chunks WHERE namespace = $1',
        [namespace],
      )
    ).rows[0]?.n;

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    const logStream = new PassThrough();
    logStream.on('data', (line: Buffer) => logs.push(line.toString()));
    pipeline = await startPipeline(services, embedder, {
      env: {
        API_KEYS: `${KEY_A}:acme, ${KEY_B}:beta, ${KEY_AB}:acme;beta, ${TEST_API_KEY}:*`,
        LOG_LEVEL: 'debug',
      },
      logStream,
    });
    // The same document id in both namespaces: each tenant must only ever see its own.
    const postedA = await call(
      pipeline.baseUrl,
      'POST',
      '/v1/batches',
      { documentId: 'report', chunks: [{ text: 'Acme quarterly results on superconducting magnets.' }] },
      as(KEY_A),
    );
    const postedB = await call(
      pipeline.baseUrl,
      'POST',
      '/v1/batches',
      { documentId: 'report', chunks: [{ text: 'Beta lab notes on superconducting magnets.' }] },
      as(KEY_B),
    );
    expect([postedA.status, postedB.status]).toEqual([202, 202]);
    batchA = postedA.body.batchId;
    batchB = postedB.body.batchId;
    for (const [id, key] of [
      [batchA, KEY_A],
      [batchB, KEY_B],
    ] as const) {
      await waitFor(`batch ${id}`, async () => {
        const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${id}`, undefined, as(key));
        return progress.body.status === 'completed' ? true : undefined;
      });
    }
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
  });

  it("writes a single-namespace key's documents into its namespace", async () => {
    const progressA = await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchA}`, undefined, as(KEY_A));
    expect(progressA.body).toMatchObject({ namespace: 'acme', documentId: 'report', embedded: 1 });
    const progressB = await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchB}`, undefined, as(KEY_B));
    expect(progressB.body).toMatchObject({ namespace: 'beta', documentId: 'report', embedded: 1 });
  });

  it("cannot see another namespace's batch: 404, as if it did not exist", async () => {
    const seen = await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchB}`, undefined, as(KEY_A));
    expect(seen.status).toBe(404);
    expect(seen.body.error.code).toBe('not_found');
    expect(JSON.stringify(seen.body)).not.toContain('beta');
    const both = await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchB}`, undefined, as(KEY_AB));
    expect(both.status).toBe(200);
  });

  it('cannot search another namespace, and its own search returns only its own chunks', async () => {
    const query = { query: 'superconducting magnets', k: 10 };
    const forbidden = await call(
      pipeline.baseUrl,
      'POST',
      '/v1/search',
      { ...query, namespace: 'beta' },
      as(KEY_A),
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    const own = await call(pipeline.baseUrl, 'POST', '/v1/search', query, as(KEY_A));
    expect(own.status).toBe(200);
    expect(own.body.results.map((r: { namespace: string }) => r.namespace)).toEqual(['acme']);
    // A key bound to two namespaces names the one it searches.
    const ambiguous = await call(pipeline.baseUrl, 'POST', '/v1/search', query, as(KEY_AB));
    expect(ambiguous.status).toBe(403);
  });

  it('cannot write into or delete from another namespace, and nothing changes', async () => {
    const before = [await rowsIn('acme'), await rowsIn('beta')];
    const post = await call(
      pipeline.baseUrl,
      'POST',
      '/v1/batches',
      { namespace: 'beta', documentId: 'report', chunks: [{ text: 'overwrite attempt' }] },
      as(KEY_A),
    );
    expect([post.status, post.body.error.code]).toEqual([403, 'forbidden']);
    const deleted = await call(
      pipeline.baseUrl,
      'DELETE',
      '/v1/documents/report?namespace=beta',
      undefined,
      as(KEY_A),
    );
    expect([deleted.status, deleted.body.error.code]).toEqual([403, 'forbidden']);
    expect([await rowsIn('acme'), await rowsIn('beta')]).toEqual(before);
  });

  it("deletes only its own namespace's document of the same id", async () => {
    const deleted = await call(pipeline.baseUrl, 'DELETE', '/v1/documents/report', undefined, as(KEY_A));
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ documentId: 'report', namespace: 'acme', deletedChunks: 1 });
    expect(await rowsIn('acme')).toBe(0);
    expect(await rowsIn('beta')).toBe(1);
  });

  it.each([
    ['POST', '/v1/batches', { documentId: 'x', chunks: [{ text: 'x' }] }],
    ['GET', '/v1/batches/00000000-0000-4000-8000-000000000000', undefined],
    ['POST', '/v1/search', { query: 'x' }],
    ['POST', '/v1/embeddings', { input: 'x', model: 'all-MiniLM-L6-v2' }],
    ['DELETE', '/v1/documents/report', undefined],
  ] as const)('%s %s: 401 without a key and with a wrong one', async (method, path, body) => {
    const before = [await rowsIn('acme'), await rowsIn('beta')];
    for (const authorization of ['', 'Bearer not-a-key-at-all', `Bearer ${KEY_A}x`, KEY_A, 'Basic !!!']) {
      const response = await call(pipeline.baseUrl, method, path, body, { authorization });
      expect([authorization, response.status, response.body.error.code]).toEqual([
        authorization,
        401,
        'unauthorized',
      ]);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect([await rowsIn('acme'), await rowsIn('beta')]).toEqual(before);
  });

  it.each(['/admin/dashboard', '/admin/queues', '/metrics'])(
    '%s: 401 anonymous (asking a browser to log in), 403 with an API key',
    async (path) => {
      const anonymous = await call(pipeline.baseUrl, 'GET', path, undefined, { authorization: '' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      for (const key of [KEY_A, TEST_API_KEY]) {
        const client = await call(pipeline.baseUrl, 'GET', path, undefined, as(key));
        expect([client.status, client.body.error.code]).toEqual([403, 'forbidden']);
      }
    },
  );

  it.each([
    '/%61dmin/dashboard',
    '/admin/%64ashboard',
    '/%6detrics',
    '/admin/queues/api/queues?activeQueue=x',
  ])('%s: an encoded or decorated admin path needs the admin key too', async (path) => {
    expect((await call(pipeline.baseUrl, 'GET', path, undefined, { authorization: '' })).status).toBe(401);
    const client = await call(pipeline.baseUrl, 'GET', path, undefined, as(TEST_API_KEY));
    expect([client.status, client.body?.error?.code]).toEqual([403, 'forbidden']);
    // The same handler answers (HTML or text): these paths are aliases, not 404s.
    const admin = await fetch(`${pipeline.baseUrl}${path}`, { headers: as(TEST_ADMIN_KEY) });
    expect(admin.status).toBe(200);
  });

  it('does not let the admin key use /v1', async () => {
    const response = await call(pipeline.baseUrl, 'POST', '/v1/search', { query: 'x' }, as(TEST_ADMIN_KEY));
    expect([response.status, response.body.error.code]).toEqual([403, 'forbidden']);
  });

  it('keeps health and the OpenAPI document open', async () => {
    for (const path of ['/healthz', '/openapi.json']) {
      const response = await call(pipeline.baseUrl, 'GET', path, undefined, { authorization: '' });
      expect(response.status).toBe(200);
    }
  });

  it('never writes a key into the logs', async () => {
    expect(logs.length).toBeGreaterThan(10);
    const text = logs.join('');
    for (const key of [KEY_A, KEY_B, KEY_AB, TEST_API_KEY, TEST_ADMIN_KEY]) expect(text).not.toContain(key);
    expect(text).toMatch(/"principal":"key:[0-9a-f]{12}"/);
  });
});

describe.skipIf(services === undefined)('per-key rate limit', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    pipeline = await startPipeline(services, embedder, {
      env: { API_KEYS: `${KEY_A}:acme,${KEY_B}:beta`, RATE_LIMIT_PER_MINUTE: '3' },
      worker: false,
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
  });

  it('answers 429 with Retry-After past the limit, for that key only', async () => {
    const missing = '/v1/batches/00000000-0000-4000-8000-000000000000';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call(pipeline.baseUrl, 'GET', missing, undefined, as(KEY_A))).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const limited = await call(pipeline.baseUrl, 'GET', missing, undefined, as(KEY_A));
    expect(limited.body.error.code).toBe('too_many_requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(pipeline.baseUrl, 'GET', missing, undefined, as(KEY_B))).status).toBe(404);
  });
});
