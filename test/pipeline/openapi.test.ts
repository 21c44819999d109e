import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { API_ERRORS, type ApiErrorCode, type ApiRuntime, startApi } from '@embedq/api';
import { apiConfigFromEnv, type Env, workerConfigFromEnv } from '@embedq/config';
import { createEmbedder, type Embedder } from '@embedq/embedder';
import { markChunksFailed } from '@embedq/store';
import { createLogger, startWorker, type WorkerRuntime } from '@embedq/worker';
import { generateSeedChunks } from '@embedq/workload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, call, TEST_ADMIN_KEY, TEST_API_KEY } from '../support/pipeline.js';
import { deleteQueueKeys, uniqueQueuePrefix } from '../support/queue-prefix.js';
import { servicesOrSkip } from '../support/services.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

// Fastify serialises an answer with the response schema its route declares (fast-json-stringify):
// a property the schema does not declare is silently dropped, and a value of another type is
// coerced. So every answer here is checked twice: the JSON served must equal the JSON of what the
// handler returned (captured before serialisation by a preSerialization hook), and it must match
// the schema /openapi.json declares for its route and status, with no property left undeclared.

const services = await servicesOrSkip('openapi');

const TEST_ID_HEADER = 'x-openapi-test-id';
const MAX_DOCUMENT_BYTES = 20_000;
const MAX_PENDING_CHUNKS = 500;

/** ~2,000 characters: well past the model's window of 254 word pieces. */
const LONG_TEXT = generateSeedChunks(8, 5).join(' ');
const MARKDOWN = [
  '# Soil study',
  generateSeedChunks(2, 1).join('\n\n'),
  '## Methods',
  generateSeedChunks(3, 2).join('\n\n'),
  '## Results',
  generateSeedChunks(3, 3).join('\n\n'),
].join('\n\n');

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document and JSON schemas, walked by hand
type Json = any;

interface Api {
  readonly runtime: ApiRuntime;
  readonly baseUrl: string;
}

interface Exchange extends ApiResponse {
  /** The documented path of the route, e.g. `/v1/batches/{id}`. */
  readonly route: string;
}

/** Every documented (method, route, status) that a request here was answered with. */
const exercised = new Set<string>();
/** What each handler returned, by the test id its request carried, as JSON.stringify writes it. */
const produced = new Map<string, unknown>();

/**
 * Violations of `schema` by `value`: standard JSON schema for the keywords the API uses, but
 * stricter about objects: a property the schema does not declare is a violation unless it says
 * `additionalProperties: true`. A keyword it does not know is a violation too, so nothing in a
 * declared schema goes unchecked.
 */
