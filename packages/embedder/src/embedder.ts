import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureModel, graphPath, modelFiles } from '@embedq/model';
import { ActiveCount } from './active-count.js';
import { BatchPool, type Lane, type PooledBatch } from './batch-pool.js';
import type { BatchRunner } from './batch-runner.js';
import { chooseEngine } from './choose-engine.js';
import { type ResolvedEmbedderOptions, resolveEmbedderOptions } from './embedder-options.js';
import { EmbedderClosedError } from './errors.js';
import {
  EMBEDDING_DIMENSIONS,
  type EmbedCallOptions,
  type EmbeddedBatch,
  type Embedder,
  type EmbedderOptions,
  type Engine,
  type InferenceThreadEvent,
  type Precision,
} from './interfaces.js';
import { openSession } from './open-session.js';
import { type BatchScratch, createBatchScratch, padBatch } from './padded-batch.js';
import { SessionThreads } from './session-threads.js';
import { TokenWindow } from './token-window.js';
import { loadTokenizer, type WordPieceTokenizer } from './tokenizer.js';

/** Token windows kept for reuse by later streams; more concurrent streams allocate their own. */
const SPARE_WINDOWS = 2;

/**
 * Builds the repository's model on first use when `pnpm install` has not (or the folder was
 * removed). A folder the caller named is never written to: its absence is an error.
 */
async function modelPath(options: ResolvedEmbedderOptions): Promise<{ model: string; tokenizer: string }> {
  const files = modelFiles(options.modelDir);
  const model = graphPath(options.graph, options.modelDir);
  if (!existsSync(model) || !existsSync(files.tokenizer)) {
    if (files.dir !== modelFiles().dir) {
      throw new Error(
        `no model at ${files.dir}; build one there with \`embedq-model build --dir ${files.dir}\``,
      );
    }
    process.stderr.write(`[embedq] no model at ${files.dir}; building it now (about 10 s, once)\n`);
    await ensureModel({ dir: files.dir });
  }
  return { model, tokenizer: files.tokenizer };
}

export async function createEmbedder(options: EmbedderOptions = {}): Promise<Embedder> {
  const resolved = resolveEmbedderOptions(options);
  const paths = await modelPath(resolved);
  const tokenizer = await loadTokenizer(paths.tokenizer);
  const engine = chooseEngine(resolved);
  const runner = await openRunner(resolved, engine, paths.model, tokenizer.padId, options.onInferenceThread);
  return new OnnxEmbedder(resolved, engine, tokenizer, runner);
}

/** One session on this thread, or `sessions` single-session threads that run batches side by side. */
async function openRunner(
  options: ResolvedEmbedderOptions,
  engine: Engine,
  modelPath: string,
  padId: number,
  onThreadEvent: ((event: InferenceThreadEvent) => void) | undefined,
): Promise<BatchRunner> {
  if (options.sessions > 1) {
    try {
      const limits = { maxBatchSize: options.maxBatchSize, maxBatchTokens: options.maxBatchTokens };
      return await SessionThreads.open({
        modelPath,
        engine,
        threads: options.threads,
        sessions: options.sessions,
        limits,
        padId,
        profileDir: options.profileDir,
        ...(onThreadEvent === undefined ? {} : { onThreadEvent }),
      });
    } catch (cause) {
      throw new Error('the model failed to load or failed its first run', { cause });
    }
  }
  const profilePrefix =
    options.profileDir === undefined ? undefined : join(options.profileDir, 'session-main');
  const session = await openSession({ engine, modelPath, threads: options.threads, profilePrefix });
  try {
    await session.reserve(options, padId);
  } catch (cause) {
    await session.release();
    throw new Error('the model failed its first run', { cause });
  }
  return session;
}

/** One sort window of one call, while its chunks are in the pool or their vectors undelivered. */
interface WindowInFlight {
  readonly lane: Lane;
  readonly lengths: Int32Array;
  readonly window: TokenWindow;
  /** The call's batch counter, shared by its windows. */
  readonly counter: { batches: number };
  /** Chunks whose vectors the call has not yet been given. */
  undelivered: number;
  readonly outbox: EmbeddedBatch[];
  failure: { readonly error: unknown } | undefined;
  /** Set when the call stopped reading: its share of a running batch is dropped. */
  ended: boolean;
  wake: (() => void) | undefined;
}

