import { performance } from 'node:perf_hooks';
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
import { WorkerProcess } from '../support/worker-process.js';

const services = await servicesOrSkip('SIGTERM during a load');

/** Heroku sends SIGTERM and kills 30 s later; embedq promises to be gone in 25. */
const HEROKU_BUDGET_MS = 25_000;

describe.skipIf(services === undefined)('SIGTERM during a load', () => {
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
      const env = { ...pipeline.env, RECONCILE_INTERVAL_MS: '0', SHUTDOWN_TIMEOUT_MS: shutdownTimeoutMs };
      const alreadyEmbedded = await embeddedCount(pipeline.db.pool);
      const load = await postLoad(pipeline.baseUrl, {
        name: `term-${shutdownTimeoutMs}`,
        documents: 4,
        chunksPerDocument: 500,
      });
      expect(load.accepted.reduce((sum, d) => sum + d.chunks, 0)).toBe(2_000);

      const first = new WorkerProcess({ ...env, WORKER_ID: 'first' });
      workers.push(first);
      await waitForEmbedded(pipeline.db.pool, alreadyEmbedded + 300);
      const started = performance.now();
      expect(await first.stop('SIGTERM')).toBe(0);
      expect(performance.now() - started).toBeLessThan(HEROKU_BUDGET_MS);
      expect(first.messages(logged)).toHaveLength(1);

      const second = new WorkerProcess({ ...env, WORKER_ID: 'second' });
      workers.push(second);
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
