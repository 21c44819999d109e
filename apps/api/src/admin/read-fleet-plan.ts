import type { PlannerConfig } from '@embedq/config';
import {
  type MetricsReader,
  planSettingsOf,
  QUEUE_KINDS,
  type QueueKind,
  readWorkerPlan,
  type WorkerPlanReading,
} from '@embedq/queue';
import type { Queryable } from '@embedq/store';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** What the API reads the worker plan from: the dashboard and /metrics alike. */
export interface FleetPlanSources {
  readonly reader: MetricsReader;
  readonly queues: Readonly<Record<QueueKind, Queue>>;
  /** The connection the queues use, for the one query BullMQ has no method for. */
  readonly redis: Redis;
  readonly db: Queryable;
  readonly target: number;
  readonly planner: PlannerConfig;
}

/** The worker plan over the embedding queues, with the deployment's planner settings. */
export function readFleetPlan(sources: FleetPlanSources, now?: number): Promise<WorkerPlanReading> {
  return readWorkerPlan(
    {
      reader: sources.reader,
      redis: sources.redis,
      queues: QUEUE_KINDS.map((kind) => sources.queues[kind]),
      db: sources.db,
    },
    planSettingsOf(sources.planner, sources.target),
    now,
  );
}
