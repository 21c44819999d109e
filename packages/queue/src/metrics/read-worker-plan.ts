import type { PlannerConfig } from '@embedq/config';
import { type PendingWork, pendingWork, type Queryable } from '@embedq/store';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { oldestWaitingSince } from '../oldest-waiting-job.js';
import type { WorkerHeartbeat } from './interfaces.js';
import type { MetricsReader } from './metrics-reader.js';
import { type PlanSettings, planReadSeconds, planWorkers, type WorkerPlan } from './plan-workers.js';

export interface WorkerPlanSources {
  readonly reader: MetricsReader;
  /** The connection the queues use. */
  readonly redis: Redis;
  /** The queues whose waiting jobs count (the embedding queues). */
  readonly queues: readonly Queue[];
  readonly db: Queryable;
}

export interface WorkerPlanReading {
  readonly plan: WorkerPlan;
  /** Seconds the longest-waiting job has waited since its enqueue; 0 when no job waits. */
  readonly oldestWaitSeconds: number;
  readonly workers: readonly WorkerHeartbeat[];
  readonly pending: PendingWork;
  /** Epoch ms the figures are for. */
  readonly now: number;
}

/** The planner's settings from its configuration and a throughput target (chunks/s, 0: none). */
export function planSettingsOf(config: PlannerConfig, targetChunksPerSec: number): PlanSettings {
  return {
    slaSeconds: config.latencySlaSeconds,
    utilisation: config.utilisation,
    fallbackTokensPerWorkerSec: config.workerTokensPerSec,
    windowSeconds: config.windowSeconds,
    minWorkers: config.minWorkers,
    targetChunksPerSec,
  };
}

/**
 * Reads what the planner needs (the metrics buckets, live workers, the backlog in chunks and word
 * pieces, the oldest waiting job) and plans. Reads only: callers that want this moment's backlog
 * in the history record it themselves.
 */
export async function readWorkerPlan(
  sources: WorkerPlanSources,
  settings: PlanSettings,
  now: number = Date.now(),
): Promise<WorkerPlanReading> {
  const [buckets, workers, pending, oldestSince] = await Promise.all([
    sources.reader.buckets(now - planReadSeconds(settings.windowSeconds) * 1_000, now),
    sources.reader.liveWorkers(now),
    pendingWork(sources.db),
    oldestWaitingSince(sources.redis, sources.queues),
  ]);
  const plan = planWorkers(
    {
      now,
      buckets,
      liveWorkers: workers.length,
      pendingChunks: pending.chunks,
      pendingWordPieces: pending.wordPieces,
    },
    settings,
  );
  const oldestWaitSeconds = oldestSince === undefined ? 0 : Math.max(0, (now - oldestSince) / 1_000);
  return { plan, oldestWaitSeconds, workers, pending, now };
}
