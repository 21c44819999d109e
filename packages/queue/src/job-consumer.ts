import { type Job, type Processor, UnrecoverableError, Worker } from 'bullmq';
import { MalformedJobError } from './errors.js';
import type { EmbedChunksPayload, QueueConnectionOptions, QueueKind } from './interfaces.js';
import { parseEmbedChunksPayload } from './job-catalog.js';
import { DEFAULT_PREFIX, QUEUE_NAMES } from './queue-names.js';
import { redisOptions } from './redis-options.js';

export interface ConsumerOptions {
  readonly kind: QueueKind;
  readonly connection: QueueConnectionOptions;
  /** Jobs of this queue in flight at once in this process. */
  readonly concurrency: number;
  /** A running job's lock; a dead worker's jobs are taken back after it expires (checked as often). Default 30 s. */
  readonly lockMs?: number;
}

/** What a processor gets: the validated payload and the BullMQ job (attempts, id, token). */
export type EmbedChunksProcessor<R> = (payload: EmbedChunksPayload, job: Job) => Promise<R>;

/**
 * A BullMQ worker on one embedq queue. The payload is validated before the processor sees it;
 * a malformed one fails the job without retries. Does not start until `run()`.
 */
export function createConsumer<R>(options: ConsumerOptions, process: EmbedChunksProcessor<R>): Worker {
  const processor: Processor = (job) => {
    let payload: EmbedChunksPayload;
    try {
      payload = parseEmbedChunksPayload(job.data);
    } catch (error) {
      // BullMQ does not retry an UnrecoverableError: a malformed payload stays malformed.
      if (error instanceof MalformedJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
    return process(payload, job);
  };
  return new Worker(QUEUE_NAMES[options.kind], processor, {
    connection: redisOptions(options.connection, 'consumer'),
    prefix: options.connection.prefix ?? DEFAULT_PREFIX,
    concurrency: options.concurrency,
    lockDuration: options.lockMs ?? 30_000,
    stalledInterval: options.lockMs ?? 30_000,
    autorun: false,
  });
}
