import { hostname } from 'node:os';
import { LOG_LEVELS } from './api-config.js';
import { type Env, EnvReader } from './env-reader.js';
import type { ReconcileConfig, ServiceConfig, WorkerConfig } from './interfaces.js';
import { readEmbeddingConfig, readServiceConfig } from './service-config.js';

/** What `embedq reconcile` needs: the services and the reconciler's settings. */
export function reconcilerConfigFromEnv(env: Env): { services: ServiceConfig; reconcile: ReconcileConfig } {
  const read = new EnvReader(env);
  const config = { services: readServiceConfig(read, 2), reconcile: readReconcileConfig(read) };
  read.done();
  return config;
}

function readReconcileConfig(read: EnvReader): ReconcileConfig {
  return {
    intervalMs: read.integer('RECONCILE_INTERVAL_MS', 60_000, { min: 0, max: 86_400_000 }),
    graceSeconds: read.integer('RECONCILE_GRACE_SECONDS', 60, { min: 0, max: 86_400 }),
    jobChunks: read.integer('JOB_CHUNKS', 256, { min: 1, max: 10_000 }),
  };
}

/** The worker's configuration; throws a ConfigError naming every bad variable. */
export function workerConfigFromEnv(env: Env, pid: number = process.pid): WorkerConfig {
  const read = new EnvReader(env);
  const config: WorkerConfig = {
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    services: readServiceConfig(read, 4),
    embedding: readEmbeddingConfig(read),
    concurrency: read.integer('WORKER_CONCURRENCY', 4, { min: 1, max: 64 }),
    shutdownTimeoutMs: read.integer('SHUTDOWN_TIMEOUT_MS', 20_000, { min: 0, max: 600_000 }),
    workerId: read.optionalString('WORKER_ID') ?? read.optionalString('DYNO') ?? `${hostname()}:${pid}`,
    jobLockMs: read.integer('JOB_LOCK_MS', 30_000, { min: 1_000, max: 600_000 }),
    reconcile: readReconcileConfig(read),
    reembed: {
      intervalMs: read.integer('REEMBED_INTERVAL_MS', 5_000, { min: 0, max: 3_600_000 }),
      jobChunks: read.integer('JOB_CHUNKS', 256, { min: 1, max: 10_000 }),
    },
    extraGraphIdleMs: read.integer('GRAPH_IDLE_MS', 60_000, { min: 0, max: 86_400_000 }),
    webhooks: {
      allowPrivate: read.boolean('WEBHOOK_ALLOW_PRIVATE', false),
      retryDelaysSeconds: read.numberList('WEBHOOK_RETRY_DELAYS', DEFAULT_WEBHOOK_RETRY_DELAYS, {
        max: 604_800,
      }),
      timeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 5_000, { min: 100, max: 60_000 }),
      concurrency: read.integer('WEBHOOK_CONCURRENCY', 16, { min: 1, max: 256 }),
    },
  };
  read.done();
  return config;
}

/** The Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_WEBHOOK_RETRY_DELAYS: readonly number[] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
