import { type MetricsPublisher, QUEUE_KINDS, type QueueKind } from '@embedq/queue';
import type { FleetData } from './build-snapshot.js';
import type { FailedJobView, QueueView } from './dashboard/snapshot.js';
import { type FleetPlanSources, readFleetPlan } from './read-fleet-plan.js';
import { readReembeddings } from './read-reembeddings.js';

/** Job states shown per queue (Bull Board's tabs, minus the ones embedq never uses). */
export const JOB_STATES = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'completed',
  'failed',
  'paused',
] as const;
const HOUR_MS = 3_600_000;
/** Recent failures listed with their reasons, per queue. */
const RECENT_FAILURES = 25;

export interface FleetSources extends FleetPlanSources {
  readonly publisher: MetricsPublisher;
  readonly bullBoardPath: string;
}

/**
 * Reads the fleet's state for the dashboard: the metrics window from Redis, the live workers,
 * the backlog from Postgres (recorded into the window, so the backlog has a history), how many
 * workers the load needs, each queue's job counts and recent failures, and the re-embeddings.
 */
export async function readFleetData(sources: FleetSources, windowSeconds: number): Promise<FleetData> {
  const now = Date.now();
  const [buckets, reading, queues, failures, reembeddings] = await Promise.all([
    sources.reader.buckets(now - windowSeconds * 1_000, now),
    readFleetPlan(sources, now),
    Promise.all(QUEUE_KINDS.map((kind) => queueView(sources, kind))),
    Promise.all(QUEUE_KINDS.map((kind) => recentFailures(sources, kind, now))),
    readReembeddings(sources.db),
  ]);
  const { workers } = reading;
  const pendingChunks = reading.pending.chunks;
  await sources.publisher.recordBacklog(pendingChunks, now);
  const last = buckets.at(-1);
  // This read's own backlog sample belongs in the current bucket.
  const withBacklog =
    last === undefined ? buckets : [...buckets.slice(0, -1), { ...last, backlog: pendingChunks }];
  return {
    now,
    windowSeconds,
    target: sources.target,
    buckets: withBacklog,
    workers,
    pendingChunks,
    plan: reading.plan,
    oldestWaitSeconds: reading.oldestWaitSeconds,
    queues,
    failedLastHour: failures.reduce((sum, f) => sum + f.lastHour, 0),
    recentFailures: failures
      .flatMap((f) => f.recent)
      .sort((a, b) => b.failedAt - a.failedAt)
      .slice(0, RECENT_FAILURES),
    reembeddings: reembeddings.list,
    reembeddingsError: reembeddings.error,
    bullBoardPath: sources.bullBoardPath,
  };
}

async function queueView(sources: FleetSources, kind: QueueKind): Promise<QueueView> {
  const queue = sources.queues[kind];
  const counts = await queue.getJobCounts(...JOB_STATES);
  return {
    name: queue.name,
    kind,
    counts,
    link: `${sources.bullBoardPath}/queue/${encodeURIComponent(queue.name)}`,
  };
}

async function recentFailures(
  sources: FleetSources,
  kind: QueueKind,
  now: number,
): Promise<{ lastHour: number; recent: FailedJobView[] }> {
  const queue = sources.queues[kind];
  // The failed set is scored by when each job failed.
  const [lastHour, jobs] = await Promise.all([
    sources.redis.zcount(queue.toKey('failed'), now - HOUR_MS, '+inf'),
    queue.getFailed(0, RECENT_FAILURES - 1),
  ]);
  const recent = jobs
    .filter((job) => job !== undefined && (job.finishedOn ?? 0) >= now - HOUR_MS)
    .map((job) => {
      const data = job.data as { batchId?: unknown; from?: unknown; to?: unknown };
      const jobId = job.id ?? '';
      return {
        queue: queue.name,
        jobId,
        batchId: typeof data.batchId === 'string' ? data.batchId : null,
        range:
          typeof data.from === 'number' && typeof data.to === 'number' ? `${data.from}-${data.to}` : null,
        attempts: job.attemptsMade,
        reason: (job.failedReason ?? 'unknown').slice(0, 300),
        failedAt: job.finishedOn ?? now,
        link: `${sources.bullBoardPath}/queue/${encodeURIComponent(queue.name)}/${encodeURIComponent(jobId)}`,
      };
    });
  return { lastHour, recent };
}
