import type { Embedder, GraphKey } from './interfaces.js';

export interface GraphSetOptions {
  /** The process's own graph (EMBED_PRECISION): always loaded, never released by the set. */
  readonly primary: Embedder;
  /** Loads another graph (another precision's, or an earlier one), sized for its occasional use. */
  readonly open: (graph: GraphKey) => Promise<Embedder>;
  /** An extra graph unused this long is released; default 60 s. */
  readonly idleMs?: number;
  /** Told when an extra graph is loaded or released, for the log. */
  readonly onChange?: (event: { graph: GraphKey; action: 'loaded' | 'released'; ms: number }) => void;
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
  readonly #extras = new Map<GraphKey, Extra>();
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

  /** The graphs loaded now, the primary's first (its key is its precision). */
  loaded(): GraphKey[] {
    return [this.#options.primary.precision, ...this.#extras.keys()];
  }

  /** Runs `fn` with the graph `graph`, loading it first if needed; it stays loaded meanwhile. */
  async use<T>(graph: GraphKey, fn: (embedder: Embedder) => Promise<T>): Promise<T> {
    // The primary is a precision's current graph, whose key is that precision.
    if (graph === this.#options.primary.precision) return fn(this.#options.primary);
    if (this.#closed) throw new Error('the graph set is closed');
    let extra = this.#extras.get(graph);
    if (extra === undefined) {
      const started = Date.now();
      const loading = this.#options.open(graph).then((embedder) => {
        this.#options.onChange?.({ graph, action: 'loaded', ms: Date.now() - started });
        return embedder;
      });
      extra = { loading, users: 0, lastUsed: Date.now() };
      this.#extras.set(graph, extra);
      // A failed load is forgotten, so the next use tries again.
      loading.catch(() => {
        if (this.#extras.get(graph) === extra) this.#extras.delete(graph);
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
    for (const [graph, extra] of this.#extras) {
      if (extra.users > 0 || now - extra.lastUsed < idleMs) continue;
      this.#extras.delete(graph);
      const embedder = await extra.loading.catch(() => undefined);
      if (embedder === undefined) continue;
      await embedder.close().catch(() => undefined);
      this.#options.onChange?.({ graph, action: 'released', ms: 0 });
    }
  }
}
