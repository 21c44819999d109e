import {
  addCounts,
  BUCKET_SECONDS,
  type FleetBucket,
  LATENCY_BOUNDS_SECONDS,
  quantile,
  type WorkerHeartbeat,
  type WorkerPlan,
} from '@embedq/queue';
import type { Reembedding } from '@embedq/store';
import type {
  DashboardSnapshot,
  FailedJobView,
  PlanView,
  QuantileSeries,
  Quantiles,
  QueueView,
  WorkerSeries,
  WorkerView,
} from './dashboard/snapshot.js';
import { reembeddingViews } from './reembedding-views.js';

/** The seed report's bar: a worker under 300 MB, on a 512 MB dyno. */
export const RSS_TARGET_MB = 300;
export const DYNO_LIMIT_MB = 512;
/** The "current" rate and latency average over this many seconds of finished buckets. */
export const CURRENT_SECONDS = 30;
/** Charts draw at most this many workers, busiest first. */
const MAX_WORKER_SERIES = 12;

/** Everything the dashboard shows, as read from Redis, Postgres and the queues. */
export interface FleetData {
  readonly now: number;
  readonly windowSeconds: number;
  readonly target: number;
  /** The window's buckets, oldest first, the current (unfinished) one last. */
  readonly buckets: readonly FleetBucket[];
  readonly workers: readonly WorkerHeartbeat[];
  readonly pendingChunks: number;
  /** How many workers the load needs, planned on a window of its own (PLANNER_WINDOW_SECONDS). */
  readonly plan: WorkerPlan;
  readonly oldestWaitSeconds: number;
  readonly queues: readonly QueueView[];
  readonly failedLastHour: number;
  readonly recentFailures: readonly FailedJobView[];
  /** As listReembeddings answers them; empty when they could not be read. */
  readonly reembeddings: readonly Reembedding[];
  /** Why they could not be read, if so. */
  readonly reembeddingsError: string | null;
  readonly bullBoardPath: string;
}

