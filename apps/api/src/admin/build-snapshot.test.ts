import {
  BUCKET_SECONDS,
  type FleetBucket,
  LATENCY_BOUNDS_SECONDS,
  planWorkers,
  type WorkerHeartbeat,
} from '@embedq/queue';
import type { Reembedding } from '@embedq/store';
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
    reembeddings: [],
    reembeddingsError: null,
    bullBoardPath: '/admin/queues',
    ...overrides,
  };
}

function reembedding(namespace: string, overrides: Partial<Reembedding> = {}): Reembedding {
  return {
    id: 1,
    namespace,
    fromIdentityId: 1,
    toIdentityId: 2,
    from: 'all-MiniLM-L6-v2 int8 1a2b3c4d5e6f',
    to: 'all-MiniLM-L6-v2 fp32 abcdefabcdef',
    state: 'running',
    keepSeconds: null,
    createdAt: new Date(NOW - 600_000),
    stateSince: new Date(NOW - 600_000),
    switchedAt: null,
    prunedAt: null,
    totalChunks: 3_000,
    doneChunks: 1_710,
    failedChunks: 90,
    countedAt: new Date(NOW - 4_000),
    chunksPerSecond: 40.04,
    etaSeconds: 30,
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

  it('lists the open re-embeddings by namespace, then those finished within a day, latest first', () => {
    const hours = (h: number) => new Date(NOW - h * 3_600_000);
    const reembeddings = [
      reembedding('zeta'),
      reembedding('old', { state: 'switched', stateSince: hours(25), switchedAt: hours(25) }),
      reembedding('earlier', { state: 'cancelled', stateSince: hours(5) }),
      reembedding('alpha', { state: 'paused', stateSince: hours(30), etaSeconds: null }),
      reembedding('later', { state: 'switched', stateSince: hours(1), doneChunks: 2_910 }),
    ];
    const s = buildSnapshot(data({ reembeddings }));
    expect(s.reembeddings.map((r) => [r.namespace, r.state])).toEqual([
      ['alpha', 'paused'],
      ['zeta', 'running'],
      ['later', 'switched'],
      ['earlier', 'cancelled'],
    ]);
    expect(s.reembeddingsError).toBeNull();
    expect(s.reembeddings[1]).toEqual({
      namespace: 'zeta',
      from: 'all-MiniLM-L6-v2 int8 1a2b3c4d5e6f',
      to: 'all-MiniLM-L6-v2 fp32 abcdefabcdef',
      state: 'running',
      done: 1_710,
      failed: 90,
      total: 3_000,
      percent: 57,
      chunksPerSecond: 40,
      etaSeconds: 30,
      countedAt: NOW - 4_000,
      stateSince: NOW - 600_000,
    });
    // The rate stored for a paused or finished one is from when it ran: not shown as current.
    expect(s.reembeddings[0]).toMatchObject({ chunksPerSecond: null, etaSeconds: null });
    expect(s.reembeddings[2]).toMatchObject({ percent: 97, chunksPerSecond: null, etaSeconds: null });
  });

  it('rounds the percentage down, counts an empty switched namespace as done, and carries a read error', () => {
    const percent = (overrides: Partial<Reembedding>) =>
      buildSnapshot(data({ reembeddings: [reembedding('ns', overrides)] })).reembeddings[0]?.percent;
    expect(percent({ totalChunks: 10_000, doneChunks: 9_999 })).toBe(99.9);
    expect(percent({ totalChunks: 3, doneChunks: 1 })).toBe(33.3);
    expect(percent({ totalChunks: 0, doneChunks: 0, failedChunks: 0 })).toBe(0);
    expect(percent({ totalChunks: 0, doneChunks: 0, failedChunks: 0, state: 'switched' })).toBe(100);

    const failed = buildSnapshot(data({ reembeddingsError: 'relation "reembeddings" does not exist' }));
    expect(failed.reembeddings).toEqual([]);
    expect(failed.reembeddingsError).toBe('relation "reembeddings" does not exist');
  });
});