function violations(schema: Json, value: unknown, at = '$'): string[] {
  const known = new Set([
    'type',
    'nullable',
    'enum',
    'properties',
    'required',
    'additionalProperties',
    'items',
    'anyOf',
    'oneOf',
    'minimum',
    'format',
    'description',
  ]);
  const unknown = Object.keys(schema).filter((k) => !known.has(k));
  if (unknown.length > 0) return [`${at}: the checker does not know ${unknown.join(', ')}`];
  if (value === null) {
    return schema.nullable === true && schema.type !== undefined ? [] : [`${at}: null is not declared`];
  }
  if (schema.anyOf !== undefined || schema.oneOf !== undefined) {
    const options: Json[] = schema.anyOf ?? schema.oneOf;
    const matching = options.filter((option) => violations(option, value, at).length === 0).length;
    const ok = schema.anyOf !== undefined ? matching > 0 : matching === 1;
    return ok ? [] : [`${at}: ${matching} of the ${schema.anyOf ? 'anyOf' : 'oneOf'} options match`];
  }
  const problems: string[] = [];
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${at}: ${JSON.stringify(value)} is not a string`];
      if (schema.format === 'date-time' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) {
        problems.push(`${at}: '${value}' is not a date-time`);
      }
      if (schema.format === 'uuid' && !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(value)) {
        problems.push(`${at}: '${value}' is not a uuid`);
      }
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return [`${at}: ${value} is not a number`];
      if (schema.type === 'integer' && !Number.isInteger(value))
        problems.push(`${at}: ${value} is no integer`);
      if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${at}: ${value} < minimum`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${at}: ${JSON.stringify(value)} is not a boolean`];
      break;
    case 'array':
      if (!Array.isArray(value)) return [`${at}: ${JSON.stringify(value)} is not an array`];
      if (schema.items === undefined) return [`${at}: an array without items`];
      value.forEach((item, i) => {
        problems.push(...violations(schema.items, item, `${at}[${i}]`));
      });
      break;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
      const record = value as Record<string, unknown>;
      const properties: Record<string, Json> = schema.properties ?? {};
      for (const name of schema.required ?? []) {
        if (!(name in record)) problems.push(`${at}.${name}: required, missing`);
      }
      for (const [name, property] of Object.entries(record)) {
        const declared = properties[name];
        if (declared !== undefined) problems.push(...violations(declared, property, `${at}.${name}`));
        else if (schema.additionalProperties !== true) problems.push(`${at}.${name}: not declared`);
      }
      break;
    }
    default:
      return [`${at}: no type declared`];
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  return problems;
}

function codesWithStatus(status: number): ApiErrorCode[] {
  return (Object.keys(API_ERRORS) as ApiErrorCode[]).filter((code) => API_ERRORS[code].status === status);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe.skipIf(services === undefined)('/openapi.json declares every answer exactly', () => {
  let embedder: Embedder;
  let db: TestDatabase;
  let env: Env;
  let api: Api;
  /** The same API with Postgres away and a rate limit of 3 a minute: /readyz 503, 503 and 429 errors. */
  let apiWithoutPostgres: Api;
  const prefixes = [uniqueQueuePrefix(), uniqueQueuePrefix()];
  let worker: WorkerRuntime | undefined;
  let openapi: Json;

  async function start(apiEnv: Env): Promise<Api> {
    const runtime = await startApi(apiConfigFromEnv(apiEnv), { embedder, logger: false });
    // Routes are registered, the app not yet ready: a root hook still reaches every route.
    runtime.app.addHook('preSerialization', async (request, _reply, payload) => {
      const id = request.headers[TEST_ID_HEADER];
      if (typeof id === 'string') produced.set(id, JSON.parse(JSON.stringify(payload)));
      return payload;
    });
    const baseUrl = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
    return { runtime, baseUrl };
  }

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    db = await createTestDatabase(services.databaseUrl);
    env = {
      REDIS_URL: services.redisUrl,
      DATABASE_URL: db.url,
      QUEUE_PREFIX: prefixes[0] as string,
      LOG_LEVEL: 'silent',
      API_KEYS: `${TEST_API_KEY}:*`,
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT_BYTES),
      MAX_PENDING_CHUNKS: String(MAX_PENDING_CHUNKS),
      // Webhooks to a closed port on loopback: deliveries fail and are retried once, soon.
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_DELAYS: '0.1',
    };
    api = await start(env);
    apiWithoutPostgres = await start({
      ...env,
      QUEUE_PREFIX: prefixes[1] as string,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`,
      // Three /v1 requests a minute: the fourth gets the rate limit's 429.
      RATE_LIMIT_PER_MINUTE: '3',
    });
    const document = await fetch(`${api.baseUrl}/openapi.json`);
    expect(document.status).toBe(200);
    openapi = await document.json();
  });
  afterAll(async () => {
    await worker?.close(5_000);
    await api?.runtime.close();
    await apiWithoutPostgres?.runtime.close();
    await db?.drop();
    if (services !== undefined) {
      for (const prefix of prefixes) await deleteQueueKeys(services.redisUrl, prefix);
    }
    await embedder?.close();
  });

  /** The documented route `path` is answered by. */
  function routeOf(method: string, path: string): string {
    const bare = path.split('?')[0] as string;
    const route = Object.keys(openapi.paths).find((template) =>
      new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare),
    );
    if (route === undefined || openapi.paths[route][method.toLowerCase()] === undefined) {
      throw new Error(`/openapi.json documents no ${method} ${bare}`);
    }
    return route;
  }

  /**
   * A request whose answer must (1) equal what the handler returned, and (2) match the schema
   * declared for its route and status, with nothing undeclared.
   */
  async function exchange(
    target: Api,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Exchange> {
    const id = randomUUID();
    const response = await call(target.baseUrl, method, path, body, { ...headers, [TEST_ID_HEADER]: id });
    const route = routeOf(method, path);
    const label = `${method} ${route} ${response.status}`;
    expect(produced.has(id), `${label}: the handler's answer was captured`).toBe(true);
    expect(response.body, `${label}: served as the handler returned it`).toEqual(produced.get(id));
    const declared = openapi.paths[route][method.toLowerCase()].responses[String(response.status)];
    expect(declared, `${label} is documented`).toBeDefined();
    const schema = declared.content?.['application/json']?.schema;
    expect(schema, `${label} has a schema`).toBeDefined();
    expect(violations(schema, response.body), `${label} matches its schema`).toEqual([]);
    exercised.add(label);
    return { ...response, route };
  }

  const completed = (batchId: string) =>
    waitFor(`batch ${batchId} to complete`, async () => {
      const progress = await call(api.baseUrl, 'GET', `/v1/batches/${batchId}`);
      return progress.body.pending === 0 ? progress.body : undefined;
    });

  it('documents a 2xx answer with a schema and the error answers of every /v1 and health route', () => {
    const operations = Object.entries(openapi.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Json>).map(([method, operation]) => ({
        path,
        method,
        operation,
      })),
    );
    const checked = operations.filter(
      ({ path }) => path.startsWith('/v1/') || /^\/(healthz|readyz)$/.test(path),
    );
    expect(checked.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toEqual([
      'DELETE /v1/documents/{id}',
      'DELETE /v1/webhooks/{id}',
      'GET /healthz',
      'GET /readyz',
      'GET /v1/batches/{id}',
      'GET /v1/batches/{id}/events',
      'GET /v1/documents/{id}',
      'GET /v1/webhooks',
      'GET /v1/webhooks/{id}',
      'GET /v1/webhooks/{id}/deliveries',
      'POST /v1/batches',
      'POST /v1/documents',
      'POST /v1/embeddings',
      'POST /v1/search',
      'POST /v1/webhooks',
      'POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry',
      'POST /v1/webhooks/{id}/enable',
    ]);
    for (const { path, method, operation } of checked) {
      const label = `${method.toUpperCase()} ${path}`;
      const responses = Object.entries(operation.responses as Record<string, Json>);
      for (const [status, response] of responses) {
        expect(response.description, `${label} ${status} is described`).not.toBe('Default Response');
        if (status === '204') {
          expect(response.content, `${label} 204 declares no body`).toBeUndefined();
          continue;
        }
        expect(
          response.content?.['application/json']?.schema ?? response.content?.['text/event-stream']?.schema,
          `${label} ${status} has a schema`,
        ).toBeDefined();
      }
      const success = responses.filter(([status]) => /^2\d\d$/.test(status));
      expect(success.length, `${label} documents a 2xx answer`).toBeGreaterThan(0);
      const errors = responses.filter(
        ([status, response]) =>
          /^[45]\d\d$/.test(status) && response.content['application/json'].schema.properties.error,
      );
      expect(errors.length, `${label} documents its error answers`).toBeGreaterThan(0);
      for (const [status, response] of errors) {
        // The error shape, with the codes of that status (and only those) listed.
        const schema = response.content['application/json'].schema;
        expect(schema.required).toEqual(['error']);
        expect(schema.properties.error.required).toEqual(['code', 'message']);
        expect(schema.properties.error.properties.message).toEqual({ type: 'string' });
        expect(schema.properties.error.properties.code.enum).toEqual(codesWithStatus(Number(status)));
      }
      if (path.startsWith('/v1/')) {
        const statuses = errors.map(([status]) => Number(status));
        expect(statuses, `${label}: auth, schema, rate limit and internal errors`).toEqual(
          expect.arrayContaining([400, 401, 403, 429, 500]),
        );
      }
    }
    // Nullable values are OpenAPI 3.0's `nullable: true`, never a `type` list (3.1 only).
    expect(JSON.stringify(openapi.paths)).not.toMatch(/"type":\[/);
    expect(
      openapi.paths['/readyz'].get.responses['503'].content['application/json'].schema.properties.status,
    ).toEqual({ type: 'string', enum: ['unavailable'] });
  });

  it('POST /v1/batches and GET /v1/batches/:id, /v1/documents/:id before any worker: nulls, truncation, failures', async () => {
    const metadata = {
      lab: 'b',
      year: 2024,
      ratio: 0.25,
      tags: ['x', 'y'],
      nested: { on: true, none: null },
    };
    const posted = await exchange(api, 'POST', '/v1/batches', {
      namespace: 'plain',
      documentId: 'chunks',
      chunks: [
        { text: 'A short chunk about soil cores.', metadata },
        { text: LONG_TEXT },
        { text: 'Another short chunk, about weighing them.' },
      ],
    });
    expect(posted.status).toBe(202);
    expect(posted.body).toEqual({ batchId: expect.any(String), chunkCount: 3, truncatedChunks: 1 });
    const batchId: string = posted.body.batchId;

    const split = await exchange(api, 'POST', '/v1/batches', {
      namespace: 'plain',
      documentId: 'split',
      truncation: 'split',
      chunks: [{ text: 'Short.' }, { text: LONG_TEXT }],
    });
    expect(split.status).toBe(202);
    expect(split.body).toEqual({
      batchId: expect.any(String),
      chunkCount: expect.any(Number),
      truncatedChunks: 0,
      splitChunks: 1,
    });
    expect(split.body.chunkCount).toBeGreaterThan(2);

    // A retried request: the first answer again, with Idempotent-Replayed.
    const first = await exchange(
      api,
      'POST',
      '/v1/batches',
      { namespace: 'plain', documentId: 'retried', chunks: [{ text: LONG_TEXT }] },
      { 'idempotency-key': 'retry-1' },
    );
    const again = await exchange(
      api,
      'POST',
      '/v1/batches',
      { namespace: 'plain', documentId: 'retried', chunks: [{ text: LONG_TEXT }] },
      { 'idempotency-key': 'retry-1' },
    );
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.body.truncatedChunks).toBe(1);

    const queued = await exchange(api, 'GET', `/v1/batches/${batchId}`);
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({
      batchId,
      namespace: 'plain',
      documentId: 'chunks',
      kind: 'chunks',
      status: 'queued',
      total: 3,
      embedded: 0,
      failed: 0,
      pending: 3,
      reused: 0,
      truncatedChunks: 1,
      completedAt: null,
      latencySeconds: null,
      chunksPerSec: 0,
      errors: [],
    });
    expect(queued.body.latencyHistogram.bounds).toContain(0.05);

    // A failed chunk: `errors` and the chunk's `error` are served.
    await markChunksFailed(db.pool, { batchId, from: 1, to: 2 }, 'failed by the test');
    const failing = await exchange(api, 'GET', `/v1/batches/${batchId}`);
    expect(failing.body).toMatchObject({
      status: 'processing',
      failed: 1,
      pending: 2,
      completedAt: null,
      errors: [{ reason: 'failed by the test', chunks: 1 }],
    });

    const page = await exchange(api, 'GET', '/v1/documents/chunks?namespace=plain&limit=2');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      namespace: 'plain',
      documentId: 'chunks',
      batchId,
      kind: 'chunks',
      contentType: null,
      chunkCount: 3,
      nextAfter: 1,
    });
    expect(page.body.chunks).toEqual([
      {
        index: 0,
        start: null,
        end: null,
        tokenCount: expect.any(Number),
        headingPath: null,
        status: 'pending',
        metadata,
        text: 'A short chunk about soil cores.',
        error: null,
      },
      {
        index: 1,
        start: null,
        end: null,
        tokenCount: embedder.countWordPieces(LONG_TEXT),
        headingPath: null,
        status: 'failed',
        metadata: {},
        text: LONG_TEXT,
        error: 'failed by the test',
      },
    ]);
    const last = await exchange(api, 'GET', '/v1/documents/chunks?namespace=plain&limit=2&after=1');
    expect(last.body.nextAfter).toBeNull();
    expect(last.body.chunks.map((c: Json) => c.index)).toEqual([2]);

    const splitPage = await exchange(api, 'GET', '/v1/documents/split?namespace=plain');
    const pieces = splitPage.body.chunks.slice(1);
    expect(pieces[0]).toMatchObject({ start: 0, headingPath: null });
    expect(pieces.at(-1).end).toBe(LONG_TEXT.length);
  });

  it('after embedding: progress with latencies, documents with offsets and heading paths, reuse, search, delete', async () => {
    worker = await startWorker({
      config: workerConfigFromEnv(env),
      logger: createLogger('silent', 'openapi-test'),
      embedder,
    });
    const batches = await call(api.baseUrl, 'GET', '/v1/documents/chunks?namespace=plain');
    const done = await completed(batches.body.batchId);
    expect(done.pending).toBe(0);
    const progress = await exchange(api, 'GET', `/v1/batches/${batches.body.batchId}`);
    expect(progress.body.completedAt).toMatch(/Z$/);
    expect(progress.body.latencySeconds).toEqual({
      p50: expect.any(Number),
      p95: expect.any(Number),
      p99: expect.any(Number),
    });
    expect(progress.body.embedded).toBeGreaterThan(0);
    expect(progress.body.latencyHistogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(
      progress.body.embedded,
    );

    // The batch's event stream: declared as text/event-stream; its final event is the GET answer.
    const events = await fetch(`${api.baseUrl}/v1/batches/${batches.body.batchId}/events`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const declaredStream = openapi.paths['/v1/batches/{id}/events'].get.responses['200'].content;
    expect(Object.keys(declaredStream)).toEqual(['text/event-stream']);
    const final = (await events.text()).trim().split('\n');
    expect(final[0]).toBe('event: completed');
    const finalData = JSON.parse((final[2] as string).slice('data: '.length));
    expect(finalData).toEqual(progress.body);
    const progressSchema =
      openapi.paths['/v1/batches/{id}'].get.responses['200'].content['application/json'].schema;
    expect(violations(progressSchema, finalData)).toEqual([]);
    exercised.add('GET /v1/batches/{id}/events 200');

    const document = {
      namespace: 'docs',
      documentId: 'soil',
      text: MARKDOWN,
      contentType: 'text/markdown',
      metadata: { lab: 'b', score: 1.5 },
      chunking: { maxTokens: 64 },
    };
    const posted = await exchange(api, 'POST', '/v1/documents', document);
    expect(posted.status).toBe(202);
    expect(posted.body).toEqual({ batchId: expect.any(String), chunkCount: expect.any(Number) });
    expect(posted.headers.get('location')).toBe(`/v1/batches/${posted.body.batchId}`);
    await completed(posted.body.batchId);

    const page = await exchange(api, 'GET', '/v1/documents/soil?namespace=docs&limit=1000');
    expect(page.body).toMatchObject({ kind: 'document', contentType: 'text/markdown', nextAfter: null });
    expect(page.body.chunks.length).toBe(posted.body.chunkCount);
    for (const chunk of page.body.chunks) {
      expect(MARKDOWN.slice(chunk.start, chunk.end)).toBe(chunk.text);
      expect(chunk.headingPath).toEqual(expect.any(Array));
      expect(chunk.tokenCount).toBeLessThanOrEqual(64);
      expect(chunk.metadata).toEqual({ lab: 'b', score: 1.5 });
    }
    expect(page.body.chunks.map((c: Json) => c.headingPath.join(' > '))).toContain('Soil study > Methods');

    // Re-posted unchanged: every vector is carried over, and `reused` says so.
    const reposted = await exchange(api, 'POST', '/v1/documents', document);
    const reused = await completed(reposted.body.batchId);
    expect(reused).toMatchObject({ kind: 'document', status: 'completed', reused: reposted.body.chunkCount });
    const reusedProgress = await exchange(api, 'GET', `/v1/batches/${reposted.body.batchId}`);
    expect(reusedProgress.body.reused).toBe(reposted.body.chunkCount);
    const replaced = await exchange(api, 'GET', `/v1/batches/${posted.body.batchId}`);
    expect(replaced.body.status).toBe('replaced');

    const inDocument = await exchange(api, 'POST', '/v1/search', {
      namespace: 'docs',
      query: 'How were the soil cores weighed?',
      k: 3,
    });
    expect(inDocument.status).toBe(200);
    expect(inDocument.body.results).toHaveLength(3);
    for (const hit of inDocument.body.results) {
      expect(hit).toMatchObject({
        namespace: 'docs',
        documentId: 'soil',
        metadata: { lab: 'b', score: 1.5 },
      });
      expect(MARKDOWN.slice(hit.start, hit.end)).toBe(hit.text);
      expect(hit.headingPath).toEqual(expect.any(Array));
      expect(hit.score).toBeGreaterThan(0);
    }
    const inChunks = await exchange(api, 'POST', '/v1/search', {
      namespace: 'plain',
      documentId: 'chunks',
      query: 'soil cores',
    });
    expect(inChunks.body.results[0]).toMatchObject({ start: null, end: null, headingPath: null });
    expect(inChunks.body.results.map((hit: Json) => hit.metadata)).toContainEqual({
      lab: 'b',
      year: 2024,
      ratio: 0.25,
      tags: ['x', 'y'],
      nested: { on: true, none: null },
    });

    const deleted = await exchange(api, 'DELETE', '/v1/documents/soil?namespace=docs');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({
      documentId: 'soil',
      namespace: 'docs',
      deletedChunks: reposted.body.chunkCount,
    });
    const gone = await exchange(api, 'GET', `/v1/batches/${reposted.body.batchId}`);
    expect(gone.body.status).toBe('deleted');
  });

  it('webhooks: registered with the secret once, listed, read, a delivery log, removed', async () => {
    const port = await closedPort();
    const created = await exchange(api, 'POST', '/v1/webhooks', {
      namespace: 'hooked',
      url: `http://127.0.0.1:${port}/hook`,
      events: ['document.deleted'],
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.description).toBeNull();
    const id = created.body.id as string;
    const listed = await exchange(api, 'GET', '/v1/webhooks?namespace=hooked');
    expect(listed.body.webhooks).toHaveLength(1);
    expect((await exchange(api, 'GET', `/v1/webhooks/${id}`)).body.url).toBe(`http://127.0.0.1:${port}/hook`);

    const posted = await call(api.baseUrl, 'POST', '/v1/batches', {
      namespace: 'hooked',
      documentId: 'gone',
      chunks: [{ text: 'to be deleted' }],
    });
    await completed(posted.body.batchId);
    await call(api.baseUrl, 'DELETE', '/v1/documents/gone?namespace=hooked');
    // Both attempts refused by the closed port: the delivery ends failed, with its log.
    const log = await waitFor('the delivery to be given up', async () => {
      const answer = await exchange(api, 'GET', `/v1/webhooks/${id}/deliveries`);
      return answer.body.deliveries[0]?.status === 'failed' ? answer : undefined;
    });
    expect(log.body.deliveries[0]).toMatchObject({
      eventType: 'document.deleted',
      attempts: 2,
      lastStatusCode: null,
      lastError: expect.stringMatching(/ECONNREFUSED/),
      nextAttemptAt: null,
      deliveredAt: null,
    });
    expect(log.body.deliveries[0].attemptLog).toHaveLength(2);
    expect((await exchange(api, 'GET', `/v1/webhooks/${id}`)).body.enabled).toBe(false);
    const retry = `/v1/webhooks/${id}/deliveries/${log.body.deliveries[0].id}/retry`;
    expect((await exchange(api, 'POST', retry)).body.error.code).toBe('delivery_not_retryable');
    expect((await exchange(api, 'POST', `/v1/webhooks/${id}/enable`)).body.enabled).toBe(true);
    const retried = await exchange(api, 'POST', retry);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 2 });

    // 204 has no body: the document declares none.
    const declared = openapi.paths['/v1/webhooks/{id}'].delete.responses['204'];
    expect(declared.content).toBeUndefined();
    const removed = await call(api.baseUrl, 'DELETE', `/v1/webhooks/${id}`);
    expect([removed.status, removed.body]).toEqual([204, undefined]);
    exercised.add('DELETE /v1/webhooks/{id} 204');
  });

  it('model versions (admin): identities, a re-embedding started, followed, paused, resumed, cancelled; a prune', async () => {
    const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
    const posted = await call(api.baseUrl, 'POST', '/v1/batches', {
      namespace: 'versions',
      documentId: 'd',
      chunks: [{ text: 'Diatoms fix a fifth of the planet’s carbon.' }],
    });
    await completed(posted.body.batchId);
    const models = await exchange(api, 'GET', '/admin/models', undefined, admin);
    expect(models.body.identities.length).toBeGreaterThan(0);
    const started = await exchange(
      api,
      'POST',
      '/admin/reembeddings',
      { to: 'fp32', namespaces: ['versions'] },
      admin,
    );
    expect(started.status).toBe(202);
    expect(started.body.reembeddings[0]).toMatchObject({
      namespace: 'versions',
      state: 'running',
      keepSeconds: null,
    });
    expect(
      (await exchange(api, 'POST', '/admin/reembeddings/versions/pause', undefined, admin)).body.reembedding
        .state,
    ).toBe('paused');
    expect(
      (await exchange(api, 'GET', '/admin/reembeddings?namespace=versions', undefined, admin)).body
        .reembeddings,
    ).toHaveLength(1);
    expect(
      (await exchange(api, 'POST', '/admin/reembeddings/versions/resume', undefined, admin)).body.reembedding
        .state,
    ).toBe('running');
    expect(
      (await exchange(api, 'POST', '/admin/reembeddings/versions/cancel', undefined, admin)).body.reembedding
        .state,
    ).toBe('cancelled');
    const pruned = await exchange(api, 'POST', '/admin/models/fp32/prune', { namespace: 'versions' }, admin);
    expect(pruned.body).toMatchObject({ namespaces: expect.any(Array), deleted: expect.any(Number) });
  });

  it('POST /v1/embeddings: floats and base64, with truncated_inputs', async () => {
    const inputs = ['a short query', LONG_TEXT];
    const floats = await exchange(api, 'POST', '/v1/embeddings', {
      model: 'all-MiniLM-L6-v2',
      input: inputs,
    });
    expect(floats.status).toBe(200);
    expect(floats.body).toMatchObject({
      object: 'list',
      model: 'all-MiniLM-L6-v2',
      usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) },
      truncated_inputs: [1],
    });
    expect(floats.body.data.map((d: Json) => [d.object, d.index, d.embedding.length])).toEqual([
      ['embedding', 0, 384],
      ['embedding', 1, 384],
    ]);
    expect(floats.body.data[0].embedding.some((x: number) => !Number.isInteger(x))).toBe(true);

    const base64 = await exchange(api, 'POST', '/v1/embeddings', {
      model: 'all-MiniLM-L6-v2',
      input: inputs,
      encoding_format: 'base64',
    });
    expect(base64.status).toBe(200);
    expect(base64.body.truncated_inputs).toEqual([1]);
    base64.body.data.forEach((d: Json, i: number) => {
      expect(typeof d.embedding).toBe('string');
      const vector = new Float32Array(new Uint8Array(Buffer.from(d.embedding, 'base64')).buffer);
      expect(Array.from(vector)).toEqual(floats.body.data[i].embedding);
    });

    const one = await exchange(api, 'POST', '/v1/embeddings', { model: 'all-MiniLM-L6-v2', input: 'one' });
    expect(one.body.truncated_inputs).toEqual([]);
  });

  it('GET /healthz and /readyz: ready, and 503 with Postgres away', async () => {
    const live = await exchange(api, 'GET', '/healthz', undefined, { authorization: '' });
    expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
    const ready = await exchange(api, 'GET', '/readyz', undefined, { authorization: '' });
    expect([ready.status, ready.body]).toEqual([
      200,
      { status: 'ready', checks: { redis: 'ok', postgres: 'ok', model: 'ok' } },
    ]);
    const notReady = await exchange(apiWithoutPostgres, 'GET', '/readyz', undefined, { authorization: '' });
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBe('5');
    expect(notReady.body).toEqual({
      status: 'unavailable',
      checks: { redis: 'ok', postgres: expect.stringMatching(/^down: /), model: 'ok' },
    });
  });

  it('error answers: the declared shape, with a code the document lists for their status', async () => {
    const errors: [Api, string, string, unknown?, Record<string, string>?][] = [
      [api, 'POST', '/v1/batches', { documentId: 'd', chunks: [{ text: 'x' }], extra: 1 }],
      [api, 'POST', '/v1/batches', 'not json', { 'content-type': 'text/plain' }],
      [api, 'POST', '/v1/batches', { documentId: 'd', truncation: 'error', chunks: [{ text: LONG_TEXT }] }],
      [
        api,
        'POST',
        '/v1/batches',
        { documentId: 'd', chunks: Array.from({ length: MAX_PENDING_CHUNKS + 1 }, () => ({ text: 'x' })) },
      ],
      [
        api,
        'POST',
        '/v1/batches',
        { documentId: 'd', chunks: [{ text: 'x' }] },
        { authorization: `Bearer ${TEST_ADMIN_KEY}` },
      ],
      [api, 'GET', `/v1/batches/${randomUUID()}`],
      [api, 'GET', '/v1/batches/not-a-uuid', undefined, { authorization: '' }],
      [api, 'POST', '/v1/documents', { documentId: 'big', text: 'x'.repeat(MAX_DOCUMENT_BYTES + 1) }],
      [api, 'POST', '/v1/documents', { documentId: 'd', text: '\u200b' }],
      [api, 'GET', '/v1/documents/soil?namespace=docs'],
      [api, 'GET', '/v1/documents/soil?limit=many'],
      [api, 'DELETE', '/v1/documents/soil?namespace=docs'],
      [api, 'DELETE', '/v1/documents/soil', 'a body', { 'content-type': 'text/plain' }],
      [api, 'POST', '/v1/search', { query: 'q'.repeat(8_001) }],
      [api, 'POST', '/v1/search', { query: 'q' }, { authorization: 'Bearer not-a-key' }],
      [api, 'POST', '/v1/embeddings', { model: 'gpt', input: 'x' }],
      [api, 'POST', '/v1/embeddings', { model: 'all-MiniLM-L6-v2', input: [] }],
      [api, 'POST', '/v1/webhooks', { url: 'gopher://example.com/', events: ['batch.completed'] }],
      [api, 'GET', `/v1/webhooks/${randomUUID()}`],
      [apiWithoutPostgres, 'POST', '/v1/batches', { documentId: 'd', chunks: [{ text: 'x' }] }],
      [apiWithoutPostgres, 'GET', `/v1/batches/${randomUUID()}`],
      [apiWithoutPostgres, 'POST', '/v1/search', { query: 'q' }],
      [apiWithoutPostgres, 'POST', '/v1/embeddings', { model: 'all-MiniLM-L6-v2', input: 'x' }],
    ];
    const answered: string[] = [];
    for (const [target, method, path, body, headers] of errors) {
      const answer = await exchange(target, method, path, body, headers);
      expect(answer.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(Object.keys(answer.body.error)).toEqual(['code', 'message']);
      expect(answer.body.error.message).not.toBe('');
      if (answer.status === 429 || answer.status === 503) {
        expect(Number(answer.headers.get('retry-after')), 'the documented Retry-After').toBeGreaterThan(0);
      }
      if (answer.status === 401) expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      answered.push(`${method} ${answer.route} ${answer.status} ${answer.body.error.code}`);
    }
    expect(answered).toEqual([
      'POST /v1/batches 400 validation_failed',
      'POST /v1/batches 415 unsupported_media_type',
      'POST /v1/batches 422 text_too_long',
      'POST /v1/batches 429 too_many_requests',
      'POST /v1/batches 403 forbidden',
      'GET /v1/batches/{id} 404 not_found',
      'GET /v1/batches/{id} 401 unauthorized',
      'POST /v1/documents 413 document_too_large',
      'POST /v1/documents 422 no_chunks',
      'GET /v1/documents/{id} 404 not_found',
      'GET /v1/documents/{id} 400 validation_failed',
      'DELETE /v1/documents/{id} 404 not_found',
      'DELETE /v1/documents/{id} 415 unsupported_media_type',
      'POST /v1/search 422 text_too_long',
      'POST /v1/search 401 unauthorized',
      'POST /v1/embeddings 404 model_not_found',
      'POST /v1/embeddings 400 empty_text',
      'POST /v1/webhooks 400 invalid_webhook_url',
      'GET /v1/webhooks/{id} 404 not_found',
      'POST /v1/batches 503 service_unavailable',
      'GET /v1/batches/{id} 503 service_unavailable',
      'POST /v1/search 503 service_unavailable',
      'POST /v1/embeddings 429 too_many_requests',
    ]);
  });

  it('every documented success answer was served and checked above', () => {
    const documented = Object.entries(openapi.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Json>).flatMap(([method, operation]) =>
        Object.entries(operation.responses as Record<string, Json>)
          .filter(
            ([status, response]) =>
              /^2/.test(status) || !response.content['application/json']?.schema.properties.error,
          )
          .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
      ),
    );
    expect(documented.filter((answer) => !exercised.has(answer))).toEqual([]);
  });
});
