import type { WorkerConfig } from '@embedq/config';
import {
  createEmbedder,
  type Embedder,
  engineFor,
  type GraphKey,
  GraphSet,
  graphFile,
  graphIdentity,
  localGraphs,
  logInferenceEngine,
  logInferenceSizing,
  logInferenceThreadEvents,
  type Precision,
  readCpuBudget,
  sizeInference,
  UNRECORDED_GRAPHS,
} from '@embedq/embedder';
import {
  createConsumer,
  createWebhookConsumer,
  EMBED_CHUNKS_JOB,
  type EmbedChunksPayload,
  JobProducer,
  type QueueConnectionOptions,
  type QueueKind,
  WebhookQueue,
} from '@embedq/queue';
import {
  batchIdentities,
  createPool,
  decideFinishedBatches,
  lazyModelIdentity,
  localGraphResolver,
  markChunksFailed,
} from '@embedq/store';
import { type Job, UnrecoverableError, WaitingError, type Worker } from 'bullmq';
import type { Logger } from 'pino';
import { deliverWebhook } from './deliver-webhook.js';
import { type EmbedJobResult, embedJob } from './embed-job.js';
import { IdleGate } from './idle-gate.js';
import { startReconcileSchedule } from './reconcile-schedule.js';
import { startReembedSchedule } from './reembed-schedule.js';
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
   * held then, running or taken and not started, go back to waiting at once (one that cannot,
   * when its lock expires); it returns once the running ones have ended. Logs 'worker stopping'
   * with the ids of the jobs held when it began (`jobs`) and 'worker stopped' with `handedBack`,
   * the count returned to waiting. Safe to call twice.
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
  const embedder = options.embedder ?? (await createOwnEmbedder(config, logger));
  // Another precision's graph, for a re-embedding to it or a namespace switched to it: loaded on
  // the first job that needs it, released a minute after the last.
  const graphs = new GraphSet({
    primary: embedder,
    open: (graph) => createOwnEmbedder({ ...config, embedding: extraGraphSizing(config, graph) }, logger),
    idleMs: config.extraGraphIdleMs,
    onChange: (event) => logger.info(event, `graph ${event.action}`),
  });
  const pool = createPool({
    url: config.services.databaseUrl,
    ssl: config.services.databaseSsl,
    max: config.services.databasePoolSize,
    applicationName: `embedq-worker ${config.workerId}`,
    // A job's write inserts into the HNSW index; a stuck one fails and is retried.
    statementTimeoutMs: 60_000,
    onIdleError: (error) => logger.warn({ err: error }, 'idle database connection failed'),
  });
  const identity = await graphIdentity(embedder.precision);
  const graphOf = localGraphResolver(pool, (precision) => localGraphs(precision as Precision));
  const deps = {
    db: pool,
    embedder,
    identityId: lazyModelIdentity(
      pool,
      identity,
      // A model folder without that graph has nothing to adopt them with.
      await graphIdentity(UNRECORDED_GRAPHS[embedder.precision]).catch(() => undefined),
    ),
    withGraph: async <T>(identityId: number, fn: (e: Embedder) => Promise<T>) =>
      graphs.use((await graphOf(identityId)) as GraphKey, fn),
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
  const webhooks = new WebhookQueue(producer.redis, config.services.queuePrefix);
  const metrics = await startWorkerMetrics({
    redis: producer.redis,
    prefix: config.services.queuePrefix,
    workerId: config.workerId,
    concurrency: config.concurrency,
    logger,
  });

  // After a job wrote the last of its batch's chunks: the batch's final event and its webhook
  // deliveries, decided once. A failure here leaves it to the reconciler's sweep; the job's own
  // work is done and stays done.
  const decideBatchEvent = async (batchId: string, log: Logger) => {
    try {
      const finished = await decideFinishedBatches(pool, { batchIds: [batchId] });
      await webhooks.enqueueFirstAttempts(finished.deliveryIds);
      if (finished.batches > 0) log.debug({ deliveries: finished.deliveryIds.length }, 'batch finished');
    } catch (error) {
      log.warn({ err: error }, 'could not decide the batch event; the reconciler will');
    }
  };

  /**
   * After an ingest job: while its namespace is re-embedded, the chunks get the new graph's
   * vectors too, at ingest priority (so new chunks never hold a switch-over back); and when a
   * switch-over moved the batch to another identity while the job ran, its chunks are embedded
   * with that one now. A failure here is left to the driver and the reconciler.
   */
  const followUp = async (payload: EmbedChunksPayload, done: EmbedJobResult, log: Logger) => {
    try {
      const needs = await batchIdentities(pool, payload.batchId);
      if (needs.identityId !== null && done.identityId !== null && needs.identityId !== done.identityId) {
        const again = await embedJob(deps, payload);
        if (again.finishedBatch) await decideBatchEvent(payload.batchId, log);
      }
      if (needs.reembedTo !== null) {
        const both = await embedJob(deps, { ...payload, identityId: needs.reembedTo });
        log.debug(
          { identityId: needs.reembedTo, written: both.written },
          'embedded for the re-embedding too',
        );
      }
    } catch (error) {
      log.warn({ err: error }, 'could not embed the chunks for another identity; the driver will');
    }
  };

  // Ingest jobs embedding now; re-embedding jobs wait for none between their slices.
  const ingest = new IdleGate();

  // Set once a shutdown runs out of time and hands its jobs back.
  let handingBack = false;
  const runJob = async (kind: QueueKind, payload: EmbedChunksPayload, job: Job): Promise<EmbedJobResult> => {
    // A job BullMQ took before the stop but starts only now was handed back with the rest: not
    // started here (a WaitingError leaves it where it is).
    if (handingBack) throw new WaitingError();
    running.add(job);
    const log = logger.child({
      queue: kind,
      jobId: job.id,
      batchId: payload.batchId,
      attempt: job.attemptsMade + 1,
    });
    metrics.jobStarted();
    try {
      const reembedding = payload.identityId !== undefined;
      const jobDeps = {
        ...deps,
        priority: kind === 'interactive' ? ('high' as const) : ('normal' as const),
        reembedSlice: <T>(work: () => Promise<T>) => ingest.yieldingTurn(work),
        // One inference batch: the extra graph's one session busy, and no longer.
        reembedSliceTexts: 64,
      };
      const result = reembedding
        ? await embedJob(jobDeps, payload)
        : await ingest.during(() => embedJob(jobDeps, payload));
      log.info(
        { range: [payload.from, payload.to], identityId: payload.identityId, ...roundTimes(result) },
        'job done',
      );
      metrics.jobDone(kind, job, result);
      // A job whose write left its batch with nothing pending decides, and one that had nothing
      // to write (a batch whose vectors were all carried over, a job run twice) looks; the
      // reconciler's sweep covers a job that died between its write and this. A re-embedding's
      // job leaves the batch's counts alone.
      if (!reembedding && (result.finishedBatch || result.written === 0))
        await decideBatchEvent(payload.batchId, log);
      if (!reembedding) await followUp(payload, result, log);
      return result;
    } catch (error) {
      const attempts = job.opts.attempts ?? EMBED_CHUNKS_JOB.attempts;
      const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts;
      log.warn({ err: error, final }, final ? 'job failed for good' : 'job failed; will retry');
      metrics.jobFailed(kind, job, payload.to - payload.from, final);
      if (final) {
        const reason = error instanceof Error ? error.message : String(error);
        const marked = await markChunksFailed(pool, payload, reason, payload.identityId).then(
          () => true,
          (markError: unknown) => {
            log.error({ err: markError }, 'could not record the failure on the chunks');
            return false;
          },
        );
        if (marked && payload.identityId === undefined) await decideBatchEvent(payload.batchId, log);
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
  // Webhook deliveries: network-bound, so many in flight; they use no inference.
  consumers.push(
    createWebhookConsumer(connection, config.webhooks.concurrency, async (payload, job) => {
      const log = logger.child({ queue: 'webhooks', jobId: job.id, deliveryId: payload.deliveryId });
      const result = await deliverWebhook({ db: pool, webhooks, config: config.webhooks }, payload);
      if (result.action === 'skipped') log.debug({ why: result.why }, 'webhook attempt skipped');
      else if (result.outcome.ok)
        log.info({ attempt: payload.attempt, ms: result.outcome.ms }, 'webhook delivered');
      else
        log.warn(
          {
            attempt: payload.attempt,
            statusCode: result.outcome.statusCode,
            error: result.outcome.error,
            retryInMs: result.retryInMs,
            webhookDisabled: result.webhookDisabled,
          },
          result.retryInMs === undefined ? 'webhook delivery given up' : 'webhook attempt failed; will retry',
        );
      return result.action;
    }),
  );
  for (const consumer of consumers) {
    consumer.on('error', (error) =>
      logger.warn({ err: error, queue: consumer.name }, 'queue connection error'),
    );
    void consumer.run();
  }
  const reconciler = startReconcileSchedule(pool, producer, webhooks, config.reconcile, logger);
  const reembedder = startReembedSchedule(pool, producer, webhooks, config.reembed, logger);
  logger.info({ concurrency: config.concurrency, ...identity }, 'worker started');

  /**
   * Every job a consumer of this process holds the lock of, with its lock token: the running ones
   * and those BullMQ has taken (active in Redis) but not started yet, which it does when several
   * slots are free at once (it takes up to `concurrency` jobs before starting the first).
   */
  const heldJobs = async (): Promise<Map<string, { job: Job; token: string }>> => {
    const held = new Map<string, { job: Job; token: string }>();
    for (const job of running)
      if (job.id !== undefined && job.token) held.set(job.id, { job, token: job.token });
    try {
      for (const [i, kind] of (['interactive', 'bulk'] as const).entries()) {
        const queue = producer.queues[kind];
        for (const job of await queue.getActive()) {
          if (job?.id === undefined || held.has(job.id)) continue;
          // BullMQ's lock tokens are `<worker id>:<n>`.
          const token = await producer.redis.get(`${queue.toKey(job.id)}:lock`);
          if (token?.startsWith(`${consumers[i]?.id}:`)) held.set(job.id, { job, token });
        }
      }
    } catch (error) {
      logger.warn({ err: error }, 'could not list the jobs taken but not started; their locks will expire');
    }
    return held;
  };

  let closing: Promise<void> | undefined;
  const close = (timeoutMs = config.shutdownTimeoutMs): Promise<void> => {
    closing ??= (async () => {
      // Closing sets each consumer's flag at once: no job is taken from here on.
      const drained = Promise.all(consumers.map((c) => c.close())).then(() => true);
      const timedOut = new Promise<false>((resolve) => setTimeout(resolve, timeoutMs, false).unref());
      // The jobs held when the stop began: the fault tests check that exactly these finish here
      // (a drain) or go back to waiting (a hand-back), and that no other job is taken.
      const atStop = [...(await heldJobs()).keys()];
      logger.info({ timeoutMs, jobs: atStop }, 'worker stopping: no new jobs');
      // How many jobs went back to waiting, logged with 'worker stopped' (0 after a drain).
      let handedBack = 0;
      const drainedInTime = await Promise.race([drained, timedOut]);
      if (!drainedInTime) {
        handingBack = true;
        // Back to waiting now rather than when their locks expire (JOB_LOCK_MS), so another worker
        // starts them at once; whatever this process had written stays (writes are idempotent).
        const held = [...(await heldJobs()).values()];
        logger.warn(
          { jobs: held.map(({ job }) => job.id) },
          'running jobs did not finish in time; handing them back',
        );
        await Promise.all(
          held.map(({ job, token }) =>
            job.moveToWait(token).then(
              () => {
                handedBack++;
              },
              (error: unknown) =>
                logger.warn(
                  { err: error, jobId: job.id },
                  'could not hand the job back; its lock will expire',
                ),
            ),
          ),
        );
      }
      // After a hand-back too, the consumers close only once the jobs they started have ended:
      // exiting while a session runs aborts the process (onnxruntime's native callback outlives
      // it). So the handed-back jobs still embedding delay the exit, not another worker.
      await drained;
      await reconciler.stop();
      await reembedder.stop();
      await metrics.close();
      await webhooks.close();
      await producer.close();
      await graphs.close();
      if (options.embedder === undefined) await embedder.close();
      await pool.end();
      logger.info({ handedBack }, 'worker stopped');
    })();
    return closing;
  };
  return { workerId: config.workerId, close };
}

/**
 * Another precision's graph runs in one session with every thread: measured with fp32 on 2 vCPUs
 * (2026-12-07, 5k seed chunks), 2 sessions x 1 thread made 188.6 chunks/s at 298 MB, 1 x 2
 * made 155.8 at 204 MB. Beside the resident graph, the 94 MB decide it: with two sessions a
 * worker re-embedding to fp32 peaked at 417-480 MB, too near a 512 MB dyno.
 */
function extraGraphSizing(config: Pick<WorkerConfig, 'embedding'>, graph: GraphKey) {
  const own = sizeInference(config.embedding, readCpuBudget());
  // One session of all the threads runs on ONNX Runtime; `native` is for the worker's own graph.
  const engine = config.embedding.engine === 'onnxruntime' ? 'onnxruntime' : 'auto';
  return {
    precision: graphFile(graph).precision,
    graph,
    engine,
    sessions: 1,
    threads: own.sessions * own.threads,
  } as const;
}

/**
 * The worker's embedder, sized to the CPUs this process may use: a dyno or container reports its
 * host's cores, so the cgroup quota comes first. ORT_SESSIONS and ORT_THREADS win when set.
 */
async function createOwnEmbedder(
  config: { readonly embedding: WorkerConfig['embedding'] & { readonly graph?: GraphKey } },
  logger: Logger,
): Promise<Embedder> {
  const sizing = sizeInference(config.embedding, readCpuBudget());
  logInferenceSizing(logger, sizing, { sessions: 'ORT_SESSIONS', threads: 'ORT_THREADS' });
  const graph = config.embedding.graph ?? config.embedding.precision;
  const engine = engineFor(graph, config.embedding.engine);
  const embedder = await createEmbedder({
    precision: config.embedding.precision,
    graph,
    engine,
    sessions: sizing.sessions,
    threads: sizing.threads,
    onInferenceThread: logInferenceThreadEvents(() => logger),
  });
  logInferenceEngine(logger, embedder.engine, graph, engine);
  return embedder;
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
