import { createEmbedder, type Embedder } from '@embedq/embedder';
import { generateSeedChunks } from '@embedq/workload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGet } from '../support/admin-fetch.js';
import { call, type Pipeline, startPipeline, TEST_API_KEY } from '../support/pipeline.js';
import { type MetricFamily, parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { insertReembeddingRows } from '../support/reembedding-rows.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('GET /metrics');

describe.skipIf(services === undefined)('GET /metrics', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    pipeline = await startPipeline(services, embedder);
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
  });

  async function scrape(): Promise<Map<string, MetricFamily>> {
    const response = await adminGet(pipeline.baseUrl, '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(response.text);
  }

  it('needs the admin key', async () => {
    const anonymous = await adminGet(pipeline.baseUrl, '/metrics', '');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="embedq admin"');
    expect((await adminGet(pipeline.baseUrl, '/metrics', `Bearer ${TEST_API_KEY}`)).status).toBe(403);
  });

  it('parses as Prometheus text and its counters move when a batch is processed', async () => {
    const before = await scrape();
    for (const name of [
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'embedq_queue_jobs',
      'embedq_backlog_chunks',
      'embedq_chunks_embedded_total',
      'embedq_jobs_completed_total',
      'embedq_jobs_failed_total',
      'embedq_inference_batch_duration_seconds',
      'embedq_queue_latency_seconds',
      'embedq_queue_wait_seconds',
      'embedq_worker_rss_bytes',
    ]) {
      expect(before.has(name), name).toBe(true);
    }
    expect(before.get('embedq_queue_latency_seconds')?.type).toBe('histogram');
    expect(before.get('embedq_chunks_embedded_total')?.type).toBe('counter');
    expect(sampleValue(before, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(sampleValue(before, 'embedq_workers')).toBe(1);
    const chunksBefore = sampleValue(before, 'embedq_chunks_embedded_total') ?? 0;
    const jobsBefore = sampleValue(before, 'embedq_jobs_completed_total') ?? 0;

    // 300 distinct chunks: a bulk batch of two jobs (256 + 44).
    const posted = await call(pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId: 'metrics-doc',
      chunks: generateSeedChunks(300).map((text) => ({ text })),
    });
    expect(posted.status).toBe(202);
    await waitFor('the batch to complete', async () => {
      const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${posted.body.batchId}`);
      return progress.body.status === 'completed' ? true : undefined;
    });
    // Workers publish a job's metrics just after its vectors are written.
    const after = await waitFor('the counters to move', async () => {
      const families = await scrape();
      return sampleValue(families, 'embedq_jobs_completed_total') === jobsBefore + 2 ? families : undefined;
    });

    expect(sampleValue(after, 'embedq_chunks_embedded_total')).toBe(chunksBefore + 300);
    expect(sampleValue(after, 'embedq_queue_latency_seconds_count')).toBe(chunksBefore + 300);
    expect(sampleValue(after, 'embedq_queue_latency_seconds_sum')).toBeGreaterThan(0);
    expect(sampleValue(after, 'embedq_queue_wait_seconds_count')).toBe(jobsBefore + 2);
    expect(sampleValue(after, 'embedq_inference_batch_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(after, 'embedq_tokens_embedded_total')).toBeGreaterThan(300 * 10);
    expect(sampleValue(after, 'embedq_inference_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(after, 'embedq_jobs_failed_total')).toBe(0);
    expect(sampleValue(after, 'embedq_queue_jobs', { queue: 'embed-bulk', state: 'completed' })).toBe(2);
    expect(sampleValue(after, 'embedq_queue_jobs', { queue: 'embed-bulk', state: 'waiting' })).toBe(0);
    expect(sampleValue(after, 'embedq_backlog_chunks')).toBe(0);
    const worker = pipeline.worker?.workerId ?? '';
    expect(sampleValue(after, 'embedq_worker_rss_bytes', { worker })).toBeGreaterThan(10_000_000);
  });

  it('gives each open re-embedding its chunks, rate and ETA, and a finished one none', async () => {
    const { pool } = pipeline.db;
    await insertReembeddingRows(pool, 'metrics', ['c', 'd']);
    const families = await scrape();
    const series = { namespace: 'metrics-paused', to: 'metrics-new fp32 dddddddddddd' };
    expect(families.get('embedq_reembedding_chunks')?.type).toBe('gauge');
    for (const [kind, value] of [
      ['total', 1000],
      ['done', 400],
      ['failed', 25],
    ] as const) {
      expect(
        sampleValue(families, 'embedq_reembedding_chunks', { ...series, state: 'paused', kind }),
        kind,
      ).toBe(value);
    }
    // Paused, it moves at 0 chunks/s whatever it did while it ran, and has no ETA.
    expect(sampleValue(families, 'embedq_reembedding_chunks_per_second', series)).toBe(0);
    expect(families.get('embedq_reembedding_eta_seconds')?.samples).toEqual([]);
    const namespaces = families.get('embedq_reembedding_chunks')?.samples.map((s) => s.labels.namespace);
    expect(new Set(namespaces)).toEqual(new Set(['metrics-paused']));
  });
});
