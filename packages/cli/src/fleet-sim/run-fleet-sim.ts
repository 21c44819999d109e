import { performance } from 'node:perf_hooks';
import { type Env, workerConfigFromEnv } from '@embedq/config';
import type { Embedder } from '@embedq/embedder';
import { createPool } from '@embedq/store';

import { createLogger, startWorker, type WorkerRuntime } from '@embedq/worker';
import type { ApiClient } from '../load/api-client.js';
import { runLoad } from '../load/run-load.js';
import { cpuSeconds, cpuSpent, pidsOf } from './process-cpu.js';
import { createStandInEmbedder } from './stand-in-embedder.js';

type Pool = ReturnType<typeof createPool>;

export interface FleetSimOptions {
  /** Stand-in workers in each step, e.g. 1, 2, 4, 8, 16, 32. */
  readonly workerCounts: readonly number[];
  /** Seed chunks posted in each step. */
  readonly chunks: number;
  readonly batchChunks: number;
  /** Requests in flight while posting. */
  readonly concurrency: number;
  readonly timeoutSeconds: number;
  /** The workers' environment: REDIS_URL, DATABASE_URL, QUEUE_PREFIX as the API's. */
  readonly env: Env;
  /** Database connections per stand-in worker (DATABASE_POOL_SIZE). */
  readonly poolSize: number;
  /** Jobs in flight per stand-in worker (WORKER_CONCURRENCY). */
  readonly workerConcurrency: number;
  /** Empty `batches` and `chunks` before each step (a scratch database only), so every step starts from the same index size. */
  readonly fresh: boolean;
  readonly progress: (line: string) => void;
}

/** One step: N stand-in workers draining one load. */
export interface FleetSimStep {
  readonly workers: number;
  readonly chunks: number;
  /** First enqueue to last vector, by the server's clock. */
  readonly seconds: number;
  readonly chunksPerSec: number;
  /** Enqueue to vector written, per chunk. */
  readonly queueLatencySeconds: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** CPU seconds per 10,000 chunks of PostgreSQL's processes on this machine; null when it runs elsewhere. */
  readonly postgresCpuPer10k: number | null;
  /** PostgreSQL's CPU seconds per wall second: 1.0 is one core busy. */
  readonly postgresCores: number | null;
  readonly redisCpuPer10k: number | null;
  /** This process's CPU per wall second (the stand-in workers and the load client together). */
  readonly simCores: number;
}

/**
 * Runs the same load through N stand-in workers for each N: the real worker runtime (BullMQ
 * consumers, reads, vector writes, metrics) with vectors from a stand-in instead of the model,
 * all in this process, against the running API, Redis and PostgreSQL. What limits chunks/s as N
 * grows is then what the fleet shares: PostgreSQL, Redis, this machine's cores.
 */
export async function runFleetSim(client: ApiClient, options: FleetSimOptions): Promise<FleetSimStep[]> {
  const steps: FleetSimStep[] = [];
  const embedder = createStandInEmbedder();
  const { services } = workerConfigFromEnv(options.env);
  const pool = createPool({
    url: services.databaseUrl,
    ssl: services.databaseSsl,
    max: 1,
    applicationName: 'embedq-fleet-sim',
  });
  try {
    for (const count of options.workerCounts) {
      if (options.fresh) await pool.query('TRUNCATE batches, chunks CASCADE');
      steps.push(await runStep(client, options, pool, embedder, count));
    }
  } finally {
    await pool.end();
  }
  return steps;
}

async function runStep(
  client: ApiClient,
  options: FleetSimOptions,
  pool: Pool,
  embedder: Embedder,
  count: number,
): Promise<FleetSimStep> {
  const workers: WorkerRuntime[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const config = workerConfigFromEnv({
        ...options.env,
        WORKER_ID: `fleet-sim-${i + 1}`,
        DATABASE_POOL_SIZE: String(options.poolSize),
        WORKER_CONCURRENCY: String(options.workerConcurrency),
        // The load is fresh: nothing for a reconciler to find, and N of them would only add queries.
        RECONCILE_INTERVAL_MS: '0',
      });
      workers.push(await startWorker({ config, logger: createLogger('warn', config.workerId), embedder }));
    }
    const postgres = await postgresPids(pool);
    const redis = pidsOf('-x', 'redis-server');
    const before = { postgres: cpuSeconds(postgres), redis: cpuSeconds(redis), sim: process.cpuUsage() };
    const started = performance.now();
    const load = await runLoad(client, {
      chunks: options.chunks,
      batchChunks: options.batchChunks,
      asDocuments: false,
      namespace: `fleet-sim-${count}`,
      concurrency: options.concurrency,
      probes: 0,
      searches: 0,
      timeoutSeconds: options.timeoutSeconds,
      cleanUp: false,
      progress: () => undefined,
    });
    const wall = (performance.now() - started) / 1_000;
    // Read before the workers close their connections: backends that exit are not counted.
    const postgresSpent = cpuSpent(before.postgres, cpuSeconds(await postgresPids(pool)));
    const redisSpent = cpuSpent(before.redis, cpuSeconds(pidsOf('-x', 'redis-server')));
    const sim = process.cpuUsage(before.sim);
    const per10k = (seconds: number) => (seconds / load.embedded) * 10_000;
    const step: FleetSimStep = {
      workers: count,
      chunks: load.embedded,
      seconds: load.seconds,
      chunksPerSec: load.chunksPerSec,
      queueLatencySeconds: load.queueLatencySeconds,
      postgresCpuPer10k: postgres.length === 0 ? null : per10k(postgresSpent),
      postgresCores: postgres.length === 0 ? null : postgresSpent / wall,
      redisCpuPer10k: redis.length === 0 ? null : per10k(redisSpent),
      simCores: (sim.user + sim.system) / 1e6 / wall,
    };
    options.progress(
      `fleet-sim: ${count} workers: ${step.chunksPerSec.toFixed(0)} chunks/s, p95 ${step.queueLatencySeconds.p95.toFixed(2)} s, postgres ${step.postgresCpuPer10k?.toFixed(2) ?? '-'} CPU s/10k`,
    );
    return step;
  } finally {
    await Promise.all(workers.map((worker) => worker.close(10_000)));
  }
}

/**
 * PostgreSQL's processes that work for this database, when the server runs on this machine: the
 * backends connected to it and the server's shared processes (WAL writer, checkpointer, background
 * writer), not the backends of other databases on the same server. None when it runs elsewhere.
 */
async function postgresPids(pool: Pool): Promise<number[]> {
  const result = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR backend_type <> 'client backend'`,
  );
  const local = new Set(pidsOf('-u', 'postgres'));
  return result.rows.map((row) => row.pid).filter((pid) => local.has(pid));
}
