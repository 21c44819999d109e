import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueConnectionOptions } from './interfaces.js';
import { DEFAULT_PREFIX } from './queue-names.js';
import { redisOptions } from './redis-options.js';

/** The queue of webhook delivery attempts, served by the workers beside the embedding queues. */
export const WEBHOOK_QUEUE_NAME = 'webhook-deliveries';

/** One attempt at one delivery; the row in Postgres holds the body and the outcome. */
export interface WebhookAttemptPayload {
  readonly deliveryId: string;
  /** 1-based. */
  readonly attempt: number;
}

const DELIVERY_ID = /^msg_[0-9a-f]{32}$/;

/**
 * An attempt's job. Retries here cover only a failure to reach Postgres or a crash mid-attempt:
 * an endpoint's failure is recorded and the next attempt is a job of its own, due after the
 * retry schedule's delay (hours apart, longer than BullMQ's backoff is meant for).
 */
export const WEBHOOK_ATTEMPT_JOB = {
  name: 'deliver-webhook',
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
} as const;

/** Deterministic, so the reconciler re-adding a lost attempt cannot add it twice. */
export function webhookAttemptJobId(payload: WebhookAttemptPayload): string {
  return `${payload.deliveryId}.${payload.attempt}`;
}

export function parseWebhookAttemptPayload(data: unknown): WebhookAttemptPayload {
  const { deliveryId, attempt } = (typeof data === 'object' && data !== null ? data : {}) as Record<
    string,
    unknown
  >;
  if (typeof deliveryId !== 'string' || !DELIVERY_ID.test(deliveryId)) {
    throw new Error('webhook job data has no valid deliveryId');
  }
  if (!Number.isSafeInteger(attempt) || (attempt as number) < 1) {
    throw new Error('webhook job data needs a positive integer attempt');
  }
  return { deliveryId, attempt: attempt as number };
}

/** Adds and inspects delivery attempts on a Redis connection it is given (the API's or the worker's producer). */
export class WebhookQueue {
  readonly queue: Queue;

  constructor(redis: Redis, prefix: string = DEFAULT_PREFIX) {
    this.queue = new Queue(WEBHOOK_QUEUE_NAME, { connection: redis, prefix });
    this.queue.on('error', () => undefined);
  }

  /** Adds first attempts of new deliveries, due now. */
  async enqueueFirstAttempts(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.queue.addBulk(deliveryIds.map((deliveryId) => this.#job({ deliveryId, attempt: 1 }, 0)));
  }

  /** Adds an attempt due in `delayMs`; first removes a finished job with its id (the reconciler's re-add). */
  async enqueueAttempt(payload: WebhookAttemptPayload, delayMs: number): Promise<void> {
    const id = webhookAttemptJobId(payload);
    const state = await this.queue.getJobState(id);
    if (state === 'completed' || state === 'failed') await this.queue.remove(id);
    const job = this.#job(payload, delayMs);
    await this.queue.add(job.name, job.data, job.opts);
  }

  /** True while the attempt's job waits, is delayed or runs. */
  async isLive(payload: WebhookAttemptPayload): Promise<boolean> {
    const state = await this.queue.getJobState(webhookAttemptJobId(payload));
    return state !== 'unknown' && state !== 'completed' && state !== 'failed';
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  #job(payload: WebhookAttemptPayload, delayMs: number) {
    const data = parseWebhookAttemptPayload(payload);
    return {
      name: WEBHOOK_ATTEMPT_JOB.name,
      data,
      opts: {
        jobId: webhookAttemptJobId(data),
        delay: Math.max(0, Math.round(delayMs)),
        attempts: WEBHOOK_ATTEMPT_JOB.attempts,
        backoff: { ...WEBHOOK_ATTEMPT_JOB.backoff },
        removeOnComplete: { ...WEBHOOK_ATTEMPT_JOB.removeOnComplete },
        removeOnFail: { ...WEBHOOK_ATTEMPT_JOB.removeOnFail },
      },
    };
  }
}

/** A BullMQ worker on the delivery queue; does not start until `run()`. */
export function createWebhookConsumer(
  connection: QueueConnectionOptions,
  concurrency: number,
  process: (payload: WebhookAttemptPayload, job: Job) => Promise<unknown>,
): Worker {
  return new Worker(WEBHOOK_QUEUE_NAME, (job) => process(parseWebhookAttemptPayload(job.data), job), {
    connection: redisOptions(connection, 'consumer'),
    prefix: connection.prefix ?? DEFAULT_PREFIX,
    concurrency,
    autorun: false,
  });
}
