import { pendingWork, type Queryable } from '@embedq/store';
import { ApiError } from './api-error.js';

/** How long a count of the backlog is trusted: one count query a second at most, whatever the request rate. */
const COUNT_TTL_MS = 1_000;
/** What a refused client is told to wait: the workers need time to drain. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Backpressure: refuses new chunks while the chunks accepted and not yet embedded number more
 * than `maxPending`, so a client that sends faster than the workers embed gets 429 instead of
 * filling Postgres and Redis.
 */
export class BacklogLimit {
  readonly #db: Queryable;
  readonly #maxPending: number;
  #count: { value: number; at: number } | undefined;
  #counting: Promise<number> | undefined;

  constructor(db: Queryable, maxPending: number) {
    this.#db = db;
    this.#maxPending = maxPending;
  }

  /** Throws a 429 ApiError when `incoming` more chunks would take the backlog past the limit. */
  async admit(incoming: number): Promise<void> {
    const pending = await this.#pending();
    if (pending + incoming > this.#maxPending) {
      throw new ApiError(
        'too_many_requests',
        `${pending} chunks are waiting to be embedded and the limit is ${this.#maxPending}; retry later`,
        { retryAfter: RETRY_AFTER_SECONDS },
      );
    }
    // Counted as pending until the next count, so a burst within one TTL cannot overshoot.
    if (this.#count !== undefined) this.#count.value += incoming;
  }

  async #pending(): Promise<number> {
    if (this.#count !== undefined && Date.now() - this.#count.at < COUNT_TTL_MS) return this.#count.value;
    this.#counting ??= pendingWork(this.#db)
      .then(({ chunks: value }) => {
        this.#count = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        this.#counting = undefined;
      });
    return this.#counting;
  }
}
