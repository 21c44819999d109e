import type { ServerResponse } from 'node:http';
import type { BatchProgressBody } from './batch-progress-body.js';

/** Statuses after which a batch changes no more: the stream says so and ends. */
const FINAL = new Set(['completed', 'failed', 'replaced', 'deleted']);

/**
 * The event text of a progress read. The streams of a batch share their reads, so a read's text
 * is built once for all of them (a thousand streams: one JSON.stringify, not a thousand).
 */
const encoded = new WeakMap<BatchProgressBody, string>();

function encodeEvent(progress: BatchProgressBody, id: string): string {
  let text = encoded.get(progress);
  if (text === undefined) {
    const name = FINAL.has(progress.status) ? progress.status : 'progress';
    text = `event: ${name}\nid: ${id}\ndata: ${JSON.stringify(progress)}\n\n`;
    encoded.set(progress, text);
  }
  return text;
}

export interface BatchEventStreamOptions {
  /** Reads the batch's progress now; undefined when it is gone. */
  readonly read: () => Promise<BatchProgressBody | undefined>;
  /** Asks to be told when the batch's jobs move; returns the unsubscribe function. */
  readonly subscribe: (onEvent: () => void) => () => void;
  /** The client's Last-Event-ID: the progress it has already seen. */
  readonly lastEventId: string | undefined;
  /** Fewest milliseconds between two reads, however many jobs finish. */
  readonly minIntervalMs: number;
  /** A read this often even without job events (a missed event, Redis away). */
  readonly pollMs: number;
  /** A comment line this often, so proxies (Heroku's router: 55 s) keep the connection. */
  readonly heartbeatMs: number;
  readonly onError: (error: unknown) => void;
}

/**
 * One client's `text/event-stream` of a batch: `progress` events while its chunks are embedded
 * (at most one per `minIntervalMs`, only when the counts moved), then one `completed`, `failed`,
 * `replaced` or `deleted` event, each with the batch's GET /v1/batches/:id answer, then the end. Each event's id is
 * the number of chunks done (embedded + failed), so a client that reconnects with Last-Event-ID
 * gets no repeat of the progress it saw. Reads come from PostgreSQL; job events only say when.
 */
export class BatchEventStream {
  readonly #options: BatchEventStreamOptions;
  readonly #response: ServerResponse;
  #lastId: string | undefined;
  #lastRead = 0;
  #pending: NodeJS.Timeout | undefined;
  #reading = false;
  #again = false;
  #ended = false;
  readonly #timers: NodeJS.Timeout[] = [];
  #unsubscribe: (() => void) | undefined;

  constructor(response: ServerResponse, options: BatchEventStreamOptions) {
    this.#response = response;
    this.#options = options;
    this.#lastId = options.lastEventId;
  }

  /** Sends the current state and follows the batch until it is final or the client leaves. */
  start(first: BatchProgressBody): void {
    this.#response.on('close', () => this.end());
    this.#unsubscribe = this.#options.subscribe(() => this.#schedule());
    this.#timers.push(
      setInterval(() => this.#schedule(), this.#options.pollMs),
      setInterval(() => this.#write(': keep-alive\n\n'), this.#options.heartbeatMs),
    );
    this.#lastRead = Date.now();
    this.#publish(first);
  }

  /** Ends the stream (the client left, the batch is final, or the server is shutting down). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#unsubscribe?.();
    for (const timer of this.#timers) clearInterval(timer);
    clearTimeout(this.#pending);
    if (!this.#response.writableEnded) this.#response.end();
  }

  #schedule(): void {
    if (this.#ended || this.#pending !== undefined) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    const wait = Math.max(0, this.#lastRead + this.#options.minIntervalMs - Date.now());
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      void this.#refresh();
    }, wait);
  }

  async #refresh(): Promise<void> {
    this.#reading = true;
    this.#lastRead = Date.now();
    try {
      const progress = await this.#options.read();
      if (this.#ended) return;
      if (progress === undefined) this.end();
      else this.#publish(progress);
    } catch (error) {
      // The next job event or poll reads again; the client keeps its connection meanwhile.
      this.#options.onError(error);
    } finally {
      this.#reading = false;
      if (this.#again) {
        this.#again = false;
        this.#schedule();
      }
    }
  }

  #publish(progress: BatchProgressBody): void {
    const id = String(progress.embedded + progress.failed);
    const final = FINAL.has(progress.status);
    if (!final && id === this.#lastId) return;
    this.#lastId = id;
    this.#write(encodeEvent(progress, id));
    if (final) this.end();
  }

  #write(text: string): void {
    if (!this.#ended && !this.#response.writableEnded) this.#response.write(text);
  }
}
