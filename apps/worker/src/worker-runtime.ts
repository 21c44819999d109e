import type { WorkerConfig } from '@embedq/config';
import { createEmbedder, type Embedder, logInferenceThreadEvents, MODEL_NAME } from '@embedq/embedder';
import {
  createConsumer,
  EMBED_CHUNKS_JOB,
  type EmbedChunksPayload,
  JobProducer,
  type QueueConnectionOptions,
  type QueueKind,
} from '@embedq/queue';
import { createPool, markChunksFailed } from '@embedq/store';
import { type Job, UnrecoverableError, type Worker } from 'bullmq';
import type { Logger } from 'pino';
import { type EmbedJobResult, embedJob } from './embed-job.js';
import { startReconcileSchedule } from './reconcile-schedule.js';
import { startWorkerMetrics } from './worker-metrics.js';

export interface WorkerRuntimeOptions {
  readonly config: WorkerConfig;
  readonly logger: Logger;
  /** An embedder to share (tests); by default the worker creates and owns one. */
  readonly embedder?: Embedder | undefined;
}

export interface WorkerRuntime {
  readonly workerId: string;
  /**
   * Stops taking jobs and waits for the running ones to finish, at most `timeoutMs`; jobs still
   * running then are abandoned and BullMQ hands them to another worker once their lock expires.
   * Safe to call twice.
   */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Starts consuming both queues. Interactive jobs have a consumer of their own, so a small batch
 * is picked up at once even while bulk jobs fill the bulk consumer; inference batches from all
 * jobs share the embedder's sessions.
 */
export async function startWorker(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { config, logger } = options;
  const embedder =
    options.embedder ??
    (await createEmbedder({
      precision: config.embedding.precision,
      ...(config.embedding.sessions === undefined ? {} : { sessions: config.embedding.sessions }),
      ...(config.embedding.threads === undefined ? {} : { threads: config.embedding.threads }),
      onInferenceThread: logInferenceThreadEvents(() => logger),
    }));
  const pool = createPool({
    url: config.services.databaseUrl,
    ssl: config.services.databaseSsl,
    max: config.services.databasePoolSize,
    applicationName: `embedq-worker ${config.workerId}`,
    // A job's write inserts into the HNSW index; a stuck one fails and is retried.
    statementTimeoutMs: 60_000,
    onIdleError: (error) => logger.warn({ err: error }, 'idle database connection failed'),
  });
  const deps = {
    db: pool,
    embedder,
    model: { model: MODEL_NAME, precision: embedder.precision },
    workerId: config.workerId,
  };
  const connection: QueueConnectionOptions = {
    url: config.services.redisUrl,
    tlsVerify: config.services.redisTlsVerify,
    prefix: config.services.queuePrefix,
  };

  // Jobs running now, so a shutdown that runs out of time can hand them back at once.
  const running = new Set<Job>();
  // Metrics and the reconciler share one connection that fails fast when Redis is away; the
  // consumers have their own, which wait and reconnect.
  const producer = new JobProducer(connection);
  const metrics = await startWorkerMetrics({
    redis: producer.redis,
    prefix: config.services.queuePrefix,
    workerId: config.workerId,
    concurrency: config.concurrency,
    logger,
  });

  const runJob = async (kind: QueueKind, payload: EmbedChunksPayload, job: Job): Promise<EmbedJobResult> => {
    running.add(job);
    const log = logger.child({
      queue: kind,
      jobId: job.id,
      batchId: payload.batchId,
      attempt: job.attemptsMade + 1,
    });
    metrics.jobStarted();
    try {
      const result = await embedJob(
        { ...deps, priority: kind === 'interactive' ? 'high' : 'normal' },
        payload,
      );
      log.info({ range: [payload.from, payload.to], ...roundTimes(result) }, 'job done');
      metrics.jobDone(kind, job, result);
      return result;
    } catch (error) {
      const attempts = job.opts.attempts ?? EMBED_CHUNKS_JOB.attempts;
      const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts;
      log.warn({ err: error, final }, final ? 'job failed for good' : 'job failed; will retry');
      metrics.jobFailed(kind, job, payload.to - payload.from, final);
      if (final) {
        const reason = error instanceof Error ? error.message : String(error);
        await markChunksFailed(pool, payload, reason).catch((markError: unknown) =>
          log.error({ err: markError }, 'could not record the failure on the chunks'),
        );
      }
      throw error;
    } finally {
      running.delete(job);
    }
  };

  const consumers: Worker[] = [
    createConsumer({ kind: 'interactive', connection, concurrency: 1, lockMs: config.jobLockMs }, (p, job) =>
      runJob('interactive', p, job),
    ),
    createConsumer(
      { kind: 'bulk', connection, concurrency: config.concurrency, lockMs: config.jobLockMs },
      (p, job) => runJob('bulk', p, job),
    ),
  ];
  for (const consumer of consumers) {
    consumer.on('error', (error) =>
      logger.warn({ err: error, queue: consumer.name }, 'queue connection error'),
    );
    void consumer.run();
  }
  const reconciler = startReconcileSchedule(pool, producer, config.reconcile, logger);
  logger.info(
    { concurrency: config.concurrency, precision: embedder.precision, model: MODEL_NAME },
    'worker started',
  );

  let closing: Promise<void> | undefined;
  const close = (timeoutMs = config.shutdownTimeoutMs): Promise<void> => {
    closing ??= (async () => {
      logger.info({ timeoutMs }, 'worker stopping: no new jobs');
      const drained = Promise.all(consumers.map((c) => c.close())).then(() => true);
      const timedOut = new Promise<false>((resolve) => setTimeout(resolve, timeoutMs, false).unref());
      if (!(await Promise.race([drained, timedOut]))) {
        // Back to waiting now rather than when their locks expire (JOB_LOCK_MS), so another worker
        // starts them at once; whatever this process had written stays (writes are idempotent).
        logger.warn(
          { jobs: [...running].map((job) => job.id) },
          'running jobs did not finish in time; handing them back',
        );
        await Promise.all(
          [...running].map((job) =>
            job
              .moveToWait(job.token)
              .catch((error: unknown) =>
                logger.warn(
                  { err: error, jobId: job.id },
                  'could not hand the job back; its lock will expire',
                ),
              ),
          ),
        );
        await Promise.all(consumers.map((c) => c.close(true)));
      }
      await reconciler.stop();
      await metrics.close();
      await producer.close();
      if (options.embedder === undefined) await embedder.close();
      await pool.end();
      logger.info('worker stopped');
    })();
    return closing;
  };
  return { workerId: config.workerId, close };
}

function roundTimes(result: EmbedJobResult): Record<string, number> {
  return {
    written: result.written,
    reused: result.reused,
    inferred: result.inferred,
    readMs: Math.round(result.readMs),
    embedMs: Math.round(result.embedMs),
    writeMs: Math.round(result.writeMs),
  };
}
