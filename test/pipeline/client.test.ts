import {
  BATCH_ACCEPTED_FIELDS,
  BATCH_FAILURE_REASON_FIELDS,
  BATCH_KINDS,
  BATCH_PROGRESS_FIELDS,
  BATCH_STATUSES,
  type BatchProgress,
  CHUNK_INPUT_FIELDS,
  CHUNK_STATUSES,
  CHUNKING_OPTIONS_FIELDS,
  CONTENT_TYPES,
  CREATE_WEBHOOK_REQUEST_FIELDS,
  DOCUMENT_ACCEPTED_FIELDS,
  DOCUMENT_CHUNK_FIELDS,
  DOCUMENT_DELETE_QUERY_FIELDS,
  DOCUMENT_DELETED_FIELDS,
  DOCUMENT_PAGE_FIELDS,
  DOCUMENT_PAGE_QUERY_FIELDS,
  EMBEDDING_FIELDS,
  EMBEDDINGS_REQUEST_FIELDS,
  EMBEDDINGS_RESPONSE_FIELDS,
  EMBEDDINGS_USAGE_FIELDS,
  EmbedqClient,
  EmbedqError,
  ENCODING_FORMATS,
  type Fetch,
  LATENCY_HISTOGRAM_FIELDS,
  LATENCY_PERCENTILES_FIELDS,
  LIST_DELIVERIES_QUERY_FIELDS,
  LIST_WEBHOOKS_QUERY_FIELDS,
  SEARCH_FUSION_FIELDS,
  SEARCH_HIT_FIELDS,
  SEARCH_MODES,
  SEARCH_REQUEST_FIELDS,
  SEARCH_RESPONSE_FIELDS,
  SERVER_ERROR_CODES,
  type SearchFilter,
  type SearchHit,
  SUBMIT_BATCH_REQUEST_FIELDS,
  SUBMIT_DOCUMENT_REQUEST_FIELDS,
  TRUNCATIONS,
  WEBHOOK_CREATED_FIELDS,
  WEBHOOK_DELIVERY_ATTEMPT_FIELDS,
  WEBHOOK_DELIVERY_FIELDS,
  WEBHOOK_DELIVERY_LIST_FIELDS,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FIELDS,
  WEBHOOK_LIST_FIELDS,
} from '@embedq/client';
import { generateSeedChunks } from '@embedq/workload';
import { describe, expect, it } from 'vitest';
import { TEST_API_KEY } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';

// The published client against the real pipeline (API, worker, Redis, Postgres), and its
// hand-written types against the /openapi.json the API serves, so the two cannot drift apart.

const services = await servicesOrSkip('client');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MODEL = 'all-MiniLM-L6-v2';

const PAPERS = [
  'Mean pooling averages the token embeddings under the attention mask.',
  'Photosynthesis converts light energy into chemical energy in chloroplasts.',
  'The Higgs boson was observed at the Large Hadron Collider in 2012.',
  'Graphene is a single layer of carbon atoms in a hexagonal lattice.',
  'CRISPR-Cas9 cuts DNA at a site chosen by a guide RNA.',
];

const REPORT = [
  '# Soil survey',
  'Samples were taken from twelve plots across the valley in spring.',
  '## Methods',
  'Each sample was dried, sieved and weighed before carbon was measured by combustion.',
  '## Results',
  'Organic carbon was highest under the old meadow and lowest on the ploughed terraces.',
].join('\n\n');

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document, walked by hand
type Json = any;

/** A field list as the OpenAPI schema of an object declares it: required, and the other properties. */
function declaredFields(schema: Json): { required: string[]; optional: string[] } {
  expect(schema?.type, 'an object schema').toBe('object');
  const required: string[] = [...(schema.required ?? [])].sort();
  const optional = Object.keys(schema.properties ?? {})
    .filter((name) => !required.includes(name))
    .sort();
  return { required, optional };
}

function listedFields(list: { readonly required: readonly string[]; readonly optional: readonly string[] }) {
  return { required: [...list.required].sort(), optional: [...list.optional].sort() };
}