class OnnxEmbedder implements Embedder {
  readonly dimensions = EMBEDDING_DIMENSIONS;
  readonly precision: Precision;
  private readonly pool: BatchPool<WindowInFlight>;
  private readonly streams = new ActiveCount();
  // With one batch at a time, one set of input buffers serves them all.
  private readonly scratch: BatchScratch | undefined;
  private readonly spareWindows: TokenWindow[] = [];
  private readonly running = new Set<Promise<void>>();
  private scheduled = false;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly options: ResolvedEmbedderOptions,
    readonly engine: Engine,
    private readonly tokenizer: WordPieceTokenizer,
    private readonly runner: BatchRunner,
  ) {
    this.precision = options.precision;
    this.scratch = runner.capacity === 1 ? createBatchScratch(options.maxBatchTokens) : undefined;
    this.pool = new BatchPool(options);
  }

  countWordPieces(text: string): number {
    return this.tokenizer.countWordPieces(text);
  }

  async embed(texts: readonly string[], options: EmbedCallOptions = {}): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw new TypeError('embed() takes an array of strings');
    const vectors = new Array<Float32Array>(texts.length);
    for await (const batch of this.embedStream(texts, options)) {
      options.onBatch?.(batch.report);
      batch.indices.forEach((index, i) => {
        vectors[index] = batch.vectors[i]!;
      });
    }
    return vectors;
  }

  async *embedStream(
    texts: Iterable<string> | AsyncIterable<string>,
    options: EmbedCallOptions = {},
  ): AsyncIterable<EmbeddedBatch> {
    const lane = options.priority ?? 'normal';
    if (this.closed) throw new EmbedderClosedError();
    if (lane !== 'normal' && lane !== 'high')
      throw new TypeError(`priority must be 'high' or 'normal', got ${String(lane)}`);
    if (typeof texts === 'string')
      throw new TypeError('embedStream() takes an iterable of strings, not a string');
    const release = this.streams.acquire();
    const window =
      this.spareWindows.pop() ?? new TokenWindow(this.options.sortWindow, this.tokenizer.maxLength);
    try {
      const counter = { batches: 0 };
      let position = 0;
      for await (const text of texts) {
        if (typeof text !== 'string') throw new TypeError(`text ${position} is ${typeof text}, not a string`);
        window.add(position++, text, this.tokenizer);
        if (window.full) {
          yield* this.embedWindow(window, counter, lane);
          window.clear();
        }
      }
      if (window.count > 0) yield* this.embedWindow(window, counter, lane);
    } finally {
      window.clear();
      if (this.spareWindows.length < SPARE_WINDOWS) this.spareWindows.push(window);
      release();
    }
  }

  /**
   * Sorts one window by length (longest first), puts it in the pool, where its chunks are cut
   * into batches together with those of other calls in flight, and yields its share of each.
   */
  private async *embedWindow(
    window: TokenWindow,
    counter: { batches: number },
    lane: Lane,
  ): AsyncIterable<EmbeddedBatch> {
    const inFlight: WindowInFlight = {
      lane,
      lengths: window.sortLongestFirst(),
      window,
      counter,
      undelivered: window.count,
      outbox: [],
      failure: undefined,
      ended: false,
      wake: undefined,
    };
    this.pool.add(inFlight);
    this.schedule();
    try {
      while (inFlight.undelivered > 0) {
        if (inFlight.outbox.length === 0 && inFlight.failure === undefined) {
          await new Promise<void>((resolve) => {
            inFlight.wake = resolve;
          });
        }
        if (inFlight.failure !== undefined) throw inFlight.failure.error;
        const batch = inFlight.outbox.shift()!;
        inFlight.undelivered -= batch.indices.length;
        yield batch;
      }
    } finally {
      // A call that stops early (an error, or its reader stopped) leaves nothing to run.
      inFlight.ended = true;
      this.pool.remove(inFlight);
    }
  }

  /**
   * Starts batches, up to the runner's capacity, on a later turn of the event loop. A session on
   * this thread blocks it while it runs; started back to back, batches would starve I/O callbacks
   * (a worker's database reads and writes, lock renewals) until the pool drained. setImmediate
   * lets pending I/O run in between.
   */
  private schedule(): void {
    if (this.scheduled || this.running.size >= this.runner.capacity) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.running.size < this.runner.capacity) {
        const batch = this.pool.next();
        if (batch === undefined) return;
        const run: Promise<void> = this.runBatch(batch).finally(() => {
          this.running.delete(run);
          this.schedule();
        });
        this.running.add(run);
      }
    });
  }

  /**
   * Runs one pooled batch and hands each window in it its share. Never rejects: a failure goes to
   * every call with chunks in the batch, and their other waiting chunks leave the pool.
   */
  private async runBatch(batch: PooledBatch<WindowInFlight>): Promise<void> {
    try {
      await this.runAndDeliver(batch);
    } catch (error) {
      for (const member of new Set(batch.members)) {
        member.failure = { error };
        this.pool.remove(member);
        member.wake?.();
      }
    }
  }

  private async runAndDeliver(batch: PooledBatch<WindowInFlight>): Promise<void> {
    const rows = batch.members.length;
    const sequences = new Array<Int32Array>(rows);
    const positions = new Array<number>(rows);
    batch.members.forEach((member, row) => {
      sequences[row] = member.window.sortedIds(batch.ks[row]!);
      positions[row] = member.window.sortedPosition(batch.ks[row]!);
    });
    // Copies the ids: from here on the windows' buffers may be cleared and reused.
    const padded = padBatch(sequences, this.tokenizer.padId, this.scratch);
    const started = performance.now();
    const output = await this.runner.run(padded);
    const ms = performance.now() - started;
    const d = this.dimensions;
    const lead = batch.members[0];
    for (const member of new Set(batch.members)) {
      if (member.ended) continue;
      const indices: number[] = [];
      const vectors: Float32Array[] = [];
      let tokens = 0;
      batch.members.forEach((rowMember, row) => {
        if (rowMember !== member) return;
        indices.push(positions[row]!);
        tokens += sequences[row]!.length;
        // A view into the batch's output: no copy, no garbage beyond the one buffer per batch.
        vectors.push(output.subarray(row * d, (row + 1) * d));
      });
      member.outbox.push({
        report: {
          index: member.counter.batches++,
          chunks: indices.length,
          tokens,
          paddedTokens: indices.length * padded.columns,
          ms: (ms * indices.length) / rows,
          run: { chunks: rows, ms, lead: member === lead },
        },
        indices,
        vectors,
      });
      member.wake?.();
    }
  }

  close(): Promise<void> {
    // New calls are refused at once; calls already running finish first. A second call gets the same promise.
    this.closed ??= this.streams.idle().then(async () => {
      await Promise.all(this.running);
      await this.runner.release();
    });
    return this.closed;
  }
}
