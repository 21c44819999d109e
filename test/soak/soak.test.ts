import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

// Outside CI (about 10 minutes on 2 cores): EMBEDQ_SOAK=1 with REDIS_URL and DATABASE_URL set.
// 50,000 chunks through the whole system with the worker replaced every 10,000, alternately by
// SIGTERM and by SIGKILL; then nothing lost, nothing duplicated, and the last worker's RSS
// within 10% of the first one's.
const enabled = process.env.EMBEDQ_SOAK === '1';
const services = enabled ? await servicesOrSkip('soak') : undefined;
if (!enabled) console.warn('[soak] SKIPPED: set EMBEDQ_SOAK=1 to run it (about 10 minutes)');

const CHUNKS = 50_000;
const RESTART_EVERY = 10_000;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

describe.skipIf(services === undefined)('soak: 50,000 chunks, a worker replaced every 10,000', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    pipeline = await startPipeline(services, embedder, { worker: false });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await pipeline?.close();
    await embedder?.close();
  });

  it('loses and duplicates nothing, and the worker does not leak', { timeout: 3_600_000 }, async () => {
    const started = Date.now();
    const load = await postLoad(pipeline.baseUrl, { name: 'soak', documents: 100, chunksPerDocument: 500 });
    const env = { ...pipeline.env, JOB_LOCK_MS: '10000', RECONCILE_INTERVAL_MS: '10000' };
    const segments: {
      worker: number;
      embedded: number;
      rssMb: number;
      stoppedBy: string;
      seconds: number;
    }[] = [];
    for (let i = 1; i * RESTART_EVERY <= CHUNKS; i++) {
      const worker = new WorkerProcess({ ...env, WORKER_ID: `soak-${i}` });
      workers.push(worker);
      await waitForEmbedded(pipeline.db.pool, i * RESTART_EVERY, 1_800_000);
      const pid = worker.child.pid ?? 0;
      const rss = rssMb(pid);
      const last = i * RESTART_EVERY === CHUNKS;
      const signal = last || i % 2 === 1 ? 'SIGTERM' : 'SIGKILL';
      await worker.stop(signal);
      const segment = {
        worker: i,
        embedded: await embeddedCount(pipeline.db.pool),
        rssMb: rss,
        stoppedBy: signal,
        seconds: Math.round((Date.now() - started) / 1000),
      };
      segments.push(segment);
      console.log(`[soak] ${JSON.stringify(segment)}`);
    }
    await waitForEmbedded(pipeline.db.pool, CHUNKS);
    await expectEachChunkEmbeddedOnce(pipeline.db.pool, load.accepted);
    const first = segments[0]?.rssMb ?? 0;
    const lastRss = segments.at(-1)?.rssMb ?? 0;
    const report = {
      chunks: CHUNKS,
      seconds: Math.round((Date.now() - started) / 1000),
      segments,
      rssRatio: lastRss / first,
    };
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/soak-report.json', `${JSON.stringify(report, null, 2)}\n`);
    expect(lastRss).toBeLessThanOrEqual(first * 1.1);
  });
});
