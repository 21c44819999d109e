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
import { loadTokenizer, type WordPieceTokenizer } from './tokenizer.js';

interface PendingChunk {
  readonly index: number;
  readonly ids: Int32Array;
}

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
    try {
      const counter = { batches: 0 };
      let window: PendingChunk[] = [];
      let index = 0;
      for await (const text of texts) {
        if (typeof text !== 'string') throw new TypeError(`text ${index} is ${typeof text}, not a string`);
        window.push({ index: index++, ids: this.tokenizer.encode(text).ids });
        if (window.length >= this.options.sortWindow) {
          yield* this.embedWindow(window, counter, priority);
          window = [];
        }
      }
      if (window.length > 0) yield* this.embedWindow(window, counter, priority);
    } finally {
      release();
    }
  }

  /** Sorts one window by length so batches carry little padding, then runs its batches. */
  private async *embedWindow(
    window: PendingChunk[],
    counter: { batches: number },
    priority: TaskPriority,
  ): AsyncIterable<EmbeddedBatch> {
    window.sort((a, b) => a.ids.length - b.ids.length || a.index - b.index);
    const sizes = planBatches(
      window.map((chunk) => chunk.ids.length),
      this.options,
    );
    let start = 0;
    for (const size of sizes) {
      const chunks = window.slice(start, start + size);
      start += size;
      yield await this.queue.run(() => this.runBatch(chunks, counter.batches++), priority);
    }
  }

  private async runBatch(chunks: readonly PendingChunk[], index: number): Promise<EmbeddedBatch> {
    const batch = padBatch(
      chunks.map((chunk) => chunk.ids),
      this.tokenizer.padId,
      this.scratch,
    );
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
      indices: chunks.map((chunk) => chunk.index),
      // Views into the batch's output: no copy, no garbage beyond the one buffer per batch.
      vectors: chunks.map((_, row) => output.subarray(row * d, (row + 1) * d)),
    };
  }

  close(): Promise<void> {
    // New calls are refused at once; calls already running finish first. A second call gets the same promise.
    this.closed ??= this.streams.idle().then(() => this.queue.run(() => this.session.release()));
    return this.closed;
  }
}
