import { createEmbedder, type Embedder } from '@embedq/embedder';
import { QUEUE_NAMES, reconcileOnce } from '@embedq/queue';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Pipeline, startPipeline } from '../support/pipeline.js';
import { deleteQueueKeys } from '../support/queue-prefix.js';
import { runCli } from '../support/run-cli.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('the reconciler');

const JOB_CHUNKS = 4;

/** `embedq reconcile ARGS` against the pipeline's services; its stdout parsed. */
async function cliReconcile(pipeline: Pipeline, ...args: string[]): Promise<Record<string, unknown>> {
  const run = await runCli(['reconcile', ...args], pipeline.env);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe.skipIf(services === undefined)('the reconciler', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;
  const options = { jobChunks: JOB_CHUNKS, graceSeconds: 0 };

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    // No worker: jobs stay where the test puts them. Jobs of 4 chunks, all on the bulk queue.
    pipeline = await startPipeline(services, embedder, {
      env: { JOB_CHUNKS: String(JOB_CHUNKS), INTERACTIVE_MAX_CHUNKS: '0', RECONCILE_GRACE_SECONDS: '0' },
      worker: false,
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
  });

  const post = async (documentId: string, chunks: number) => {
    const response = await call(pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId,
      chunks: Array.from({ length: chunks }, (_, i) => ({ text: `${documentId} ${i}` })),
    });
    expect(response.status).toBe(202);
    return response.body.batchId as string;
  };
  const waitingJobs = () => pipeline.api.producer.queues.bulk.getJobCountByTypes('waiting', 'prioritized');

  it('leaves ranges alone while their jobs wait', async () => {
    await post('alive', 10);
    expect(await reconcileOnce(pipeline.db.pool, pipeline.api.producer, options)).toEqual({
      ran: true,
      ranges: 3,
      live: 3,
      requeued: 0,
      requeuedChunks: 0,
      markedFailed: 0,
      markedFailedChunks: 0,
    });
  });

  it('re-enqueues every range after Redis lost its jobs, reporting first under --dry-run', async () => {
    await deleteQueueKeys(services?.redisUrl ?? '', pipeline.env.QUEUE_PREFIX ?? '');
    expect(await waitingJobs()).toBe(0);

    const dryRun = await cliReconcile(pipeline, '--dry-run');
    expect(dryRun).toMatchObject({
      ran: true,
      ranges: 3,
      requeued: 3,
      requeuedChunks: 10,
      webhooks: null,
      dryRun: true,
    });
    expect(await waitingJobs()).toBe(0);

    const done = await cliReconcile(pipeline);
    expect(done).toMatchObject({
      ran: true,
      ranges: 3,
      live: 0,
      requeued: 3,
      requeuedChunks: 10,
      // Nothing finished yet (the chunks are pending), so no batch event is decided.
      webhooks: { batchesDecided: 0, attemptsRequeued: 0 },
      dryRun: false,
    });
    expect(await waitingJobs()).toBe(3);
    // Now that they wait again, a second pass has nothing to do.
    expect(await reconcileOnce(pipeline.db.pool, pipeline.api.producer, options)).toMatchObject({
      live: 3,
      requeued: 0,
    });
  });

  it('records the reason on the chunks of a job that failed for good without recording it', async () => {
    const batchId = await post('doomed', 3);
    await pipeline.api.producer.queues.bulk.obliterate({ force: true });
    await pipeline.api.producer.enqueue([{ batchId, from: 0, to: 3 }], 'bulk');
    // A consumer that fails the job and cannot write to the database (as when Postgres is away).
    const failing = new Worker(
      QUEUE_NAMES.bulk,
      async () => {
        throw new UnrecoverableError('database unreachable');
      },
      {
        connection: pipeline.api.producer.redis.duplicate({ maxRetriesPerRequest: null }),
        prefix: pipeline.env.QUEUE_PREFIX ?? '',
      },
    );
    await waitFor('the job to fail', async () =>
      (await pipeline.api.producer.queues.bulk.getFailedCount()) === 1 ? true : undefined,
    );
    await failing.close();

    const report = await reconcileOnce(pipeline.db.pool, pipeline.api.producer, options);
    expect(report).toMatchObject({ markedFailed: 1, markedFailedChunks: 3 });
    const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${batchId}`);
    expect(progress.body).toMatchObject({
      status: 'failed',
      failed: 3,
      errors: [{ reason: 'job failed for good: database unreachable', chunks: 3 }],
    });
  });

  it('does nothing while another process holds the reconcile lock', async () => {
    const holder = await pipeline.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended('embedq:reconcile', 0))`);
      expect(await reconcileOnce(pipeline.db.pool, pipeline.api.producer, options)).toMatchObject({
        ran: false,
      });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });
});