describe.skipIf(services === undefined)('@embedq/client against the pipeline', () => {
  const fixture = usePipeline(services);
  const client = (options: { apiKey?: string; fetch?: Fetch; eventStreams?: boolean } = {}) =>
    new EmbedqClient({
      baseUrl: fixture.pipeline.baseUrl,
      apiKey: options.apiKey ?? TEST_API_KEY,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.eventStreams === undefined ? {} : { eventStreams: options.eventStreams }),
    });

  it("waits on the batch's event stream, and polls only when told to", async () => {
    for (const eventStreams of [true, false]) {
      const requests: string[] = [];
      const watched = client({
        eventStreams,
        fetch: (url, init) => {
          requests.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
          return globalThis.fetch(url, init);
        },
      });
      const accepted = await watched.submitBatch({
        namespace: 'client-events',
        documentId: `events-${eventStreams}`,
        chunks: PAPERS.map((text) => ({ text: `${text} (${eventStreams})` })),
      });
      const final = await watched.waitForBatch(accepted.batchId, { timeoutMs: 60_000 });
      expect(final).toMatchObject({ status: 'completed', embedded: PAPERS.length });
      const path = `/v1/batches/${accepted.batchId}`;
      if (eventStreams) {
        expect(requests).toEqual(['POST /v1/batches', `GET ${path}/events`]);
      } else {
        expect(requests.slice(0, 2)).toEqual(['POST /v1/batches', `GET ${path}`]);
        expect(requests).not.toContain(`GET ${path}/events`);
      }
    }
  });

  it('submits a batch and waits for it, telling onProgress each answer, to completed', async () => {
    const embedq = client();
    const accepted = await embedq.submitBatch({
      namespace: 'client-papers',
      documentId: 'papers-1',
      chunks: PAPERS.map((text, i) => ({ text, metadata: { page: i + 1 } })),
    });
    expect(accepted).toEqual({ batchId: expect.stringMatching(UUID), chunkCount: 5, truncatedChunks: 0 });

    const seen: BatchProgress[] = [];
    const final = await embedq.waitForBatch(accepted.batchId, {
      timeoutMs: 60_000,
      onProgress: (progress) => seen.push(progress),
    });
    expect(final).toMatchObject({
      batchId: accepted.batchId,
      namespace: 'client-papers',
      documentId: 'papers-1',
      kind: 'chunks',
      status: 'completed',
      total: 5,
      embedded: 5,
      failed: 0,
      pending: 0,
      completedAt: expect.any(String),
    });
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.at(-1)).toEqual(final);
    for (const progress of seen.slice(0, -1)) {
      expect(['queued', 'processing']).toContain(progress.status);
    }
    await expect(embedq.getBatch(accepted.batchId)).resolves.toMatchObject({ status: 'completed' });

    const { results } = await embedq.search({
      query: 'Which particle was discovered at the LHC?',
      namespace: 'client-papers',
      k: 1,
    });
    expect(results).toEqual([
      expect.objectContaining({ documentId: 'papers-1', chunkIndex: 2, metadata: { page: 3 } }),
    ]);
  });

  it('submits a markdown document, pages through its chunks, and deletes it', async () => {
    const embedq = client();
    // A slash and a space: the id travels as one encoded path segment.
    const documentId = 'reports/2024 soil survey';
    const accepted = await embedq.submitDocument({
      namespace: 'client-reports',
      documentId,
      text: REPORT,
      contentType: 'text/markdown',
      metadata: { team: 'soil' },
      chunking: { maxTokens: 32, overlapTokens: 0 },
    });
    expect(accepted).toEqual({ batchId: expect.stringMatching(UUID), chunkCount: expect.any(Number) });
    expect(accepted.chunkCount).toBeGreaterThanOrEqual(3);
    await expect(embedq.waitForBatch(accepted.batchId, { timeoutMs: 60_000 })).resolves.toMatchObject({
      kind: 'document',
      status: 'completed',
      embedded: accepted.chunkCount,
    });

    const first = await embedq.getDocument(documentId, { namespace: 'client-reports', limit: 2 });
    expect(first).toMatchObject({
      namespace: 'client-reports',
      documentId,
      batchId: accepted.batchId,
      kind: 'document',
      contentType: 'text/markdown',
      chunkCount: accepted.chunkCount,
      nextAfter: 1,
    });
    expect(first.chunks.map((chunk) => chunk.index)).toEqual([0, 1]);
    const pages = [first];
    let last = first;
    while (last.nextAfter !== null) {
      last = await embedq.getDocument(documentId, {
        namespace: 'client-reports',
        limit: 2,
        after: last.nextAfter,
      });
      pages.push(last);
    }
    const chunks = pages.flatMap((page) => page.chunks);
    expect(chunks.map((chunk) => chunk.index)).toEqual([...Array(accepted.chunkCount).keys()]);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ status: 'embedded', metadata: { team: 'soil' }, error: null });
      expect(REPORT.slice(chunk.start ?? -1, chunk.end ?? -1)).toBe(chunk.text);
    }
    expect(chunks.some((chunk) => chunk.headingPath?.includes('Methods'))).toBe(true);

    await expect(embedq.deleteDocument(documentId, { namespace: 'client-reports' })).resolves.toEqual({
      documentId,
      namespace: 'client-reports',
      deletedChunks: accepted.chunkCount,
    });
    const gone = await embedq.getDocument(documentId, { namespace: 'client-reports' }).catch((e) => e);
    expect(gone).toBeInstanceOf(EmbedqError);
    expect(gone).toMatchObject({ status: 404, code: 'not_found' });
    await expect(embedq.deleteDocument(documentId, { namespace: 'client-reports' })).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
    await expect(embedq.getBatch(accepted.batchId)).resolves.toMatchObject({ status: 'deleted' });
  });

  it('searches with a filter and pages by cursor through every match, each once', async () => {
    const embedq = client();
    const texts = generateSeedChunks(12, 7);
    const accepted = await embedq.submitBatch({
      namespace: 'client-search',
      documentId: 'seed-12',
      chunks: texts.map((text, i) => ({
        text,
        metadata: { lab: i % 3 === 0 ? 'a' : 'b', year: 2020 + (i % 4) },
      })),
    });
    await embedq.waitForBatch(accepted.batchId, { timeoutMs: 60_000 });
    const labA = [0, 3, 6, 9];

    const search = { query: texts[4] as string, namespace: 'client-search', k: 3, filter: { lab: 'a' } };
    const hits: SearchHit[] = [];
    let page = await embedq.search(search);
    const pageSizes = [page.results.length];
    hits.push(...page.results);
    while (page.nextCursor !== null) {
      page = await embedq.search({ ...search, cursor: page.nextCursor });
      pageSizes.push(page.results.length);
      hits.push(...page.results);
    }
    expect(pageSizes).toEqual([3, 1]);
    expect(hits.map((hit) => hit.chunkIndex).sort((a, b) => a - b)).toEqual(labA);
    expect(hits.every((hit) => hit.metadata.lab === 'a' && hit.namespace === 'client-search')).toBe(true);

    const ranged = await embedq.search({
      query: texts[4] as string,
      namespace: 'client-search',
      k: 12,
      filter: { $or: [{ year: { $gte: 2023 } }, { chunkIndex: { $in: [0, 1] } }] },
    });
    expect(ranged.results.map((hit) => hit.chunkIndex).sort((a, b) => a - b)).toEqual([0, 1, 3, 7, 11]);
    expect(ranged.nextCursor).toBeNull();
  });

  it('embeds as floats and as base64, the same vector', async () => {
    const embedq = client();
    const floats = await embedq.embed({ input: ['soil carbon', 'the Higgs boson'], model: MODEL });
    expect(floats).toMatchObject({ object: 'list', model: MODEL, truncated_inputs: [] });
    expect(floats.data.map((item) => [item.object, item.index, item.embedding.length])).toEqual([
      ['embedding', 0, 384],
      ['embedding', 1, 384],
    ]);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);

    // The same inputs again (vectors depend a little on their batch-mates), now as base64.
    const base64 = await embedq.embed({
      input: ['soil carbon', 'the Higgs boson'],
      model: MODEL,
      encoding_format: 'base64',
    });
    base64.data.forEach((item, i) => {
      const bytes = Buffer.from(item.embedding, 'base64');
      const decoded = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      expect(decoded).toHaveLength(384);
      const float = floats.data[i]?.embedding ?? [];
      expect(float.reduce((dot, x, j) => dot + x * (decoded[j] ?? 0), 0)).toBeGreaterThan(0.9999);
    });
  });

  it("rejects with EmbedqError carrying the server's status, code and message", async () => {
    const embedq = client();
    // Outside the client's filter type on purpose, as an untyped caller could send it.
    const badFilter = JSON.parse('{"year":{"$regex":"^20"}}') as SearchFilter;
    const invalidFilter = await embedq.search({ query: 'soil', filter: badFilter }).catch((e) => e);
    expect(invalidFilter).toBeInstanceOf(EmbedqError);
    expect(invalidFilter).toMatchObject({
      name: 'EmbedqError',
      status: 400,
      code: 'invalid_filter',
      message: expect.stringContaining('$regex'),
    });

    await expect(embedq.search({ query: 'soil', cursor: 'not-a-cursor' })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_cursor',
    });
    await expect(embedq.getBatch('0b8c6a52-3f1e-4c3a-9d4e-2f6b1a7c8d90')).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
    await expect(embedq.embed({ input: 'x', model: 'text-embedding-3-small' })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
      message: expect.stringContaining(MODEL),
    });
    await expect(client({ apiKey: 'not-a-key' }).search({ query: 'soil' })).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
  });

  it('answers a submit sent again with the same Idempotency-Key with the same batch, and refuses another body', async () => {
    const embedq = client();
    const body = {
      namespace: 'client-idempotency',
      documentId: 'same-key',
      chunks: [{ text: PAPERS[0] as string }],
    };
    const first = await embedq.submitBatch(body, { idempotencyKey: 'client-test-key-1' });
    const again = await embedq.submitBatch(body, { idempotencyKey: 'client-test-key-1' });
    expect(again).toEqual(first);
    await expect(
      embedq.submitBatch(
        { ...body, chunks: [{ text: PAPERS[1] as string }] },
        { idempotencyKey: 'client-test-key-1' },
      ),
    ).rejects.toMatchObject({ status: 422, code: 'idempotency_conflict' });
    await embedq.waitForBatch(first.batchId, { timeoutMs: 60_000 });
    expect(await batchesOf('client-idempotency', 'same-key')).toBe(1);
  });

  it('retries a submit whose answer was lost with the key it generated, and the server enqueues it once', async () => {
    // The first answer is lost on its way back (the server did the work): the client sees a
    // network failure and sends the request again.
    const attempts: { key: string | null; replayed: string | null }[] = [];
    const losingFirstAnswer: Fetch = async (url, init) => {
      const response = await fetch(url, init);
      attempts.push({
        key: new Headers(init.headers).get('idempotency-key'),
        replayed: response.headers.get('idempotent-replayed'),
      });
      if (attempts.length === 1) {
        await response.body?.cancel();
        throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
      }
      return response;
    };
    const embedq = client({ fetch: losingFirstAnswer });
    const accepted = await embedq.submitDocument({
      namespace: 'client-idempotency',
      documentId: 'lost-answer',
      text: PAPERS.join('\n\n'),
    });
    expect(attempts).toEqual([
      { key: expect.stringMatching(UUID), replayed: null },
      { key: attempts[0]?.key, replayed: 'true' },
    ]);
    await expect(client().waitForBatch(accepted.batchId, { timeoutMs: 60_000 })).resolves.toMatchObject({
      status: 'completed',
      total: accepted.chunkCount,
    });
    expect(await batchesOf('client-idempotency', 'lost-answer')).toBe(1);
  });

  async function batchesOf(namespace: string, documentId: string): Promise<number> {
    const { rows } = await fixture.pipeline.db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM batches WHERE namespace = $1 AND document_id = $2',
      [namespace, documentId],
    );
    return rows[0]?.n ?? 0;
  }

  it("declares exactly the fields, values and error codes of the server's /openapi.json", async () => {
    const response = await fetch(`${fixture.pipeline.baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const openapi: Json = await response.json();
    const operation = (path: string, method: string) => {
      const found = openapi.paths[path]?.[method];
      expect(found, `${method.toUpperCase()} ${path} is documented`).toBeDefined();
      return found;
    };
    const body = (path: string) => operation(path, 'post').requestBody.content['application/json'].schema;
    const answer = (path: string, method: string, status: number) =>
      operation(path, method).responses[String(status)].content['application/json'].schema;
    const query = (path: string, method: string) => {
      const parameters: Json[] = operation(path, method).parameters ?? [];
      const inQuery = parameters.filter((p) => p.in === 'query');
      return {
        type: 'object',
        required: inQuery.filter((p) => p.required === true).map((p) => p.name),
        properties: Object.fromEntries(inQuery.map((p) => [p.name, p.schema])),
      };
    };

    const batchBody = body('/v1/batches');
    const documentBody = body('/v1/documents');
    const searchBody = body('/v1/search');
    const embeddingsBody = body('/v1/embeddings');
    const progress = answer('/v1/batches/{id}', 'get', 200);
    const page = answer('/v1/documents/{id}', 'get', 200);
    const searchAnswer = answer('/v1/search', 'post', 200);
    const embeddings = answer('/v1/embeddings', 'post', 200);
    const webhookBody = body('/v1/webhooks');
    const webhookList = answer('/v1/webhooks', 'get', 200);
    const deliveryList = answer('/v1/webhooks/{id}/deliveries', 'get', 200);
    const delivery = deliveryList.properties.deliveries.items;
    const deliveriesQuery = query('/v1/webhooks/{id}/deliveries', 'get');

    const contracts = {
      SUBMIT_BATCH_REQUEST_FIELDS: [SUBMIT_BATCH_REQUEST_FIELDS, batchBody],
      CHUNK_INPUT_FIELDS: [CHUNK_INPUT_FIELDS, batchBody.properties.chunks.items],
      BATCH_ACCEPTED_FIELDS: [BATCH_ACCEPTED_FIELDS, answer('/v1/batches', 'post', 202)],
      BATCH_PROGRESS_FIELDS: [BATCH_PROGRESS_FIELDS, progress],
      LATENCY_PERCENTILES_FIELDS: [LATENCY_PERCENTILES_FIELDS, progress.properties.latencySeconds],
      LATENCY_HISTOGRAM_FIELDS: [LATENCY_HISTOGRAM_FIELDS, progress.properties.latencyHistogram],
      BATCH_FAILURE_REASON_FIELDS: [BATCH_FAILURE_REASON_FIELDS, progress.properties.errors.items],
      SUBMIT_DOCUMENT_REQUEST_FIELDS: [SUBMIT_DOCUMENT_REQUEST_FIELDS, documentBody],
      CHUNKING_OPTIONS_FIELDS: [CHUNKING_OPTIONS_FIELDS, documentBody.properties.chunking],
      DOCUMENT_ACCEPTED_FIELDS: [DOCUMENT_ACCEPTED_FIELDS, answer('/v1/documents', 'post', 202)],
      DOCUMENT_PAGE_QUERY_FIELDS: [DOCUMENT_PAGE_QUERY_FIELDS, query('/v1/documents/{id}', 'get')],
      DOCUMENT_PAGE_FIELDS: [DOCUMENT_PAGE_FIELDS, page],
      DOCUMENT_CHUNK_FIELDS: [DOCUMENT_CHUNK_FIELDS, page.properties.chunks.items],
      DOCUMENT_DELETE_QUERY_FIELDS: [DOCUMENT_DELETE_QUERY_FIELDS, query('/v1/documents/{id}', 'delete')],
      DOCUMENT_DELETED_FIELDS: [DOCUMENT_DELETED_FIELDS, answer('/v1/documents/{id}', 'delete', 200)],
      SEARCH_REQUEST_FIELDS: [SEARCH_REQUEST_FIELDS, searchBody],
      SEARCH_FUSION_FIELDS: [SEARCH_FUSION_FIELDS, searchBody.properties.fusion],
      SEARCH_RESPONSE_FIELDS: [SEARCH_RESPONSE_FIELDS, searchAnswer],
      SEARCH_HIT_FIELDS: [SEARCH_HIT_FIELDS, searchAnswer.properties.results.items],
      EMBEDDINGS_REQUEST_FIELDS: [EMBEDDINGS_REQUEST_FIELDS, embeddingsBody],
      EMBEDDINGS_RESPONSE_FIELDS: [EMBEDDINGS_RESPONSE_FIELDS, embeddings],
      EMBEDDING_FIELDS: [EMBEDDING_FIELDS, embeddings.properties.data.items],
      EMBEDDINGS_USAGE_FIELDS: [EMBEDDINGS_USAGE_FIELDS, embeddings.properties.usage],
      CREATE_WEBHOOK_REQUEST_FIELDS: [CREATE_WEBHOOK_REQUEST_FIELDS, webhookBody],
      WEBHOOK_CREATED_FIELDS: [WEBHOOK_CREATED_FIELDS, answer('/v1/webhooks', 'post', 201)],
      WEBHOOK_FIELDS: [WEBHOOK_FIELDS, answer('/v1/webhooks/{id}', 'get', 200)],
      LIST_WEBHOOKS_QUERY_FIELDS: [LIST_WEBHOOKS_QUERY_FIELDS, query('/v1/webhooks', 'get')],
      WEBHOOK_LIST_FIELDS: [WEBHOOK_LIST_FIELDS, webhookList],
      'WEBHOOK_FIELDS (listed)': [WEBHOOK_FIELDS, webhookList.properties.webhooks.items],
      LIST_DELIVERIES_QUERY_FIELDS: [LIST_DELIVERIES_QUERY_FIELDS, deliveriesQuery],
      WEBHOOK_DELIVERY_LIST_FIELDS: [WEBHOOK_DELIVERY_LIST_FIELDS, deliveryList],
      WEBHOOK_DELIVERY_FIELDS: [WEBHOOK_DELIVERY_FIELDS, delivery],
      WEBHOOK_DELIVERY_ATTEMPT_FIELDS: [
        WEBHOOK_DELIVERY_ATTEMPT_FIELDS,
        delivery.properties.attemptLog.items,
      ],
      // The events' bodies are a free-form `payload` here: client-webhooks.test.ts holds
      // WEBHOOK_EVENT_FIELDS and the data lists to bodies actually delivered.
    } as const;
    for (const [name, [list, schema]] of Object.entries(contracts)) {
      expect(listedFields(list), name).toEqual(declaredFields(schema));
    }

    const values = {
      BATCH_STATUSES: [BATCH_STATUSES, progress.properties.status.enum],
      BATCH_KINDS: [BATCH_KINDS, progress.properties.kind.enum],
      CHUNK_STATUSES: [CHUNK_STATUSES, page.properties.chunks.items.properties.status.enum],
      CONTENT_TYPES: [CONTENT_TYPES, documentBody.properties.contentType.enum],
      TRUNCATIONS: [TRUNCATIONS, batchBody.properties.truncation.enum],
      SEARCH_MODES: [SEARCH_MODES, searchBody.properties.mode.enum],
      ENCODING_FORMATS: [ENCODING_FORMATS, embeddingsBody.properties.encoding_format.enum],
      WEBHOOK_EVENT_TYPES: [WEBHOOK_EVENT_TYPES, webhookBody.properties.events.items.enum],
      'WEBHOOK_EVENT_TYPES (delivered)': [WEBHOOK_EVENT_TYPES, delivery.properties.eventType.enum],
      WEBHOOK_DELIVERY_STATUSES: [WEBHOOK_DELIVERY_STATUSES, delivery.properties.status.enum],
      'WEBHOOK_DELIVERY_STATUSES (query)': [
        WEBHOOK_DELIVERY_STATUSES,
        deliveriesQuery.properties.status.enum,
      ],
    } as const;
    for (const [name, [listed, declared]] of Object.entries(values)) {
      expect([...listed].sort(), name).toEqual([...declared].sort());
    }
    // deleteWebhook resolves with nothing: the 204 has no body.
    expect(operation('/v1/webhooks/{id}', 'delete').responses['204'].content).toBeUndefined();

    // Every code any error answer of any route declares.
    const declaredCodes = new Set<string>();
    for (const item of Object.values(openapi.paths as Record<string, Json>)) {
      for (const op of Object.values(item as Record<string, Json>)) {
        for (const [status, declared] of Object.entries(op.responses as Record<string, Json>)) {
          if (Number(status) < 400) continue;
          const codes: string[] =
            declared.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum ?? [];
          for (const code of codes) declaredCodes.add(code);
        }
      }
    }
    expect([...SERVER_ERROR_CODES].sort()).toEqual([...declaredCodes].sort());
  });
});
