import { describe, expect, it } from 'vitest';
import {
  embeddedCount,
  expectEachChunkEmbeddedOnce,
  postLoad,
  waitForEmbedded,
} from '../support/load-driver.js';
import { useProcessWorkerPipeline } from '../support/process-worker-pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('a worker killed mid-load');

describe.skipIf(services === undefined)('kill -9 a worker in the middle of a 5,000-chunk load', () => {
  const suite = useProcessWorkerPipeline(services);

  it('loses nothing: another worker takes over the killed one’s jobs and every chunk gets one row', async () => {
    const { pipeline } = suite;
    // No reconciler: BullMQ's lock expiry alone must bring the killed worker's jobs back.
    const env = { JOB_LOCK_MS: '5000', RECONCILE_INTERVAL_MS: '0' };
    const load = await postLoad(pipeline.baseUrl, { name: 'kill', documents: 10, chunksPerDocument: 500 });
    expect(load.accepted.reduce((sum, d) => sum + d.chunks, 0)).toBe(5_000);

    const first = suite.startWorkerProcess({ ...env, WORKER_ID: 'first' });
    await waitForEmbedded(pipeline.db.pool, 600);
    await waitFor('the first worker to be in the middle of jobs', async () =>
      first.messages('job done').length >= 1 ? true : undefined,
    );
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    const atKill = await embeddedCount(pipeline.db.pool);
    expect(atKill).toBeLessThan(5_000);

    suite.startWorkerProcess({ ...env, WORKER_ID: 'second' });
    await waitForEmbedded(pipeline.db.pool, 5_000, 240_000);
    await expectEachChunkEmbeddedOnce(pipeline.db.pool, load.accepted);
    const byWorker = await pipeline.db.pool.query<{ embedded_by: string; n: number }>(
      'SELECT embedded_by, count(*)::integer AS n FROM chunks GROUP BY 1 ORDER BY 1',
    );
    expect(byWorker.rows.map((r) => r.embedded_by)).toEqual(['first', 'second']);
    expect(byWorker.rows[1]?.n).toBe(5_000 - (byWorker.rows[0]?.n ?? 0));
  });
});
