import { QueueEvents } from 'bullmq';
import type { QueueConnectionOptions } from './interfaces.js';
import { DEFAULT_PREFIX, QUEUE_KINDS, QUEUE_NAMES } from './queue-names.js';
import { redisOptions } from './redis-options.js';

/** Told that a job of the batch finished or failed an attempt: its progress may have moved. */
export type BatchEventListener = () => void;

/**
 * Tells listeners when one of their batch's jobs completes or fails, from BullMQ's event streams
 * in Redis: every API process sees every worker's jobs, so any process can serve any batch's
 * stream. The events only say "look again"; progress itself is read from PostgreSQL. The Redis
 * connections (one blocking reader per queue) open on the first subscription.
 */
export class BatchEventFeed {
  readonly #connection: QueueConnectionOptions;
  readonly #listeners = new Map<string, Set<BatchEventListener>>();
  #readers: QueueEvents[] | undefined;

  constructor(connection: QueueConnectionOptions) {
    this.#connection = connection;
  }

  /** Calls `listener` after each job event of `batchId`; returns the unsubscribe function. */
  subscribe(batchId: string, listener: BatchEventListener): () => void {
    this.#start();
    const set = this.#listeners.get(batchId) ?? new Set();
    set.add(listener);
    this.#listeners.set(batchId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(batchId) === set) this.#listeners.delete(batchId);
    };
  }

  /** Batches with at least one listener. */
  get size(): number {
    return this.#listeners.size;
  }

  async close(): Promise<void> {
    const readers = this.#readers ?? [];
    this.#readers = undefined;
    this.#listeners.clear();
    await Promise.all(readers.map((reader) => reader.close()));
  }

  #start(): void {
    if (this.#readers !== undefined) return;
    const prefix = this.#connection.prefix ?? DEFAULT_PREFIX;
    this.#readers = QUEUE_KINDS.map((kind) => {
      // Blocking reads need a connection that waits for Redis instead of failing fast.
      const reader = new QueueEvents(QUEUE_NAMES[kind], {
        connection: redisOptions(this.#connection, 'consumer'),
        prefix,
      });
      // A lost connection reconnects by itself; streams fall back on their periodic reads meanwhile.
      reader.on('error', () => undefined);
      const notify = ({ jobId }: { jobId: string }) => this.#notify(jobId);
      reader.on('completed', notify);
      reader.on('failed', notify);
      return reader;
    });
  }

  #notify(jobId: string): void {
    // Job ids are `<batchId>.<first chunk>` (job-catalog.ts).
    const batchId = jobId.slice(0, jobId.lastIndexOf('.'));
    for (const listener of this.#listeners.get(batchId) ?? []) listener();
  }
}
