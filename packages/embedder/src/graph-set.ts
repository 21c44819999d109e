import type { Embedder, Precision } from './interfaces.js';

export interface GraphSetOptions {
  /** The process's own graph (EMBED_PRECISION): always loaded, never released by the set. */
  readonly primary: Embedder;
  /** Loads another precision's graph (sized like the primary). */
  readonly open: (precision: Precision) => Promise<Embedder>;
  /** An extra graph unused this long is released; default 60 s. */
  readonly idleMs?: number;
  /** Told when an extra graph is loaded or released, for the log. */
  readonly onChange?: (event: { precision: Precision; action: 'loaded' | 'released'; ms: number }) => void;
}

interface Extra {
  readonly loading: Promise<Embedder>;
  users: number;
  lastUsed: number;
}

/**
 * The graphs one process embeds with: its own, plus any other a re-embedding (in a worker) or a
 * namespace's active identity (in the API) needs, loaded on first use and released once unused
 * for `idleMs`, so a deployment started with the defaults can re-embed with fp32 with no restart
 * and gives the memory back when it ends.
 */
export class GraphSet {
  readonly #options: GraphSetOptions;
  readonly #extras = new Map<Precision, Extra>();
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(options: GraphSetOptions) {
    this.#options = options;
    const idleMs = options.idleMs ?? 60_000;
    this.#timer = setInterval(() => void this.#releaseIdle(idleMs), Math.max(50, Math.min(idleMs, 5_000)));
    this.#timer.unref();
  }

  get primary(): Embedder {
    return this.#options.primary;
  }

  /** The precisions loaded now, the primary's first. */
  loaded(): Precision[] {
    return [this.#options.primary.precision, ...this.#extras.keys()];
  }

  /** Runs `fn` with the graph of `precision`, loading it first if needed; it stays loaded meanwhile. */
  async use<T>(precision: Precision, fn: (embedder: Embedder) => Promise<T>): Promise<T> {
    if (precision === this.#options.primary.precision) return fn(this.#options.primary);
    if (this.#closed) throw new Error('the graph set is closed');
    let extra = this.#extras.get(precision);
    if (extra === undefined) {
      const started = Date.now();
      const loading = this.#options.open(precision).then((embedder) => {
        this.#options.onChange?.({ precision, action: 'loaded', ms: Date.now() - started });
        return embedder;
      });
      extra = { loading, users: 0, lastUsed: Date.now() };
      this.#extras.set(precision, extra);
      // A failed load is forgotten, so the next use tries again.
      loading.catch(() => {
        if (this.#extras.get(precision) === extra) this.#extras.delete(precision);
      });
    }
    extra.users++;
    try {
      return await fn(await extra.loading);
    } finally {
      extra.users--;
      extra.lastUsed = Date.now();
    }
  }

  /** Releases every extra graph (waiting for their users); the primary is the caller's. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    const extras = [...this.#extras.values()];
    this.#extras.clear();
    await Promise.all(
      extras.map((e) => e.loading.then((embedder) => embedder.close()).catch(() => undefined)),
    );
  }

  async #releaseIdle(idleMs: number): Promise<void> {
    const now = Date.now();
    for (const [precision, extra] of this.#extras) {
      if (extra.users > 0 || now - extra.lastUsed < idleMs) continue;
      this.#extras.delete(precision);
      const embedder = await extra.loading.catch(() => undefined);
      if (embedder === undefined) continue;
      await embedder.close().catch(() => undefined);
      this.#options.onChange?.({ precision, action: 'released', ms: 0 });
    }
  }
}
