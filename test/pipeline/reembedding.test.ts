import { createEmbedder, type Embedder, graphIdentity } from '@embedq/embedder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, TEST_ADMIN_KEY } from '../support/pipeline.js';
import { deleteQueueKeys } from '../support/queue-prefix.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('re-embedding');

const ADMIN = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const TOPICS = [
  'Zeolites trap carbon dioxide in their pores',
  'Perovskite solar cells degrade in humid air',
  'CRISPR edits genes by cutting DNA at guided sites',
  'Graphene conducts heat better than copper',
  'Tardigrades survive the vacuum of space',
  'Lithium dendrites short-circuit battery cells',
];

/** `n` chunks, each a distinct sentence about one of the topics. */
function chunks(prefix: string, n: number): { text: string }[] {
  return Array.from({ length: n }, (_, i) => ({
    text: `${TOPICS[i % TOPICS.length]}; ${prefix} observation ${i} from sample ${i * 7 + 3}.`,
  }));
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot; // both unit length
}

/**
 * A namespace embedded by the default int8 graph is re-embedded with fp32 by the running worker
 * (which loads the fp32 graph on demand), while search keeps answering from the int8 vectors;
 * then search switches to fp32 in one step. Real API, worker, Redis and Postgres.
 */
describe.skipIf(services === undefined)('re-embedding a namespace with another graph', () => {
  const fixture = usePipeline(services, {
    env: { REEMBED_INTERVAL_MS: '200', JOB_CHUNKS: '8', GRAPH_IDLE_MS: '60000' },
  });
  const db = () => fixture.pipeline.db.pool;
  const api = (method: string, path: string, body?: unknown) =>
    call(fixture.pipeline.baseUrl, method, path, body, body === undefined ? ADMIN : ADMIN);
  let fp32: Embedder | undefined;

  beforeAll(async () => {
    if (services !== undefined) fp32 = await createEmbedder({ precision: 'fp32' });
  });
  afterAll(async () => {
    await fp32?.close();
  });

  const post = async (namespace: string, documentId: string, body: { text: string }[]) => {
    const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      namespace,
      documentId,
      chunks: body,
    });
    expect(posted.status).toBe(202);
    return fixture.settled(posted.body.batchId as string);
  };
  /**
   * fixture.settled, and when a batch does not settle, the state that says why: its counts and
   * identity, each chunk's rows per identity, the namespace's re-embedding and the queues' jobs.
   * (This test timed out once in a full run and never alone.)
   */
  const settledOrExplained = async (batchId: string) => {
    try {
      return await fixture.settled(batchId);
    } catch (error) {
      const batch = await db().query(
        'SELECT identity_id, chunk_count, embedded_count, failed_count, created_at FROM batches WHERE id = $1',
        [batchId],
      );
      const chunkRows = await db().query(
        `SELECT c.chunk_index, array_agg(e.identity_id || ':' || CASE WHEN e.embedding IS NULL THEN coalesce(e.error, 'none') ELSE 'vector' END) AS rows
           FROM chunks c LEFT JOIN embeddings e ON e.chunk_id = c.id WHERE c.batch_id = $1 GROUP BY 1 ORDER BY 1`,
        [batchId],
      );
      const reembeddings = await db().query('SELECT * FROM reembeddings ORDER BY id');
      const { queues } = fixture.pipeline.api.producer;
      const jobs = {
        interactive: await queues.interactive.getJobCounts(),
        bulk: await queues.bulk.getJobCounts(),
      };
      throw new Error(
        `${(error as Error).message}\n${JSON.stringify({ batch: batch.rows, chunks: chunkRows.rows, reembeddings: reembeddings.rows, jobs })}`,
        { cause: error },
      );
    }
  };
  const reembedding = async (namespace: string) => {
    const listed = await api('GET', `/admin/reembeddings?namespace=${namespace}`);
    expect(listed.status).toBe(200);
    return listed.body.reembeddings[0];
  };
  const identityRows = (namespace: string) =>
    db()
      .query<{ precision: string; vectors: number; failed: number }>(
        `SELECT m.precision, count(e.embedding)::integer AS vectors, count(e.error)::integer AS failed
           FROM chunks c JOIN embeddings e ON e.chunk_id = c.id JOIN model_identities m ON m.id = e.identity_id
          WHERE c.namespace = $1 GROUP BY m.precision ORDER BY m.precision`,
        [namespace],
      )
      .then((r) => r.rows);
  const search = (namespace: string, query: string) =>
    call(fixture.pipeline.baseUrl, 'POST', '/v1/search', { namespace, query, k: 5 });

  it('keeps search answering from the old vectors, switches over when complete, and prunes the old ones', async () => {
    await post('papers', 'a', chunks('a', 24));
    await post('papers', 'b', chunks('b', 24));
    const query = 'Which material traps CO2 in pores?';
    const before = await search('papers', query);
    expect(before.status).toBe(200);
    expect(before.body.results).toHaveLength(5);

    const started = await api('POST', '/admin/reembeddings', { to: 'fp32', namespaces: ['papers'] });
    expect(started.status).toBe(202);
    expect(started.body.reembeddings).toMatchObject([
      { namespace: 'papers', state: 'running', totalChunks: 48, from: expect.stringMatching(/ int8 /) },
    ]);
    expect(started.body.reembeddings[0].to).toMatch(/ fp32 /);

    // Search during the re-embedding: always 200 with every result, until it has switched.
    let searchesDuring = 0;
    for (;;) {
      const during = await search('papers', query);
      expect(during.status).toBe(200);
      expect(during.body.results).toHaveLength(5);
      searchesDuring++;
      const state = (await reembedding('papers')).state;
      if (state === 'switched') break;
      expect(state).toBe('running');
    }
    expect(searchesDuring).toBeGreaterThan(0);

    const done = await reembedding('papers');
    expect(done).toMatchObject({ state: 'switched', totalChunks: 48, doneChunks: 48, failedChunks: 0 });
    const fp32Identity = await graphIdentity('fp32');
    const pinned = await db().query(
      `SELECT m.precision, m.graph_sha256 FROM namespace_models n JOIN model_identities m ON m.id = n.identity_id
        WHERE n.namespace = 'papers'`,
    );
    expect(pinned.rows).toEqual([{ precision: 'fp32', graph_sha256: fp32Identity.graphSha256 }]);
    // Both identities' vectors are there until pruned; the batches count the new ones.
    expect(await identityRows('papers')).toEqual([
      { precision: 'fp32', vectors: 48, failed: 0 },
      { precision: 'int8', vectors: 48, failed: 0 },
    ]);
    const batches = await db().query(
      `SELECT b.embedded_count, b.chunk_count, m.precision FROM batches b JOIN model_identities m ON m.id = b.identity_id
        WHERE b.namespace = 'papers' ORDER BY b.document_id`,
    );
    expect(batches.rows).toEqual([
      { embedded_count: 24, chunk_count: 24, precision: 'fp32' },
      { embedded_count: 24, chunk_count: 24, precision: 'fp32' },
    ]);

    // Search now embeds the query with fp32 and compares it with the fp32 vectors: the score is
    // the cosine of the two fp32 embeddings, computed here independently.
    const after = await search('papers', query);
    expect(after.status).toBe(200);
    const top = after.body.results[0];
    const [q, t] = await fp32!.embed([query, top.text]);
    expect(top.vectorScore).toBeCloseTo(cosine(q!, t!), 4);
    expect(top.text).toMatch(/Zeolites/);

    // Bad input, nothing changed.
    const again = await api('POST', '/admin/reembeddings', { to: 'fp32', namespaces: ['papers'] });
    expect([again.status, again.body.error.code]).toEqual([409, 'already_active']);
    const unknown = await api('POST', '/admin/reembeddings', { to: 'fp64', namespaces: ['papers'] });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'unknown_identity']);
    const noSuchNamespace = await api('POST', '/admin/reembeddings', { to: 'int8', namespaces: ['nope'] });
    expect([noSuchNamespace.status, noSuchNamespace.body.error.code]).toEqual([404, 'unknown_namespace']);
    const pruneActive = await api('POST', `/admin/models/${done.toIdentityId}/prune`, {
      namespace: 'papers',
    });
    expect([pruneActive.status, pruneActive.body.error.code]).toEqual([409, 'identity_in_use']);
    expect(await identityRows('papers')).toHaveLength(2);

    // The models listing says which is active, with the counts.
    const models = await api('GET', '/admin/models');
    expect(models.status).toBe(200);
    const uses = (
      models.body.identities as { precision: string; namespaces: { namespace: string }[] }[]
    ).flatMap((i) =>
      i.namespaces.filter((n) => n.namespace === 'papers').map((n) => ({ precision: i.precision, ...n })),
    );
    expect(uses).toEqual([
      { precision: 'int8', namespace: 'papers', vectors: 48, failed: 0, active: false },
      { precision: 'fp32', namespace: 'papers', vectors: 48, failed: 0, active: true },
    ]);

    const pruned = await api('POST', `/admin/models/${done.fromIdentityId}/prune`, { namespace: 'papers' });
    expect(pruned.status).toBe(200);
    expect(pruned.body).toEqual({ deleted: 48, namespaces: ['papers'] });
    expect(await identityRows('papers')).toEqual([{ precision: 'fp32', vectors: 48, failed: 0 }]);
    expect((await search('papers', query)).body.results).toHaveLength(5);
  });

  it('pauses, embeds chunks accepted meanwhile with both graphs, resumes, and cancels', async () => {
    await post('lab', 'a', chunks('lab', 40));
    const started = await api('POST', '/admin/reembeddings', { to: 'fp32', namespaces: ['lab'] });
    expect(started.status).toBe(202);
    const paused = await api('POST', '/admin/reembeddings/lab/pause');
    expect(paused.status).toBe(200);
    expect(paused.body.reembedding.state).toBe('paused');
    const twice = await api('POST', '/admin/reembeddings/lab/pause');
    expect([twice.status, twice.body.error.code]).toEqual([409, 'no_reembedding']);
    const second = await api('POST', '/admin/reembeddings', { to: 'fp32', namespaces: ['lab'] });
    expect([second.status, second.body.error.code]).toEqual([409, 'reembedding_open']);

    // Paused: once the jobs in flight end, no fp32 vector is added.
    const fp32Count = async () =>
      (await identityRows('lab')).find((r) => r.precision === 'fp32')?.vectors ?? 0;
    let settledAt = await fp32Count();
    await waitFor('the jobs in flight to end', async () => {
      await new Promise((r) => setTimeout(r, 1_000));
      const now = await fp32Count();
      if (now === settledAt) return true;
      settledAt = now;
      return undefined;
    });
    expect(settledAt).toBeLessThan(40);

    // A batch accepted during the re-embedding is embedded by the active int8 graph at once, and
    // by fp32 as part of the re-embedding.
    await post('lab', 'b', chunks('lab-new', 10));
    expect((await identityRows('lab')).find((r) => r.precision === 'int8')?.vectors).toBe(50);

    const resumed = await api('POST', '/admin/reembeddings/lab/resume');
    expect(resumed.body.reembedding.state).toBe('running');
    const done = await waitFor('the switch-over', async () => {
      const r = await reembedding('lab');
      return r.state === 'switched' ? r : undefined;
    });
    expect(done).toMatchObject({ totalChunks: 50, doneChunks: 50 });
    expect(await identityRows('lab')).toEqual([
      { precision: 'fp32', vectors: 50, failed: 0 },
      { precision: 'int8', vectors: 50, failed: 0 },
    ]);

    // Back to int8: its vectors were kept, so there is nothing to embed and it switches at once.
    const back = await api('POST', '/admin/reembeddings', { to: 'int8', namespaces: ['lab'] });
    expect(back.status).toBe(202);
    await waitFor('the switch back', async () =>
      (await reembedding('lab')).state === 'switched' ? true : undefined,
    );
    expect((await search('lab', 'gene editing')).body.results[0].text).toMatch(/CRISPR/);

    // Cancelled: what it wrote goes, the namespace stays on its identity.
    await post('cancelled', 'a', chunks('c', 30));
    expect((await api('POST', '/admin/reembeddings', { to: 'fp32', namespaces: ['cancelled'] })).status).toBe(
      202,
    );
    const cancelled = await api('POST', '/admin/reembeddings/cancelled/cancel');
    expect(cancelled.body.reembedding.state).toBe('cancelled');
    // A job in flight may still write after the cancel; it finds the re-embedding gone before
    // its next one, and a second cancel is refused.
    const cancelAgain = await api('POST', '/admin/reembeddings/cancelled/cancel');
    expect([cancelAgain.status, cancelAgain.body.error.code]).toEqual([409, 'no_reembedding']);
    await new Promise((r) => setTimeout(r, 1_000));
    const left = await identityRows('cancelled');
    expect(left.find((r) => r.precision === 'int8')).toEqual({ precision: 'int8', vectors: 30, failed: 0 });
    expect(left.find((r) => r.precision === 'fp32')?.vectors ?? 0).toBeLessThanOrEqual(8);
    expect((await search('cancelled', 'heat conduction')).status).toBe(200);
  });

  it('finishes after the queue lost every job (a Redis flush): the driver adds them again', async () => {
    await post('flushed', 'a', chunks('f', 32));
    const started = await api('POST', '/admin/reembeddings', { to: 'fp32', namespaces: ['flushed'] });
    expect(started.status).toBe(202);
    // The driver queues its jobs below ingest (prioritized); they go with the keys.
    const queue = fixture.pipeline.api.producer.queues.bulk;
    await waitFor('a queued re-embedding job', async () => {
      const counts = await queue.getJobCounts('prioritized', 'active', 'completed');
      return (counts.prioritized ?? 0) + (counts.active ?? 0) + (counts.completed ?? 0) > 0
        ? true
        : undefined;
    });
    await api('POST', '/admin/reembeddings/flushed/pause');
    await deleteQueueKeys(services!.redisUrl, String(fixture.pipeline.env.QUEUE_PREFIX));
    await api('POST', '/admin/reembeddings/flushed/resume');
    const done = await waitFor('the switch-over', async () => {
      const r = await reembedding('flushed');
      return r.state === 'switched' ? r : undefined;
    });
    expect(done).toMatchObject({ totalChunks: 32, doneChunks: 32, failedChunks: 0 });
  });

  it('switches over while new batches keep arriving, and every chunk ends with a vector of the new graph', async () => {
    await post('busy', 'base', chunks('busy', 40));
    expect((await api('POST', '/admin/reembeddings', { to: 'fp32', namespaces: ['busy'] })).status).toBe(202);
    // A batch every 100 ms until the switch: new chunks are embedded by both graphs as they
    // arrive, so they never hold the switch-over back.
    const batchIds: string[] = [];
    let n = 0;
    for (;;) {
      const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
        namespace: 'busy',
        documentId: `live-${n}`,
        chunks: chunks(`live-${n++}`, 3),
      });
      expect(posted.status).toBe(202);
      batchIds.push(posted.body.batchId as string);
      if ((await reembedding('busy')).state === 'switched') break;
      expect(n).toBeLessThan(600);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const id of batchIds) await settledOrExplained(id);
    const total = 40 + 3 * batchIds.length;
    await waitFor('every chunk to have an fp32 vector', async () => {
      const rows = await identityRows('busy');
      return rows.find((r) => r.precision === 'fp32')?.vectors === total ? true : undefined;
    });
    const batches = await db().query(
      `SELECT count(*)::integer AS n FROM batches b JOIN model_identities m ON m.id = b.identity_id
        WHERE b.namespace = 'busy' AND m.precision = 'fp32' AND b.embedded_count = b.chunk_count`,
    );
    expect(batches.rows).toEqual([{ n: 1 + batchIds.length }]);
  });

  it('keeps reuse, replace and delete correct per identity', async () => {
    const texts = chunks('reuse', 6);
    await post('reuse', 'doc', texts);
    expect((await api('POST', '/admin/reembeddings', { to: 'fp32', namespaces: ['reuse'] })).status).toBe(
      202,
    );
    await waitFor('the switch-over', async () =>
      (await reembedding('reuse')).state === 'switched' ? true : undefined,
    );
    const rows = (documentId: string) =>
      db()
        .query<{ precision: string; vectors: number; reused: number }>(
          `SELECT m.precision, count(*)::integer AS vectors, count(*) FILTER (WHERE e.reused)::integer AS reused
             FROM chunks c JOIN embeddings e ON e.chunk_id = c.id JOIN model_identities m ON m.id = e.identity_id
            WHERE c.namespace = 'reuse' AND c.document_id = $1 GROUP BY m.precision ORDER BY m.precision`,
          [documentId],
        )
        .then((r) => r.rows);
    expect(await rows('doc')).toEqual([
      { precision: 'fp32', vectors: 6, reused: 0 },
      { precision: 'int8', vectors: 6, reused: 0 },
    ]);

    // Re-posted with one chunk changed: the five unchanged carry both identities' vectors over;
    // the changed one is embedded by the active identity (fp32) only.
    const edited = texts.map((c, i) => (i === 0 ? { text: 'An entirely new first observation.' } : c));
    const replaced = await post('reuse', 'doc', edited);
    expect(replaced).toMatchObject({ embedded: 6, reused: 5 });
    expect(await rows('doc')).toEqual([
      { precision: 'fp32', vectors: 6, reused: 5 },
      { precision: 'int8', vectors: 5, reused: 5 },
    ]);

    // A text the namespace already has a vector for is copied, within the active identity.
    const copy = await post('reuse', 'other', [texts[3]!]);
    expect(copy).toMatchObject({ embedded: 1, reused: 1 });
    expect(await rows('other')).toEqual([{ precision: 'fp32', vectors: 1, reused: 1 }]);

    // Deleting the document deletes its vectors of every identity.
    const deleted = await call(fixture.pipeline.baseUrl, 'DELETE', '/v1/documents/doc?namespace=reuse');
    expect(deleted.status).toBe(200);
    expect(await rows('doc')).toEqual([]);
    expect(await rows('other')).toHaveLength(1);
  });
});
