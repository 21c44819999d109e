import { graphIdentity } from '@embedq/embedder';
import { describe, expect, it } from 'vitest';
import { call } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';

const services = await servicesOrSkip('pipeline end to end');

const TEXTS = [
  'Mean pooling averages the token embeddings under the attention mask.',
  'Photosynthesis converts light energy into chemical energy in chloroplasts.',
  'The Higgs boson was observed at the Large Hadron Collider in 2012.',
  'Graphene is a single layer of carbon atoms in a hexagonal lattice.',
  'CRISPR-Cas9 cuts DNA at a site chosen by a guide RNA.',
];

const int8Sha256 = (await graphIdentity('int8')).graphSha256;

function cosine(a: readonly number[], b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < b.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

describe.skipIf(services === undefined)('a batch through REST -> queue -> worker -> pgvector', () => {
  const fixture = usePipeline(services);
  const completed = (batchId: string) => fixture.settled(batchId);

  it('ends as exactly one vector per chunk, equal to embedding the text, and is found by search', async () => {
    const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      namespace: 'science',
      documentId: 'doc-1',
      chunks: TEXTS.map((text, i) => ({ text, metadata: { page: i + 1 } })),
    });
    expect(posted.status).toBe(202);
    expect(posted.body).toEqual({
      batchId: expect.any(String),
      chunkCount: TEXTS.length,
      truncatedChunks: 0,
    });
    expect(posted.headers.get('location')).toBe(`/v1/batches/${posted.body.batchId}`);

    const progress = await completed(posted.body.batchId);
    expect(progress).toMatchObject({
      status: 'completed',
      total: 5,
      embedded: 5,
      failed: 0,
      reused: 0,
      truncatedChunks: 0,
      kind: 'chunks',
      namespace: 'science',
      documentId: 'doc-1',
    });
    expect(Date.parse(progress.completedAt)).toBeGreaterThanOrEqual(Date.parse(progress.enqueuedAt));
    expect(progress.latencyHistogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(5);

    const rows = await fixture.pipeline.db.pool.query<{
      chunk_index: number;
      embedding: string;
      model: string;
      precision: string;
      graph_sha256: string;
    }>(
      `SELECT c.chunk_index, c.embedding::text, m.model, m.precision, m.graph_sha256
         FROM chunk_states c JOIN model_identities m ON m.id = c.identity_id
        WHERE c.namespace = 'science' AND c.document_id = 'doc-1' ORDER BY c.chunk_index`,
    );
    expect(rows.rows.map((r) => r.chunk_index)).toEqual([0, 1, 2, 3, 4]);
    const expected = await fixture.embedder.embed(TEXTS);
    rows.rows.forEach((row, i) => {
      // Every vector names the graph that made it: the locked int8 graph's sha256.
      expect(row).toMatchObject({ model: 'all-MiniLM-L6-v2', precision: 'int8', graph_sha256: int8Sha256 });
      const stored = JSON.parse(row.embedding) as number[];
      expect(stored).toHaveLength(384);
      // INT8 activations are quantized per batch, so batch-mates move a vector slightly.
      expect(cosine(stored, expected[i]!)).toBeGreaterThan(0.99);
    });

    const search = await call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
      query: 'Which particle was discovered at the LHC?',
      namespace: 'science',
      k: 3,
    });
    expect(search.status).toBe(200);
    expect(search.body.results).toHaveLength(3);
    expect(search.body.results[0]).toMatchObject({
      documentId: 'doc-1',
      chunkIndex: 2,
      text: TEXTS[2],
      metadata: { page: 3 },
      namespace: 'science',
      start: null,
      end: null,
      headingPath: null,
    });
    const scores = search.body.results.map((r: { score: number }) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    const elsewhere = await call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
      query: 'Higgs boson',
      namespace: 'other',
    });
    expect(elsewhere.body.results).toEqual([]);

    const filtered = await call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
      query: 'Which particle was discovered at the LHC?',
      namespace: 'science',
      filter: { page: { $gte: 4 } },
    });
    expect(filtered.status).toBe(200);
    expect(filtered.body.results.map((r: { chunkIndex: number }) => r.chunkIndex).sort()).toEqual([3, 4]);

    const keyword = await call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
      query: 'CRISPR-Cas9 guide',
      mode: 'keyword',
      namespace: 'science',
    });
    expect(keyword.status).toBe(200);
    expect(keyword.body.results).toEqual([
      expect.objectContaining({ chunkIndex: 4, text: TEXTS[4], keywordRank: expect.any(Number) }),
    ]);
    expect(keyword.body.results[0].score).toBe(keyword.body.results[0].keywordRank);

    const hybrid = await call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
      query: 'CRISPR-Cas9 guide',
      mode: 'hybrid',
      namespace: 'science',
      k: 3,
    });
    expect(hybrid.status).toBe(200);
    expect(hybrid.body.results).toHaveLength(3);
    expect(hybrid.body.results[0]).toMatchObject({ chunkIndex: 4, fusedScore: expect.any(Number) });
  });

  it('pages a search by cursor to the same ranking as one page, and ranks exactly on request', async () => {
    const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      namespace: 'paging',
      documentId: 'doc-p',
      chunks: TEXTS.map((text) => ({ text })),
    });
    await completed(posted.body.batchId);
    const search = (extra: Record<string, unknown>) =>
      call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
        query: 'Which particle was discovered at the LHC?',
        namespace: 'paging',
        ...extra,
      });
    const ids = (body: { results: { chunkIndex: number }[] }) => body.results.map((r) => r.chunkIndex);
    const whole = await search({ k: 5 });
    expect(ids(whole.body)).toHaveLength(5);
    expect(whole.body.nextCursor).toEqual(expect.any(String));

    const pages: number[][] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await search({ k: 2, ...(cursor === undefined ? {} : { cursor }) });
      expect(page.status).toBe(200);
      pages.push(ids(page.body));
      if (page.body.nextCursor === null) break;
      cursor = page.body.nextCursor;
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(ids(whole.body));

    const exact = await search({ k: 5, exact: true });
    expect(ids(exact.body)).toEqual(ids(whole.body));

    const first = await search({ k: 2 });
    const otherQuery = await call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
      query: 'CRISPR-Cas9 guide',
      namespace: 'paging',
      k: 2,
      cursor: first.body.nextCursor,
    });
    expect(otherQuery.status).toBe(400);
    expect(otherQuery.body.error).toMatchObject({
      code: 'invalid_cursor',
      message: expect.stringContaining('another search'),
    });
    const otherK = await search({ k: 3, cursor: first.body.nextCursor });
    expect(otherK.body.error.code).toBe('invalid_cursor');
    const both = await search({ k: 2, cursor: first.body.nextCursor, offset: 2 });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('validation_failed');
  });

  it('replaces a document when it is posted again', async () => {
    const first = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId: 'doc-replace',
      chunks: TEXTS.map((text) => ({ text })),
    });
    await completed(first.body.batchId);
    const second = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId: 'doc-replace',
      chunks: [{ text: 'A shorter second version.' }, { text: 'It has two chunks.' }],
    });
    expect(second.status).toBe(202);
    await completed(second.body.batchId);

    const rows = await fixture.pipeline.db.pool.query<{ text: string }>(
      `SELECT text FROM chunks WHERE namespace = 'default' AND document_id = 'doc-replace' ORDER BY chunk_index`,
    );
    expect(rows.rows.map((r) => r.text)).toEqual(['A shorter second version.', 'It has two chunks.']);
    const old = await call(fixture.pipeline.baseUrl, 'GET', `/v1/batches/${first.body.batchId}`);
    expect(old.body.status).toBe('replaced');
    const search = await call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
      query: 'Higgs boson',
      documentId: 'doc-replace',
    });
    expect(search.body.results.map((r: { text: string }) => r.text)).not.toContain(TEXTS[2]);
  });

  it('answers a retried request with the same Idempotency-Key with the first batch and enqueues nothing new', async () => {
    const { pool } = fixture.pipeline.db;
    const { queues } = fixture.pipeline.api.producer;
    const body = { documentId: 'doc-idem', chunks: [{ text: 'Retried requests must not duplicate work.' }] };
    const headers = { 'idempotency-key': 'req-42' };
    // What a replay that did the work again would change: batch rows, the chunk rows (a re-insert
    // gives them new ids), and jobs in either queue (a re-add under a new id or a removed and
    // re-added job shows as a different id or creation time).
    const stored = async () => ({
      batches: (await pool.query(`SELECT id FROM batches ORDER BY created_at, id`)).rows,
      chunks: (
        await pool.query(
          `SELECT id, chunk_index, batch_id FROM chunks WHERE document_id = 'doc-idem' ORDER BY chunk_index`,
        )
      ).rows,
    });
    const queued = async () =>
      (
        await Promise.all(
          [queues.interactive, queues.bulk].map((queue) =>
            queue.getJobs(['wait', 'prioritized', 'active', 'delayed', 'paused', 'completed', 'failed']),
          ),
        )
      )
        .flat()
        .map((job) => `${job.queueName} ${job.id} ${job.timestamp}`)
        .sort();

    const first = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', body, headers);
    expect(first.status).toBe(202);
    const before = { stored: await stored(), queued: await queued() };
    expect(before.stored.chunks).toEqual([
      { id: expect.any(String), chunk_index: 0, batch_id: first.body.batchId },
    ]);
    expect(before.queued.filter((job) => job.includes(first.body.batchId))).toHaveLength(1);

    const again = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', body, headers);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await stored()).toEqual(before.stored);
    expect(await queued()).toEqual(before.queued);
    const byKey = await pool.query(`SELECT id FROM batches WHERE idempotency_key = 'req-42'`);
    expect(byKey.rows).toEqual([{ id: first.body.batchId }]);
    await completed(first.body.batchId);

    const reused = await call(
      fixture.pipeline.baseUrl,
      'POST',
      '/v1/batches',
      { ...body, chunks: [{ text: 'A different request.' }] },
      headers,
    );
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_conflict');
  });

  it('deletes a document and its vectors', async () => {
    const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId: 'doc-delete',
      chunks: [{ text: 'Delete me.' }],
    });
    await completed(posted.body.batchId);
    const deleted = await call(fixture.pipeline.baseUrl, 'DELETE', '/v1/documents/doc-delete');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ documentId: 'doc-delete', namespace: 'default', deletedChunks: 1 });
    const rows = await fixture.pipeline.db.pool.query(
      `SELECT 1 FROM chunks WHERE document_id = 'doc-delete'`,
    );
    expect(rows.rowCount).toBe(0);
    expect(
      (await call(fixture.pipeline.baseUrl, 'GET', `/v1/batches/${posted.body.batchId}`)).body.status,
    ).toBe('deleted');
    expect((await call(fixture.pipeline.baseUrl, 'DELETE', '/v1/documents/doc-delete')).status).toBe(404);
  });

  it('serves OpenAI-compatible embeddings as floats and base64', async () => {
    const floats = await call(fixture.pipeline.baseUrl, 'POST', '/v1/embeddings', {
      model: 'all-MiniLM-L6-v2',
      input: ['first text', 'second text'],
    });
    expect(floats.status).toBe(200);
    expect(floats.body).toMatchObject({ object: 'list', model: 'all-MiniLM-L6-v2' });
    expect(floats.body.data).toHaveLength(2);
    expect(floats.body.data[1]).toMatchObject({ object: 'embedding', index: 1 });
    expect(floats.body.data[0].embedding).toHaveLength(384);
    expect(floats.body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(floats.body.usage.total_tokens).toBe(floats.body.usage.prompt_tokens);

    const encoded = await call(fixture.pipeline.baseUrl, 'POST', '/v1/embeddings', {
      model: 'all-MiniLM-L6-v2',
      input: 'first text',
      encoding_format: 'base64',
    });
    const bytes = Buffer.from(encoded.body.data[0].embedding, 'base64');
    const decoded = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(decoded).toHaveLength(384);
    expect(cosine(floats.body.data[0].embedding, decoded)).toBeGreaterThan(0.99);

    const unknown = await call(fixture.pipeline.baseUrl, 'POST', '/v1/embeddings', {
      model: 'text-embedding-3-small',
      input: 'x',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('model_not_found');
  });

  it('reports health, readiness and its OpenAPI document', async () => {
    expect((await call(fixture.pipeline.baseUrl, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await call(fixture.pipeline.baseUrl, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { redis: 'ok', postgres: 'ok', model: 'ok' } });
    const openapi = await call(fixture.pipeline.baseUrl, 'GET', '/openapi.json');
    expect(openapi.body.openapi).toBe('3.0.3');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/batches',
        '/v1/batches/{id}',
        '/v1/search',
        '/v1/embeddings',
        '/v1/documents/{id}',
      ]),
    );
  });
});
