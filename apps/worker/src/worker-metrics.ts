import { hostname } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HEARTBEAT_INTERVAL_MS, type JobSample, MetricsPublisher, type QueueKind } from '@embedq/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EmbedJobResult } from './embed-job.js';

export interface WorkerMetricsOptions {
  /** A connection that fails fast when Redis is away (producer role); the caller closes it. */
  readonly redis: Redis;
  /** The queues' key prefix. */
  readonly prefix: string;
  readonly workerId: string;
  readonly concurrency: number;
  readonly logger: Logger;
  readonly heartbeatIntervalMs?: number;
}

/** What the worker runtime tells the fleet's metrics; none of it can fail a job. */
export interface WorkerMetrics {
  jobStarted(): void;
  jobDone(kind: QueueKind, job: Job, result: EmbedJobResult): void;
  jobFailed(kind: QueueKind, job: Job, chunks: number, final: boolean): void;
  /** Stops the heartbeat and leaves the live set. */
  close(): Promise<void>;
}

/** How often a failing Redis is worth a log line. */
const WARN_EVERY_MS = 60_000;

/**
 * Publishes this worker's job samples and heartbeats into Redis (packages/queue's metrics) on a
 * connection that fails fast: metrics are best effort, a Redis outage is the queue's
 * problem to report, and a job never waits for its metrics. Resolves after the first heartbeat
 * (or its failure).
 */
export async function startWorkerMetrics(options: WorkerMetricsOptions): Promise<WorkerMetrics> {
  const { workerId, logger } = options;
  const publisher = new MetricsPublisher(options.redis, options.prefix);
  const startedAt = Date.now();
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  let activeJobs = 0;
  let lastWarning = 0;
  // Awaited on close, so a late heartbeat cannot bring a stopped worker back to the live set.
  const inFlight = new Set<Promise<void>>();

  const publish = (what: string, send: () => Promise<void>) => {
    const sent = send().catch((error: unknown) => {
      if (Date.now() - lastWarning < WARN_EVERY_MS) return;
      lastWarning = Date.now();
      logger.warn({ err: error, what }, 'could not publish metrics');
    });
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  };
  const beat = () => {
    const memory = process.memoryUsage();
    const lagP99Ms = loopDelay.count === 0 ? 0 : loopDelay.percentile(99) / 1e6;
    loopDelay.reset();
    return publisher.heartbeat({
      workerId,
      hostname: hostname(),
      pid: process.pid,
      startedAt,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      eventLoopLagP99Ms: Math.round(lagP99Ms * 10) / 10,
      activeJobs,
      concurrency: options.concurrency,
      at: Date.now(),
    });
  };
  // The first beat is awaited, so a worker is on the dashboard as soon as it has started.
  publish('heartbeat', beat);
  await Promise.all(inFlight);
  const timer = setInterval(
    () => publish('heartbeat', beat),
    options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS,
  );
  timer.unref();

  return {
    jobStarted: () => {
      activeJobs++;
    },
    jobDone: (kind, job, result) => {
      activeJobs = Math.max(0, activeJobs - 1);
      const now = Date.now();
      const sample: JobSample = {
        workerId,
        queue: kind,
        chunks: result.written,
        tokens: result.tokens,
        inferenceMs: result.inferenceMs,
        readMs: result.readMs,
        writeMs: result.writeMs,
        batchMs: result.batchMs,
        queueWaitMs: Math.max(0, (job.processedOn ?? now) - job.timestamp),
        latencyMs: Math.max(0, now - job.timestamp),
        rssBytes: process.memoryUsage.rss(),
        at: now,
      };
      publish('job', () => publisher.recordJob(sample));
    },
    jobFailed: (kind, _job, chunks, final) => {
      activeJobs = Math.max(0, activeJobs - 1);
      publish('failure', () => publisher.recordFailure({ workerId, queue: kind, chunks, final }));
    },
    close: async () => {
      clearInterval(timer);
      loopDelay.disable();
      await Promise.all(inFlight);
      await publisher.removeWorker(workerId).catch(() => undefined);
    },
  };
}
