import { hostname } from 'node:os';
import { LOG_LEVELS } from './api-config.js';
import { type Env, EnvReader } from './env-reader.js';
import type { WorkerConfig } from './interfaces.js';
import { readEmbeddingConfig, readServiceConfig } from './service-config.js';

/** The worker's configuration; throws a ConfigError naming every bad variable. */
export function workerConfigFromEnv(env: Env, pid: number = process.pid): WorkerConfig {
  const read = new EnvReader(env);
  const config: WorkerConfig = {
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    services: readServiceConfig(read, 4),
    embedding: readEmbeddingConfig(read),
    concurrency: read.integer('WORKER_CONCURRENCY', 2, { min: 1, max: 64 }),
    shutdownTimeoutMs: read.integer('SHUTDOWN_TIMEOUT_MS', 20_000, { min: 0, max: 600_000 }),
    workerId: read.optionalString('WORKER_ID') ?? read.optionalString('DYNO') ?? `${hostname()}:${pid}`,
  };
  read.done();
  return config;
}
