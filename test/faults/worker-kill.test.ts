import { createEmbedder, type Embedder } from '@embedq/embedder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddedCount,
  expectEachChunkEmbeddedOnce,
  postLoad,
  waitForEmbedded,
} from '../support/load-driver.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';
import { WorkerProcess } from '../support/worker-process.js';

const services = await servicesOrSkip('a worker killed mid-load');

describe.skipIf(services === undefined)('kill -9 a worker in the middle of a 5,000-chunk load', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    pipeline = await startPipeline(services, embedder, {
      env: { INTERACTIVE_MAX_CHUNKS: '0' },
      worker: false,
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await pipeline?.close();
    await embedder?.close();
  });

  it('loses nothing: another worker takes over the killed one’s jobs and every chunk gets one row', async () => {
    // No reconciler: BullMQ's lock expiry alone must bring the killed worker's jobs back.
    const env = { ...pipeline.env, JOB_LOCK_MS: '5000', RECONCILE_INTERVAL_MS: '0' };
    const load = await postLoad(pipeline.baseUrl, { name: 'kill', documents: 10, chunksPerDocument: 500 });
    expect(load.accepted.reduce((sum, d) => sum + d.chunks, 0)).toBe(5_000);

    const first = new WorkerProcess({ ...env, WORKER_ID: 'first' });
    workers.push(first);
    await waitForEmbedded(pipeline.db.pool, 600);
    await waitFor('the first worker to be in the middle of jobs', async () =>
      first.messages('job done').length >= 1 ? true : undefined,
    );
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    const atKill = await embeddedCount(pipeline.db.pool);
    expect(atKill).toBeLessThan(5_000);

    const second = new WorkerProcess({ ...env, WORKER_ID: 'second' });
    workers.push(second);
    await waitForEmbedded(pipeline.db.pool, 5_000, 240_000);
    await expectEachChunkEmbeddedOnce(pipeline.db.pool, load.accepted);
    const byWorker = await pipeline.db.pool.query<{ embedded_by: string; n: number }>(
      'SELECT embedded_by, count(*)::integer AS n FROM chunks GROUP BY 1 ORDER BY 1',
    );
    expect(byWorker.rows.map((r) => r.embedded_by)).toEqual(['first', 'second']);
    expect(byWorker.rows[1]?.n).toBe(5_000 - (byWorker.rows[0]?.n ?? 0));
  });
});