const MB = 1_048_576;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Turns raw fleet data into the series and figures the page draws. Pure. */
export function buildSnapshot(data: FleetData): DashboardSnapshot {
  const { buckets, now } = data;
  // The last bucket is still filling: "current" figures use finished buckets only.
  const finished = buckets.slice(0, -1);
  const recent = finished.slice(-Math.round(CURRENT_SECONDS / BUCKET_SECONDS));
  const recentSeconds = Math.max(recent.length * BUCKET_SECONDS, BUCKET_SECONDS);
  const current = sum(recent, (b) => b.chunks) / recentSeconds;
  const drainSeconds = data.pendingChunks === 0 ? 0 : current > 0 ? data.pendingChunks / current : null;
  return {
    generatedAt: now,
    bucketSeconds: BUCKET_SECONDS,
    windowSeconds: data.windowSeconds,
    currentSeconds: CURRENT_SECONDS,
    times: buckets.map((b) => b.start * 1_000),
    throughput: {
      chunksPerSec: buckets.map((b) => round(b.chunks / BUCKET_SECONDS)),
      target: data.target,
      current: round(current),
      ratio: data.target > 0 ? round(current / data.target, 3) : 0,
      tokensPerSec: round(sum(recent, (b) => b.tokens) / recentSeconds),
    },
    latency: {
      endToEnd: quantileSeries(buckets, (b) => b.latency),
      queueWait: quantileSeries(buckets, (b) => b.queueWait),
      currentEndToEnd: quantilesOf(recent.reduce((acc, b) => addCounts(acc, b.latency), [] as number[])),
      currentQueueWait: quantilesOf(recent.reduce((acc, b) => addCounts(acc, b.queueWait), [] as number[])),
    },
    backlog: {
      chunks: buckets.map((b) => b.backlog ?? null),
      current: data.pendingChunks,
      drainSeconds: drainSeconds === null ? null : Math.round(drainSeconds),
    },
    workers: {
      live: data.workers.map((w) => workerView(w, recent, recentSeconds, now)),
      series: workerSeries(buckets, data.workers),
      rssTargetMb: RSS_TARGET_MB,
      dynoLimitMb: DYNO_LIMIT_MB,
    },
    plan: planView(data.plan, data.oldestWaitSeconds),
    failures: {
      lastHour: data.failedLastHour,
      reasons: reasonsOf(data.recentFailures),
      recent: data.recentFailures,
    },
    queues: data.queues,
    reembeddings: reembeddingViews(data.reembeddings, now),
    reembeddingsError: data.reembeddingsError,
    links: { bullBoard: data.bullBoardPath },
  };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

function quantilesOf(counts: readonly number[]): Quantiles | null {
  const p50 = quantile(LATENCY_BOUNDS_SECONDS, counts, 0.5);
  const p95 = quantile(LATENCY_BOUNDS_SECONDS, counts, 0.95);
  const p99 = quantile(LATENCY_BOUNDS_SECONDS, counts, 0.99);
  if (p50 === undefined || p95 === undefined || p99 === undefined) return null;
  return { p50: round(p50, 2), p95: round(p95, 2), p99: round(p99, 2) };
}

function quantileSeries(
  buckets: readonly FleetBucket[],
  counts: (bucket: FleetBucket) => readonly number[],
): QuantileSeries {
  const each = buckets.map((b) => quantilesOf(counts(b)));
  return {
    p50: each.map((q) => q?.p50 ?? null),
    p95: each.map((q) => q?.p95 ?? null),
    p99: each.map((q) => q?.p99 ?? null),
  };
}

function workerView(
  beat: WorkerHeartbeat,
  recent: readonly FleetBucket[],
  recentSeconds: number,
  now: number,
): WorkerView {
  const chunks = sum(recent, (b) => b.workers.get(beat.workerId)?.chunks ?? 0);
  return {
    workerId: beat.workerId,
    hostname: beat.hostname,
    pid: beat.pid,
    rssMb: round(beat.rssBytes / MB),
    heapUsedMb: round(beat.heapUsedBytes / MB),
    eventLoopLagP99Ms: beat.eventLoopLagP99Ms,
    activeJobs: beat.activeJobs,
    concurrency: beat.concurrency,
    chunksPerSec: round(chunks / recentSeconds),
    uptimeSeconds: Math.max(0, Math.round((now - beat.startedAt) / 1_000)),
    lastSeenSeconds: Math.max(0, Math.round((now - beat.at) / 1_000)),
  };
}

/** Each worker seen in the window (live ones first, then the busiest), bucket by bucket. */
function workerSeries(buckets: readonly FleetBucket[], live: readonly WorkerHeartbeat[]): WorkerSeries[] {
  const liveIds = new Set(live.map((w) => w.workerId));
  const chunksOf = new Map<string, number>();
  for (const id of liveIds) chunksOf.set(id, 0);
  for (const bucket of buckets) {
    for (const [id, entry] of bucket.workers) chunksOf.set(id, (chunksOf.get(id) ?? 0) + entry.chunks);
  }
  const ids = [...chunksOf.keys()]
    .sort(
      (a, b) =>
        Number(liveIds.has(b)) - Number(liveIds.has(a)) ||
        (chunksOf.get(b) ?? 0) - (chunksOf.get(a) ?? 0) ||
        a.localeCompare(b),
    )
    .slice(0, MAX_WORKER_SERIES);
  return ids.map((workerId) => ({
    workerId,
    live: liveIds.has(workerId),
    rssMb: buckets.map((b) => {
      const rss = b.workers.get(workerId)?.rssBytes;
      return rss === undefined ? null : round(rss / MB);
    }),
    chunksPerSec: buckets.map((b) => round((b.workers.get(workerId)?.chunks ?? 0) / BUCKET_SECONDS)),
  }));
}

function planView(plan: WorkerPlan, oldestWaitSeconds: number): PlanView {
  return {
    needed: plan.needed,
    have: plan.have,
    neededNow: plan.neededNow,
    tokensPerWorkerSec: Math.round(plan.tokensPerWorkerSec),
    rateSource: plan.rateSource,
    arrivalChunksPerSec: round(plan.arrivalChunksPerSec),
    arrivalTokensPerSec: Math.round(plan.arrivalTokensPerSec),
    backlogChunks: plan.backlogChunks,
    backlogTokens: plan.backlogTokens,
    tokensPerChunk: round(plan.tokensPerChunk),
    slaSeconds: plan.slaSeconds,
    utilisation: plan.utilisation,
    windowSeconds: plan.windowSeconds,
    stabilizationSeconds: plan.stabilizationSeconds,
    targetChunksPerSec: plan.targetChunksPerSec,
    workersForTarget: plan.workersForTarget,
    oldestWaitSeconds: round(oldestWaitSeconds),
  };
}

function reasonsOf(failures: readonly FailedJobView[]): { reason: string; jobs: number }[] {
  const counts = new Map<string, number>();
  for (const failure of failures) counts.set(failure.reason, (counts.get(failure.reason) ?? 0) + 1);
  return [...counts]
    .map(([reason, jobs]) => ({ reason, jobs }))
    .sort((a, b) => b.jobs - a.jobs || a.reason.localeCompare(b.reason));
}
