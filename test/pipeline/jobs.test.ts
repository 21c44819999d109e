import { createEmbedder, type Embedder, graphIdentity } from '@embedq/embedder';
import { JobProducer } from '@embedq/queue';
import { acceptBatch, registerModelIdentity } from '@embedq/store';
import { embedJob } from '@embedq/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteQueueKeys, uniqueQueuePrefix } from '../support/queue-prefix.js';
import { servicesOrSkip } from '../support/services.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { registerTestIdentity } from '../support/test-identity.js';

const services = await servicesOrSkip('embedding jobs');

describe.skipIf(services === undefined)('embedding jobs', () => {
  let embedder: Embedder;
  let db: TestDatabase;
  let int8: number;
  let fp32: number;
  const model = () => Promise.resolve(int8);

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    db = await createTestDatabase(services.databaseUrl);
    int8 = (await registerTestIdentity(db.pool)).id;
    fp32 = (await registerModelIdentity(db.pool, await graphIdentity('fp32'))).id;
  });
  afterAll(async () => {
    await db?.drop();
    await embedder?.close();
  });

  async function store(
    documentId: string,
    texts: readonly string[],
    into: { namespace: string; identityId: number } = { namespace: 'jobs', identityId: int8 },
  ): Promise<string> {
    const { batch } = await acceptBatch(
      db.pool,
      {
        id: crypto.randomUUID(),
        namespace: into.namespace,
        documentId,
        chunks: texts.map((text) => ({ text, metadata: {} })),
        queue: 'bulk',
        identityId: into.identityId,
      },
      async () => undefined,
    );
    return batch.batchId;
  }

  async function vectorRows(documentId: string) {
    const result = await db.pool.query<{ chunk_index: number; status: string; embedding: string | null }>(
      `SELECT chunk_index, status, embedding::text FROM chunk_states WHERE document_id = $1 ORDER BY chunk_index`,
      [documentId],
    );
    return result.rows;
  }

  it('a retried job writes nothing twice', async () => {
    const batchId = await store('retried', ['one text', 'another text', 'a third text']);
    const deps = { db: db.pool, embedder, identityId: model, workerId: 'test' };
    const first = await embedJob(deps, { batchId, from: 0, to: 3 });
    expect(first).toMatchObject({ written: 3, inferred: 3 });
    const stored = await vectorRows('retried');

    const again = await embedJob(deps, { batchId, from: 0, to: 3 });
    expect(again).toMatchObject({ written: 0, inferred: 0 });
    expect(await vectorRows('retried')).toEqual(stored);
    expect(stored.every((r) => r.status === 'embedded' && r.embedding !== null)).toBe(true);
  });

  it('embeds only its own range', async () => {
    const batchId = await store('ranges', ['zero', 'one', 'two', 'three']);
    await embedJob(
      { db: db.pool, embedder, identityId: model, workerId: 'test' },
      { batchId, from: 1, to: 3 },
    );
    expect((await vectorRows('ranges')).map((r) => r.status)).toEqual([
      'pending',
      'embedded',
      'embedded',
      'pending',
    ]);
  });

  it('reuses the vector of a text this model embedded before, and embeds repeated texts once', async () => {
    const text = 'Reuse me: the same text embedded by the same model.';
    const firstBatch = await store('reuse-1', [text]);
    await embedJob(
      { db: db.pool, embedder, identityId: model, workerId: 'test' },
      { batchId: firstBatch, from: 0, to: 1 },
    );

    const secondBatch = await store('reuse-2', [text, 'something new', 'something new']);
    const result = await embedJob(
      { db: db.pool, embedder, identityId: model, workerId: 'test' },
      { batchId: secondBatch, from: 0, to: 3 },
    );
    expect(result).toMatchObject({ written: 3, reused: 1, inferred: 1 });
    const [first] = await vectorRows('reuse-1');
    const second = await vectorRows('reuse-2');
    expect(second[0]?.embedding).toBe(first?.embedding);
    expect(second[1]?.embedding).toBe(second[2]?.embedding);

    // Another precision is another identity: nothing is reused across them. (The embedder is
    // the int8 one; what is checked is which vectors the job may copy.)
    const fp32Batch = await store('reuse-3', [text], { namespace: 'jobs-fp32', identityId: fp32 });
    const byFp32 = await embedJob(
      { db: db.pool, embedder, identityId: () => Promise.resolve(fp32), workerId: 'test' },
      { batchId: fp32Batch, from: 0, to: 1 },
    );
    expect(byFp32).toMatchObject({ reused: 0, inferred: 1 });
  });

  it('refuses to write vectors of another graph than the batch is embedded by', async () => {
    const batchId = await store('other-graph', ['a text for the fp32 space'], {
      namespace: 'jobs-fp32-only',
      identityId: fp32,
    });
    await expect(
      embedJob({ db: db.pool, embedder, identityId: model, workerId: 'test' }, { batchId, from: 0, to: 1 }),
    ).rejects.toThrow(
      new RegExp(`embedded by model identity ${fp32}; this worker's graph is identity ${int8}`),
    );
    expect((await vectorRows('other-graph')).map((r) => r.status)).toEqual(['pending']);
  });

  it('ends a job whose batch never commits, with the reason', async () => {
    await expect(
      embedJob(
        { db: db.pool, embedder, identityId: model, workerId: 'test', batchVisibleTimeoutMs: 200 },
        { batchId: crypto.randomUUID(), from: 0, to: 1 },
      ),
    ).rejects.toThrow(/does not exist/);
  });

  it('adds one job per range however often a batch is enqueued', async () => {
    const prefix = uniqueQueuePrefix();
    const producer = new JobProducer({ url: services!.redisUrl, tlsVerify: false, prefix });
    try {
      const batchId = crypto.randomUUID();
      await producer.enqueueBatch(batchId, 600, 'bulk', 256);
      await producer.enqueueBatch(batchId, 600, 'bulk', 256);
      const jobs = await producer.queues.bulk.getJobs(['waiting']);
      expect(jobs.map((j) => j.data).sort((a, b) => a.from - b.from)).toEqual([
        { batchId, from: 0, to: 256 },
        { batchId, from: 256, to: 512 },
        { batchId, from: 512, to: 600 },
      ]);
    } finally {
      await producer.close();
      await deleteQueueKeys(services!.redisUrl, prefix);
    }
  });
});
