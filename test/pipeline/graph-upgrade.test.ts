import { createEmbedder, type Engine, graphIdentity, nativeEngineUnavailable } from '@embedq/embedder';
import { registerModelIdentity } from '@embedq/store';
import { describe, expect, it } from 'vitest';
import { call, TEST_ADMIN_KEY } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';
import { waitFor } from '../support/wait-for.js';

const ENGINES: readonly Engine[] =
  nativeEngineUnavailable() === undefined ? ['onnxruntime', 'native'] : ['onnxruntime'];

const services = await servicesOrSkip('graph upgrade');

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const TEXTS = [
  'Zeolites trap carbon dioxide in their pores.',
  'Perovskite solar cells degrade in humid air.',
  'CRISPR edits genes by cutting DNA at guided sites.',
  'Graphene conducts heat better than copper.',
];

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot; // both unit length
}

/**
 * A deploy whose int8 graph changed (int8-v1, its word table in float16, to today's int8): a
 * namespace the earlier graph embedded stays pinned to it, keeps ingesting and searching with it
 * (loaded on demand beside the current one), and moves to the current graph by a re-embedding,
 * with search answering throughout. Real API, worker, Redis and Postgres.
 */
describe.skipIf(services === undefined)('an upgrade that changes the int8 graph', () => {
  const fixture = usePipeline(services, { env: { REEMBED_INTERVAL_MS: '200', JOB_CHUNKS: '2' } });
  const db = () => fixture.pipeline.db.pool;
  const search = (query: string) =>
    call(fixture.pipeline.baseUrl, 'POST', '/v1/search', { namespace: 'earlier', query, k: 2 });
  const vectorsByGraph = async () =>
    (
      await db().query<{ graph_sha256: string; vectors: number }>(
        `SELECT m.graph_sha256, count(e.embedding)::integer AS vectors
           FROM chunks c JOIN embeddings e ON e.chunk_id = c.id JOIN model_identities m ON m.id = e.identity_id
          WHERE c.namespace = 'earlier' GROUP BY 1 ORDER BY 1`,
      )
    ).rows;

  it('keeps a namespace of the earlier graph working, then re-embeds it with the current one', async () => {
    const [earlier, current] = [await graphIdentity('int8-v1'), await graphIdentity('int8')];
    expect(earlier.precision).toBe('int8');
    expect(earlier.graphSha256).not.toBe(current.graphSha256);
    // What a deployment of the earlier release left: the namespace pinned to the earlier graph.
    const pinned = await registerModelIdentity(db(), earlier);
    await db().query(`INSERT INTO namespace_models (namespace, identity_id) VALUES ('earlier', $1)`, [
      pinned.id,
    ]);

    const post = async (documentId: string, texts: readonly string[]) => {
      const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
        namespace: 'earlier',
        documentId,
        chunks: texts.map((text) => ({ text })),
      });
      expect(posted.status).toBe(202);
      return fixture.settled(posted.body.batchId as string);
    };
    // One chunk alone, so the worker's inference batch is that text only, as it is embedded apart
    // below (int8 activations are quantised per batch: a batch's other rows move a vector a little).
    expect(await post('first', TEXTS.slice(0, 1))).toMatchObject({ embedded: 1, failed: 0 });
    const stored = await db().query<{ embedding: string }>(
      `SELECT e.embedding::text FROM chunks c JOIN embeddings e ON e.chunk_id = c.id
        WHERE c.namespace = 'earlier' AND c.document_id = 'first'`,
    );
    const vector = Float32Array.from(JSON.parse(stored.rows[0]!.embedding) as number[]);
    // Apart with each graph on each engine this host has: the worker ran the earlier graph on one
    // of them (the native engine and ONNX Runtime differ at the fourth decimal, as batches do).
    const similarity: Record<string, number[]> = { 'int8-v1': [], int8: [] };
    for (const graph of ['int8-v1', 'int8'] as const) {
      for (const engine of ENGINES) {
        const embedder = await createEmbedder({ precision: 'int8', graph, engine, sessions: 1, threads: 1 });
        const [apart] = await embedder.embed([TEXTS[0]!]);
        await embedder.close();
        similarity[graph]!.push(cosine(vector, apart!));
      }
    }
    // The worker embedded it with the earlier graph itself, not the current one.
    expect(Math.max(...similarity['int8-v1']!)).toBeGreaterThan(0.99999);
    expect(Math.max(...similarity.int8!)).toBeLessThan(0.9999);

    expect(await post('rest', TEXTS.slice(1))).toMatchObject({ embedded: 3, failed: 0 });
    expect(await vectorsByGraph()).toEqual([{ graph_sha256: earlier.graphSha256, vectors: 4 }]);

    // Search embeds the query with the earlier graph too.
    const before = await search('carbon capture in porous minerals');
    expect(before.status).toBe(200);
    expect(before.body.results[0].text).toBe(TEXTS[0]);

    const started = await call(
      fixture.pipeline.baseUrl,
      'POST',
      '/admin/reembeddings',
      { to: 'int8', namespaces: ['earlier'] },
      ADMIN,
    );
    expect(started.status).toBe(202);
    await waitFor('the switch-over to the current int8 graph', async () => {
      const listed = await call(
        fixture.pipeline.baseUrl,
        'GET',
        '/admin/reembeddings?namespace=earlier',
        undefined,
        ADMIN,
      );
      const state = listed.body.reembeddings[0]?.state;
      if (state !== 'switched') {
        // Search answers while the namespace is re-embedded.
        expect((await search('heat conduction')).status).toBe(200);
        return undefined;
      }
      return true;
    });
    expect(await vectorsByGraph()).toEqual(
      [
        { graph_sha256: earlier.graphSha256, vectors: 4 },
        { graph_sha256: current.graphSha256, vectors: 4 },
      ].sort((a, b) => a.graph_sha256.localeCompare(b.graph_sha256)),
    );
    const after = await search('carbon capture in porous minerals');
    expect(after.status).toBe(200);
    expect(after.body.results[0].text).toBe(TEXTS[0]);
  });
});
