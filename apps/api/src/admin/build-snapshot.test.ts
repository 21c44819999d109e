import {
  BUCKET_SECONDS,
  type FleetBucket,
  LATENCY_BOUNDS_SECONDS,
  planWorkers,
  type WorkerHeartbeat,
} from '@embedq/queue';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, type FleetData } from './build-snapshot.js';

const NOW = 1_800_000_000_000;
const START = NOW / 1_000 - 60;

function bucket(i: number, chunks: Record<string, number> = {}, latencyIndex = 3): FleetBucket {
  const total = Object.values(chunks).reduce((a, b) => a + b, 0);
  const latency = new Array<number>(LATENCY_BOUNDS_SECONDS.length + 1).fill(0);
  latency[latencyIndex] = total;
  return {
    start: START + i * BUCKET_SECONDS,
    jobs: total > 0 ? 1 : 0,
    chunks: total,
    tokens: total * 60,
    inferenceMs: 0,
    readMs: 0,
    writeMs: 0,
    inferenceBatches: 0,
    failedAttempts: 0,
    failedJobs: 0,
    failedChunks: 0,
    latency,
    latencySumMs: 0,
    queueWait: latency,
    queueWaitSumMs: 0,
    batchDuration: [],
    backlog: undefined,
    workers: new Map(Object.entries(chunks).map(([id, c]) => [id, { chunks: c, rssBytes: 200 * 1_048_576 }])),
  };
}

function beat(workerId: string): WorkerHeartbeat {
  return {
    workerId,
    hostname: 'host',
    pid: 1,
    startedAt: NOW - 60_000,
    rssBytes: 250 * 1_048_576,
    heapUsedBytes: 20 * 1_048_576,
    eventLoopLagP99Ms: 250,
    activeJobs: 1,
    concurrency: 2,
    at: NOW - 2_000,
  };
}

const PLAN_SETTINGS = {
  slaSeconds: 60,
  utilisation: 0.8,
  fallbackTokensPerWorkerSec: 13_500,
  windowSeconds: 300,
  minWorkers: 0,
  targetChunksPerSec: 500,
};

function data(overrides: Partial<FleetData>): FleetData {
  return {
    now: NOW,
    windowSeconds: 60,
    target: 500,
    buckets: Array.from({ length: 12 }, (_, i) => bucket(i)),
    workers: [],
    pendingChunks: 0,
    plan: planWorkers(
      { now: NOW, buckets: [], liveWorkers: 0, pendingChunks: 0, pendingWordPieces: 0 },
      PLAN_SETTINGS,
    ),
    oldestWaitSeconds: 0,
    queues: [],
    failedLastHour: 0,
    recentFailures: [],
    bullBoardPath: '/admin/queues',
    ...overrides,
  };
}

describe('buildSnapshot', () => {
  it('rates the fleet over the last finished buckets against the target, and drains the backlog at that rate', () => {
    // Six finished buckets of 5 s with 1,250 chunks each from two workers (250 chunks/s), then
    // the current bucket, which does not count yet.
    const buckets = [
      ...Array.from({ length: 5 }, (_, i) => bucket(i)),
      ...Array.from({ length: 6 }, (_, i) => bucket(5 + i, { a: 1_000, b: 250 })),
      bucket(11, { a: 5_000 }),
    ];
    const s = buildSnapshot(data({ buckets, workers: [beat('a'), beat('b')], pendingChunks: 25_000 }));
    expect(s.throughput.current).toBe(250);
    expect(s.throughput.ratio).toBe(0.5);
    expect(s.backlog.drainSeconds).toBe(100);
    expect(s.throughput.chunksPerSec.at(-2)).toBe(250);
    expect(s.workers.live.map((w) => [w.workerId, w.chunksPerSec, w.rssMb])).toEqual([
      ['a', 200, 250],
      ['b', 50, 250],
    ]);
    expect(s.workers.series.map((w) => w.workerId)).toEqual(['a', 'b']);
    const bound = LATENCY_BOUNDS_SECONDS[3]!;
    expect(s.latency.currentEndToEnd?.p99).toBeLessThanOrEqual(bound);
    expect(s.latency.endToEnd.p50[0]).toBeNull();
  });

  it('says the backlog does not drain when nothing is embedded, and is empty when nothing waits', () => {
    expect(buildSnapshot(data({ pendingChunks: 10 })).backlog.drainSeconds).toBeNull();
    expect(buildSnapshot(data({ pendingChunks: 0 })).backlog.drainSeconds).toBe(0);
    const idle = buildSnapshot(data({}));
    expect(idle.throughput.current).toBe(0);
    expect(idle.latency.currentEndToEnd).toBeNull();
    expect(idle.workers.live).toEqual([]);
  });

  it('keeps a worker that stopped in the series, after the live ones', () => {
    const buckets = [bucket(0, { gone: 100 }), bucket(1, { live: 5 }), bucket(2)];
    const s = buildSnapshot(data({ buckets, workers: [beat('live')] }));
    expect(s.workers.series.map((w) => [w.workerId, w.live])).toEqual([
      ['live', true],
      ['gone', false],
    ]);
  });

  it('carries the plan, rounded for the page, with the oldest wait', () => {
    const plan = planWorkers(
      { now: NOW, buckets: [], liveWorkers: 2, pendingChunks: 30_000, pendingWordPieces: 30_000 * 64.03 },
      PLAN_SETTINGS,
    );
    const s = buildSnapshot(data({ plan, oldestWaitSeconds: 12.345 }));
    // 30,000 chunks x 66.03 tokens drained in 60 s, at 0.8 x 13,500 per worker: ceil(3.06).
    expect(s.plan).toMatchObject({
      needed: 4,
      have: 2,
      neededNow: 4,
      rateSource: 'configured',
      tokensPerWorkerSec: 13_500,
      backlogChunks: 30_000,
      tokensPerChunk: 66,
      slaSeconds: 60,
      utilisation: 0.8,
      targetChunksPerSec: 500,
      workersForTarget: 4,
      oldestWaitSeconds: 12.3,
    });
  });
});
