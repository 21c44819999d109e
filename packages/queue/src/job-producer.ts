import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { EmbedChunksPayload, QueueConnectionOptions, QueueKind } from './interfaces.js';
import {
  EMBED_CHUNKS_JOB,
  embedChunksJobId,
  parseEmbedChunksPayload,
  planJobs,
  REEMBED_PRIORITY,
} from './job-catalog.js';
import { DEFAULT_PREFIX, QUEUE_KINDS, QUEUE_NAMES } from './queue-names.js';
import { redisOptions } from './redis-options.js';

export type JobStatus =
  | { readonly state: 'live' | 'completed' | 'missing' }
  | { readonly state: 'failed'; readonly reason: string };

/**
 * Enqueues embedding jobs (the API) and finds and re-adds lost ones (the reconciler). One Redis
 * connection serves every queue.
 */
export class JobProducer {
  readonly redis: Redis;
  readonly queues: Readonly<Record<QueueKind, Queue>>;
  #closed: Promise<void> | undefined;

  constructor(connection: QueueConnectionOptions) {
    this.redis = new Redis(redisOptions(connection, 'producer'));
    // Connection errors surface on the calls that need Redis (and /readyz); ioredis reconnects.
    this.redis.on('error', () => undefined);
    const prefix = connection.prefix ?? DEFAULT_PREFIX;
    const queue = (kind: QueueKind) => new Queue(QUEUE_NAMES[kind], { connection: this.redis, prefix });
    this.queues = { interactive: queue('interactive'), bulk: queue('bulk') };
    // Same as the connection: failures reach the caller of enqueue or ping.
    for (const kind of QUEUE_KINDS) this.queues[kind].on('error', () => undefined);
  }

  /**
   * Adds a batch's jobs in one Redis transaction (all or none). Job ids are deterministic, so
   * adding the same batch again adds nothing new.
   */
  async enqueueBatch(
    batchId: string,
    chunkCount: number,
    kind: QueueKind,
    jobChunks: number,
  ): Promise<number> {
    const jobs = planJobs(batchId, chunkCount, jobChunks);
    await this.enqueue(jobs, kind);
    return jobs.length;
  }

  async enqueue(payloads: readonly EmbedChunksPayload[], kind: QueueKind): Promise<void> {
    const jobs = payloads.map((payload) => {
      const data = parseEmbedChunksPayload(payload);
      return {
        name: EMBED_CHUNKS_JOB.name,
        data,
        opts: {
          jobId: embedChunksJobId(data),
          attempts: EMBED_CHUNKS_JOB.attempts,
          backoff: { ...EMBED_CHUNKS_JOB.backoff },
          removeOnComplete: { ...EMBED_CHUNKS_JOB.removeOnComplete },
          removeOnFail: { ...EMBED_CHUNKS_JOB.removeOnFail },
          // Re-embedding goes after every ingest job of the queue.
          ...(data.identityId === undefined ? {} : { priority: REEMBED_PRIORITY }),
        },
      };
    });
    if (jobs.length > 0) await this.queues[kind].addBulk(jobs);
  }

  /**
   * Where a job is: `live` (waiting, delayed, prioritized or running), `completed`, `failed`
   * (for good: retries are `delayed`), or `missing` (never added, removed by age, or Redis lost it).
   */
  async inspect(kind: QueueKind, jobId: string): Promise<JobStatus> {
    const queue = this.queues[kind];
    const state = await queue.getJobState(jobId);
    if (state === 'unknown') return { state: 'missing' };
    if (state === 'completed') return { state };
    if (state === 'failed') {
      const job = await queue.getJob(jobId);
      return { state, reason: job?.failedReason ?? 'unknown' };
    }
    return { state: 'live' };
  }

  /**
   * Adds a job for `payload` again, first removing a finished job with the same id (BullMQ
   * ignores an add whose id exists). A job that came back to life in between is left alone.
   */
  async requeue(payload: EmbedChunksPayload, kind: QueueKind): Promise<void> {
    const queue = this.queues[kind];
    const id = embedChunksJobId(parseEmbedChunksPayload(payload));
    const state = await queue.getJobState(id);
    if (state === 'completed' || state === 'failed') await queue.remove(id);
    await this.enqueue([payload], kind);
  }

  /** Fails unless Redis answers. */
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  /** Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.all(QUEUE_KINDS.map((kind) => this.queues[kind].close()));
      await this.redis.quit().catch(() => this.redis.disconnect());
    })();
    return this.#closed;
  }
}
