import { graphIdentity } from '@embedq/embedder';
import { embedChunksJobId } from '@embedq/queue';
import { identityIndexName, registerModelIdentity } from '@embedq/store';
import { describe, expect, it } from 'vitest';
import { call } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('model identities');

/**
 * Vectors are comparable only within the graph that made them. These tests pin a namespace to
 * another identity (as a switch-over to fp32, or a deploy of another graph, leaves it) and check
 * that this int8 deployment neither searches it with int8 queries nor writes int8 vectors into it.
 */
describe.skipIf(services === undefined)('model identities: one space per namespace', () => {
  const fixture = usePipeline(services);
  const db = () => fixture.pipeline.db.pool;

  it('records the locked graph with every vector and pins the namespace to it', async () => {
    const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      namespace: 'int8-space',
      documentId: 'd',
      chunks: [{ text: 'Zeolites trap carbon dioxide in their pores.' }],
    });
    expect(posted.status).toBe(202);
    await fixture.settled(posted.body.batchId);
    const int8 = await graphIdentity('int8');
    const rows = await db().query(
      `SELECT m.model, m.precision, m.graph_sha256, (n.identity_id = e.identity_id) AS pinned
         FROM chunks c JOIN embeddings e ON e.chunk_id = c.id
         JOIN model_identities m ON m.id = e.identity_id
         JOIN namespace_models n ON n.namespace = c.namespace
        WHERE c.namespace = 'int8-space'`,
    );
    expect(rows.rows).toEqual([
      { model: int8.model, precision: 'int8', graph_sha256: int8.graphSha256, pinned: true },
    ]);
  });

  it('a namespace of a graph this deployment lacks: search answers 409 and the worker writes none of its vectors', async () => {
    // Another build of the fp32 graph (as a deploy of a rebuilt model leaves the namespaces the
    // old one embedded): no process here has it.
    const fp32 = await registerModelIdentity(db(), {
      ...(await graphIdentity('fp32')),
      graphSha256: 'cd'.repeat(32),
    });
    await db().query(`INSERT INTO namespace_models (namespace, identity_id) VALUES ('fp32-space', $1)`, [
      fp32.id,
    ]);

    const search = await call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
      namespace: 'fp32-space',
      query: 'carbon capture',
    });
    expect(search.status).toBe(409);
    expect(search.body.error.code).toBe('model_mismatch');
    expect(search.body.error.message).toMatch(
      new RegExp(
        `identity ${fp32.id} is not a graph this process has: it is all-MiniLM-L6-v2 fp32 cdcdcdcdcdcd`,
      ),
    );

    // A batch accepted into it is the fp32 identity's to embed: this int8 worker refuses the job.
    const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      namespace: 'fp32-space',
      documentId: 'd',
      chunks: [{ text: 'Perovskite cells degrade in humid air.' }],
    });
    expect(posted.status).toBe(202);
    const batchId = posted.body.batchId as string;
    const queue = fixture.pipeline.api.producer.queues.interactive;
    const failedReason = await waitFor('the job to fail its first attempt', async () => {
      const job = await queue.getJob(embedChunksJobId({ batchId, from: 0, to: 1 }));
      return job?.failedReason || undefined;
    });
    expect(failedReason).toMatch(`model identity ${fp32.id} is not a graph this process has`);
    const identity = await db().query('SELECT identity_id FROM batches WHERE id = $1', [batchId]);
    expect(identity.rows).toEqual([{ identity_id: fp32.id }]);
    const vectors = await db().query(
      `SELECT count(*)::integer AS n FROM embeddings e JOIN chunks c ON c.id = e.chunk_id WHERE c.batch_id = $1`,
      [batchId],
    );
    expect(vectors.rows).toEqual([{ n: 0 }]);

    // The other namespace is untouched.
    const other = await call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
      namespace: 'int8-space',
      query: 'carbon capture',
    });
    expect(other.status).toBe(200);
    expect(other.body.results).toHaveLength(1);
  });

  it('registers an identity once under concurrent starts, and rebuilds an index a dead build left invalid', async () => {
    const identity = { model: 'all-MiniLM-L6-v2', precision: 'int8', graphSha256: 'ab'.repeat(32) };
    const registered = await Promise.all([1, 2, 3].map(() => registerModelIdentity(db(), identity)));
    expect(new Set(registered.map((r) => r.id)).size).toBe(1);
    const id = registered[0]!.id;
    const state = () =>
      db().query<{ valid: boolean; definition: string }>(
        `SELECT i.indisvalid AS valid, pg_get_indexdef(i.indexrelid) AS definition
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`,
        [identityIndexName(id)],
      );
    const built = (await state()).rows;
    expect(built).toHaveLength(1);
    expect(built[0]!.valid).toBe(true);
    expect(built[0]!.definition).toContain(`WHERE (identity_id = ${id})`);
    expect(built[0]!.definition).toContain('bit_hamming_ops');

    // A CREATE INDEX CONCURRENTLY that died half way leaves its index invalid: the next start
    // drops it and builds it again.
    await db().query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = $1::regclass`, [
      identityIndexName(id),
    ]);
    expect((await registerModelIdentity(db(), identity)).id).toBe(id);
    expect((await state()).rows.map((r) => r.valid)).toEqual([true]);
  });
});
