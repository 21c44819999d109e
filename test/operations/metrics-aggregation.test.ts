import { createEmbedder, type Embedder } from '@embedq/embedder';
import { MetricsReader, redisOptions } from '@embedq/queue';
import { generateSeedChunks } from '@embedq/workload';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGet } from '../support/admin-fetch.js';
import { call, type Pipeline, startPipeline } from '../support/pipeline.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';
import { WorkerProcess } from '../support/worker-process.js';

const services = await servicesOrSkip('metrics of two worker processes');

describe.skipIf(services === undefined)('metrics from two worker processes', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;
  let redis: Redis;
  let reader: MetricsReader;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    // Jobs of 64 chunks, so 800 chunks make 14 jobs to share; the API has no worker of its own.
    pipeline = await startPipeline(services, embedder, {
      env: { JOB_CHUNKS: '64', INTERACTIVE_MAX_CHUNKS: '0' },
      worker: false,
    });
    redis = new Redis(redisOptions({ url: services.redisUrl, tlsVerify: false }, 'producer'));
    reader = new MetricsReader(redis, String(pipeline.env.QUEUE_PREFIX));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    redis?.disconnect();
    await pipeline?.close();
    await embedder?.close();
  });

  it('add up across processes, per worker and for the fleet', async () => {
    for (const id of ['worker-a', 'worker-b']) {
      workers.push(
        new WorkerProcess({ ...pipeline.env, WORKER_ID: id, ORT_THREADS: '1', WORKER_CONCURRENCY: '1' }),
      );
    }
    await waitFor('both workers to start', async () =>
      workers.every((w) => w.messages('worker started').length === 1) ? true : undefined,
    );
    const live = await reader.liveWorkers();
    expect(live.map((w) => w.workerId)).toEqual(['worker-a', 'worker-b']);
    expect(live.map((w) => w.pid)).toEqual(workers.map((w) => w.child.pid));
    for (const worker of live) expect(worker.rssBytes).toBeGreaterThan(50 * 1_048_576);

    const texts = generateSeedChunks(800);
    for (const half of [0, 1]) {
      const posted = await call(pipeline.baseUrl, 'POST', '/v1/batches', {
        documentId: `half-${half}`,
        chunks: texts.slice(half * 400, half * 400 + 400).map((text) => ({ text })),
      });
      expect(posted.status).toBe(202);
    }
    // Every job publishes its sample just after writing its vectors.
    const totals = await waitFor(
      'the fleet totals to count every job',
      async () => {
        const sums = await reader.totals();
        return sums.jobs === 14 ? sums : undefined;
      },
      120_000,
      250,
    );
    expect(totals.chunks).toBe(800);
    expect(totals.latency.reduce((a, b) => a + b, 0)).toBe(800);
    expect(totals.queueWait.reduce((a, b) => a + b, 0)).toBe(14);
    expect(totals.tokens).toBeGreaterThan(800 * 10);

    // Each worker's own chunks in the rolling window match what its log says it wrote, and the
    // two add up to the fleet's.
    const buckets = await reader.buckets(Date.now() - 600_000, Date.now());
    const chunksOf = (id: string) => buckets.reduce((sum, b) => sum + (b.workers.get(id)?.chunks ?? 0), 0);
    const logged = workers.map((w) =>
      w.messages('job done').reduce((sum, line) => sum + Number(line.written), 0),
    );
    expect(chunksOf('worker-a')).toBe(logged[0]);
    expect(chunksOf('worker-b')).toBe(logged[1]);
    expect(chunksOf('worker-a')).toBeGreaterThan(0);
    expect(chunksOf('worker-b')).toBeGreaterThan(0);
    expect(chunksOf('worker-a') + chunksOf('worker-b')).toBe(800);
    expect(buckets.reduce((sum, b) => sum + b.chunks, 0)).toBe(800);

    // The API's dashboard snapshot and /metrics see the same fleet.
    const snapshot = JSON.parse((await adminGet(pipeline.baseUrl, '/admin/dashboard/snapshot.json')).text);
    expect(snapshot.workers.live.map((w: { workerId: string }) => w.workerId)).toEqual([
      'worker-a',
      'worker-b',
    ]);
    const fleetChunks = snapshot.throughput.chunksPerSec.reduce((a: number, b: number) => a + b, 0);
    expect(Math.round(fleetChunks * snapshot.bucketSeconds)).toBe(800);
    const perWorker = snapshot.workers.series.map((s: { chunksPerSec: number[] }) =>
      Math.round(s.chunksPerSec.reduce((a, b) => a + b, 0) * snapshot.bucketSeconds),
    );
    expect(perWorker.reduce((a: number, b: number) => a + b, 0)).toBe(800);
    expect(snapshot.backlog.current).toBe(0);
    const metrics = parsePrometheusText((await adminGet(pipeline.baseUrl, '/metrics')).text);
    expect(sampleValue(metrics, 'embedq_chunks_embedded_total')).toBe(800);
    expect(sampleValue(metrics, 'embedq_jobs_completed_total')).toBe(14);
    expect(sampleValue(metrics, 'embedq_workers')).toBe(2);
    expect(sampleValue(metrics, 'embedq_worker_rss_bytes', { worker: 'worker-b' })).toBeGreaterThan(0);

    // A worker that stops leaves the live set at once; the other stays.
    expect(await workers[0]!.stop('SIGTERM')).toBe(0);
    expect((await reader.liveWorkers()).map((w) => w.workerId)).toEqual(['worker-b']);
  });
});
