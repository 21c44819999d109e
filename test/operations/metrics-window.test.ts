import {
  BUCKET_SECONDS,
  bucketStart,
  MetricsPublisher,
  MetricsReader,
  metricKeys,
  RETENTION_SECONDS,
  redisOptions,
} from '@embedq/queue';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteQueueKeys, uniqueQueuePrefix } from '../support/queue-prefix.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('metrics rolling window');

const sample = (workerId: string, chunks: number, at: number) => ({
  workerId,
  queue: 'bulk' as const,
  chunks,
  tokens: chunks * 60,
  inferenceMs: 100,
  readMs: 5,
  writeMs: 20,
  batchMs: [40, 60],
  queueWaitMs: 1_500,
  latencyMs: 3_000,
  rssBytes: 200 * 1_048_576,
  at,
});

describe.skipIf(services === undefined)('the metrics rolling window in Redis', () => {
  let redis: Redis;
  const prefix = uniqueQueuePrefix();

  beforeAll(() => {
    if (services === undefined) return;
    redis = new Redis(redisOptions({ url: services.redisUrl, tlsVerify: false }, 'producer'));
  });
  afterAll(async () => {
    if (services === undefined) return;
    redis.disconnect();
    await deleteQueueKeys(services.redisUrl, prefix);
  });

  it('files samples by time, sums them per bucket and in totals, and lets every bucket expire', async () => {
    const publisher = new MetricsPublisher(redis, prefix);
    const reader = new MetricsReader(redis, prefix);
    const t0 = bucketStart(Date.now() - 60_000) * 1_000;
    await publisher.recordJob(sample('w1', 100, t0));
    await publisher.recordJob(sample('w2', 50, t0 + 1_000));
    await publisher.recordJob(sample('w1', 10, t0 + BUCKET_SECONDS * 1_000));
    await publisher.recordFailure({ workerId: 'w2', queue: 'bulk', chunks: 7, final: true, at: t0 });

    const buckets = await reader.buckets(t0, t0 + BUCKET_SECONDS * 1_000);
    expect(buckets.map((b) => [b.start * 1_000, b.chunks, b.jobs])).toEqual([
      [t0, 150, 2],
      [t0 + BUCKET_SECONDS * 1_000, 10, 1],
    ]);
    expect(buckets[0]?.workers.get('w1')?.chunks).toBe(100);
    expect(buckets[0]?.workers.get('w2')?.chunks).toBe(50);
    expect(buckets[0]?.failedJobs).toBe(1);
    expect(buckets[0]?.batchDuration.reduce((a, b) => a + b, 0)).toBe(4);

    const totals = await reader.totals();
    expect(totals).toMatchObject({ jobs: 3, chunks: 160, failedJobs: 1, failedChunks: 7, tokens: 9_600 });
    expect(totals.latency.reduce((a, b) => a + b, 0)).toBe(160);
    expect(totals.latencySumMs).toBe(3_000 * 160);

    // Memory is bounded by time: every bucket key expires after the retention.
    const keys = metricKeys(prefix);
    const ttl = await redis.ttl(keys.bucket(t0 / 1_000));
    expect(ttl).toBeGreaterThan(RETENTION_SECONDS - 120);
    expect(ttl).toBeLessThanOrEqual(RETENTION_SECONDS + BUCKET_SECONDS);
  });

  it('forgets a worker whose heartbeat stops, and one that says goodbye at once', async () => {
    // Long enough that no stall of a busy 2-core machine between a beat and the next read can
    // expire it early (it was 300 ms), short enough to wait for.
    const ttlMs = 5_000;
    const publisher = new MetricsPublisher(redis, prefix, { heartbeatTtlMs: ttlMs });
    const reader = new MetricsReader(redis, prefix);
    const beat = (workerId: string) =>
      publisher.heartbeat({
        workerId,
        hostname: 'h',
        pid: 1,
        startedAt: Date.now(),
        rssBytes: 1,
        heapUsedBytes: 1,
        eventLoopLagP99Ms: 1,
        activeJobs: 0,
        concurrency: 2,
        at: Date.now(),
      });
    const beatAt = Date.now();
    await beat('silent');
    await beat('polite');
    expect((await reader.liveWorkers()).map((w) => w.workerId)).toEqual(['polite', 'silent']);
    await publisher.removeWorker('polite');
    // Gone at once, while the silent one, which beat at the same moment, is still live.
    expect((await reader.liveWorkers()).map((w) => w.workerId)).toEqual(['silent']);
    await waitFor('the silent worker to expire', async () =>
      (await reader.liveWorkers()).length === 0 ? true : undefined,
    );
    // Forgotten because its beat expired, not before.
    expect(Date.now() - beatAt).toBeGreaterThanOrEqual(ttlMs);
  });
});
