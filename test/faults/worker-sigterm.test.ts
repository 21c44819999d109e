import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import {
  embeddedCount,
  expectEachChunkEmbeddedOnce,
  postLoad,
  waitForEmbedded,
} from '../support/load-driver.js';
import { useProcessWorkerPipeline } from '../support/process-worker-pipeline.js';
import { servicesOrSkip } from '../support/services.js';

const services = await servicesOrSkip('SIGTERM during a load');

/** Heroku sends SIGTERM and kills 30 s later; embedq promises to be gone in 25. */
const HEROKU_BUDGET_MS = 25_000;

describe.skipIf(services === undefined)('SIGTERM during a load', () => {
  const suite = useProcessWorkerPipeline(services);

  it.each([
    ['finishes its running jobs and exits', '20000', 'worker stopped'],
    [
      'hands its running jobs back when out of time',
      '0',
      'running jobs did not finish in time; handing them back',
    ],
  ])(
    '%s in time; the next worker embeds the rest, nothing lost',
    async (_name, shutdownTimeoutMs, logged) => {
      const { pipeline } = suite;
      const env = { RECONCILE_INTERVAL_MS: '0', SHUTDOWN_TIMEOUT_MS: shutdownTimeoutMs };
      const alreadyEmbedded = await embeddedCount(pipeline.db.pool);
      const load = await postLoad(pipeline.baseUrl, {
        name: `term-${shutdownTimeoutMs}`,
        documents: 4,
        chunksPerDocument: 500,
      });
      expect(load.accepted.reduce((sum, d) => sum + d.chunks, 0)).toBe(2_000);

      const first = suite.startWorkerProcess({ ...env, WORKER_ID: 'first' });
      await waitForEmbedded(pipeline.db.pool, alreadyEmbedded + 300);
      const started = performance.now();
      expect(await first.stop('SIGTERM')).toBe(0);
      expect(performance.now() - started).toBeLessThan(HEROKU_BUDGET_MS);
      expect(first.messages(logged)).toHaveLength(1);

      const second = suite.startWorkerProcess({ ...env, WORKER_ID: 'second' });
      await waitForEmbedded(pipeline.db.pool, alreadyEmbedded + 2_000);
      const rows = await pipeline.db.pool.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM chunks WHERE document_id LIKE $1`,
        [`term-${shutdownTimeoutMs}-%`],
      );
      expect(rows.rows[0]?.n).toBe(2_000);
      expect(await second.stop('SIGTERM')).toBe(0);
    },
  );

  it('leaves every chunk of both loads embedded exactly once', async () => {
    const { pipeline } = suite;
    const batches = await pipeline.db.pool.query<{ id: string; document_id: string; chunk_count: number }>(
      'SELECT id, document_id, chunk_count FROM batches',
    );
    expect(batches.rows).toHaveLength(8);
    await expectEachChunkEmbeddedOnce(
      pipeline.db.pool,
      batches.rows.map((b) => ({ batchId: b.id, documentId: b.document_id, chunks: b.chunk_count })),
    );
  });
});
