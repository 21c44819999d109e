import { existsSync } from 'node:fs';
import { ensureModel, modelFiles } from '@embedq/model';
import { ActiveCount } from './active-count.js';
import { planBatches } from './batch-plan.js';
import { type ResolvedEmbedderOptions, resolveEmbedderOptions } from './embedder-options.js';
import { EmbedderClosedError } from './errors.js';
import {
  EMBEDDING_DIMENSIONS,
  type EmbedCallOptions,
  type EmbeddedBatch,
  type Embedder,
  type EmbedderOptions,
  type Precision,
} from './interfaces.js';
import { ModelSession } from './model-session.js';
import { type BatchScratch, createBatchScratch, padBatch } from './padded-batch.js';
import { SerialQueue, type TaskPriority } from './serial-queue.js';
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
  const model = options.precision === 'int8' ? files.int8 : files.fp32;
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
  const [tokenizer, session] = await Promise.all([
    loadTokenizer(paths.tokenizer),
    ModelSession.open({ modelPath: paths.model, threads: resolved.threads }),
  ]);
  try {
    await session.reserve(resolved, tokenizer.padId);
  } catch (cause) {
    await session.release();
    throw new Error('the model failed its first run', { cause });
  }
  return new OnnxEmbedder(resolved, tokenizer, session);
}

class OnnxEmbedder implements Embedder {
  readonly dimensions = EMBEDDING_DIMENSIONS;
  readonly precision: Precision;
  private readonly queue = new SerialQueue();
  private readonly streams = new ActiveCount();
  // One batch runs at a time (the serial queue), so one set of input buffers serves them all.
  private readonly scratch: BatchScratch;
  private readonly spareWindows: TokenWindow[] = [];
  private closed: Promise<void> | undefined;

  constructor(
    private readonly options: ResolvedEmbedderOptions,
    private readonly tokenizer: WordPieceTokenizer,
    private readonly session: ModelSession,
  ) {
    this.precision = options.precision;
    this.scratch = createBatchScratch(options.maxBatchTokens);
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
    const priority = options.priority ?? 'normal';
    if (this.closed) throw new EmbedderClosedError();
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
          yield* this.embedWindow(window, counter, priority);
          window.clear();
        }
      }
      if (window.count > 0) yield* this.embedWindow(window, counter, priority);
    } finally {
      window.clear();
      if (this.spareWindows.length < SPARE_WINDOWS) this.spareWindows.push(window);
      release();
    }
  }

  /** Sorts one window by length (longest first) so batches carry little padding, then runs its batches. */
  private async *embedWindow(
    window: TokenWindow,
    counter: { batches: number },
    priority: TaskPriority,
  ): AsyncIterable<EmbeddedBatch> {
    const sizes = planBatches(window.sortLongestFirst(), this.options);
    let first = 0;
    for (const size of sizes) {
      const from = first;
      first += size;
      yield await this.queue.run(() => this.runBatch(window, from, size, counter.batches++), priority);
    }
  }

  /** Runs the window's sorted chunks `from` .. `from + size - 1` as one inference batch. */
  private async runBatch(
    window: TokenWindow,
    from: number,
    size: number,
    index: number,
  ): Promise<EmbeddedBatch> {
    const sequences = new Array<Int32Array>(size);
    const indices = new Array<number>(size);
    for (let i = 0; i < size; i++) {
      sequences[i] = window.sortedIds(from + i);
      indices[i] = window.sortedPosition(from + i);
    }
    const batch = padBatch(sequences, this.tokenizer.padId, this.scratch);
    const started = performance.now();
    const output = await this.session.run(batch);
    const ms = performance.now() - started;
    const d = this.dimensions;
    return {
      report: {
        index,
        chunks: batch.rows,
        tokens: batch.tokens,
        paddedTokens: batch.rows * batch.columns,
        ms,
      },
      indices,
      // Views into the batch's output: no copy, no garbage beyond the one buffer per batch.
      vectors: indices.map((_, row) => output.subarray(row * d, (row + 1) * d)),
    };
  }

  close(): Promise<void> {
    // New calls are refused at once; calls already running finish first. A second call gets the same promise.
    this.closed ??= this.streams.idle().then(() => this.queue.run(() => this.session.release()));
    return this.closed;
  }
}
