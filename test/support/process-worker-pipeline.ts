import type { Env } from '@embedq/config';
import { createEmbedder, type Embedder } from '@embedq/embedder';
import { afterAll, beforeAll } from 'vitest';
import { type Pipeline, startPipeline } from './pipeline.js';
import type { ServiceUrls } from './services.js';
import { started } from './started.js';
import { WorkerProcess } from './worker-process.js';

/** A pipeline whose workers are processes of their own, which the suite starts and stops. */
export interface ProcessWorkerPipeline {
  /** The API (no worker in this process), its database and queues; set by the suite's beforeAll. */
  readonly pipeline: Pipeline;
  /** Every worker process started so far, in order. */
  readonly workers: readonly WorkerProcess[];
  /** Starts a worker process on the pipeline's services, with `env` on top of the pipeline's. */
  startWorkerProcess(env: Env): WorkerProcess;
}

/**
 * For suites that kill, stop or pair worker processes: registers a beforeAll that starts the API
 * with no worker of its own (and no interactive queue, so every job goes where the tests look),
 * and an afterAll that kills any worker still running and tears the pipeline down. `env` goes to
 * the API and every worker.
 */
export function useProcessWorkerPipeline(
  services: ServiceUrls | undefined,
  env: Env = {},
): ProcessWorkerPipeline {
  let embedder: Embedder | undefined;
  let pipeline: Pipeline | undefined;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    if (services === undefined) return;
    // The API only embeds queries here; the workers load their own model.
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    pipeline = await startPipeline(services, embedder, {
      env: { INTERACTIVE_MAX_CHUNKS: '0', ...env },
      worker: false,
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await pipeline?.close();
    await embedder?.close();
  });

  return {
    get pipeline() {
      return started(pipeline, 'the pipeline');
    },
    workers,
    startWorkerProcess(extra) {
      const worker = new WorkerProcess({ ...started(pipeline, 'the pipeline').env, ...extra });
      workers.push(worker);
      return worker;
    },
  };
}
