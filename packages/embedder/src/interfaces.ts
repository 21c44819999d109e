/**
 * Glossary
 * - chunk: one piece of text to embed (a paragraph of a document, typically 100-500 characters).
 * - word piece / token: one WordPiece unit of the model's vocabulary; [CLS] and [SEP] included.
 * - inference batch: the chunks that go through the model in one ONNX Runtime run, padded to the
 *   longest of them. Batches are formed from length-sorted chunks and bounded by a token budget.
 * - embedding: a 384-dim L2-normalised vector (mean pooling over the attention mask, as in
 *   sentence-transformers).
 */
import type { GraphKey, Precision } from '@embedq/model';

export type { GraphKey, Precision };

export const EMBEDDING_DIMENSIONS = 384;
/** sentence-transformers truncates all-MiniLM-L6-v2 input at 256 word pieces ([CLS]/[SEP] included). */
export const MAX_SEQUENCE_LENGTH = 256;
/** Word pieces of a text that reach the model: the window less [CLS] and [SEP]. Past this, a text is truncated. */
export const MAX_TEXT_WORD_PIECES = MAX_SEQUENCE_LENGTH - 2;

/**
 * What runs the graph: ONNX Runtime, or embedq's own kernels (native/: AVX-512 VNNI or AVX2), which
 * run the int8 graph's weights and operators with one thread per session.
 */
export type Engine = 'native' | 'onnxruntime';
/** What may be asked for: an engine, or `auto` (see `EmbedderOptions.engine`). */
export const ENGINE_SETTINGS = ['auto', 'native', 'onnxruntime'] as const;
export type EngineSetting = (typeof ENGINE_SETTINGS)[number];

export interface EmbedderOptions {
  /** Which graph to run. Default `int8`. */
  readonly precision?: Precision;
  /**
   * `auto` (the default): the native engine where it can run (an int8 graph, the addon built, a CPU
   * with AVX-512 VNNI or AVX2, one thread per session), else ONNX Runtime. `native` fails where it
   * cannot run; `onnxruntime` never uses it.
   */
  readonly engine?: EngineSetting;
  /**
   * An earlier graph of that precision instead of its current one (`int8-v1`), for a namespace
   * still pinned to it. Default: the precision's current graph.
   */
  readonly graph?: GraphKey;
  /** Folder with the built model. Default: the repository's `models/all-MiniLM-L6-v2`. */
  readonly modelDir?: string;
  /**
   * Sessions (ONNX Runtime's or the native engine's) that run batches side by side, each on a
   * thread of its own. Default: 2,
   * or 1 when the CPU budget (the cgroup quota where one is set, else the cores) is one CPU. Each holds its own copy of the weights and its own activation memory
   * (about 40 MB plus one batch's activations), so a process that must stay small uses 1.
   * Two 1-thread sessions beat one 2-thread session on 2 cores, and by far when other processes
   * take CPU: one session's two threads meet at the end of every operator, so a thread that loses
   * its core stalls the other.
   */
  readonly sessions?: number;
  /**
   * ONNX Runtime intra-op threads per session. Default: the CPU budget divided by `sessions`: the
   * cgroup's CPU quota where one is set (a container or dyno sees the host's cores), else
   * `os.availableParallelism()`.
   */
  readonly threads?: number;
  /** Most chunks in one inference batch. Default 64. */
  readonly maxBatchSize?: number;
  /**
   * Most padded tokens (chunks x longest sequence) in one inference batch. Activation memory
   * grows with it (~20 KB per token, per session), so it bounds the process's peak RSS. Default
   * 512 (about 8 seed chunks): measured as fast as 2048 per 1-thread session, and two sessions
   * with 512 use less memory than two with 1024. At least 256, so the longest chunk always fits.
   */
  readonly maxBatchTokens?: number;
  /** Chunks read ahead and sorted by length before batching; bounds memory for any input size. Default 2048. */
  readonly sortWindow?: number;
  /**
   * Records every session's profile into this existing folder, one JSON file per session, written
   * when the embedder closes (`embedq bench --profile` reads them): ONNX Runtime's per-operator
   * trace, or the native engine's time per stage (`<prefix>.native.json`). For measurement only:
   * ONNX Runtime's profiler slows inference by a few percent.
   */
  readonly profileDir?: string;
  /**
   * Told when an inference thread (`sessions` > 1) dies, and when its replacement is ready or
   * fails to start. The embedder recovers by itself; a long-running process logs these.
   */
  readonly onInferenceThread?: (event: InferenceThreadEvent) => void;
}

/**
 * A dead inference thread and its replacement. `slot` numbers the threads from 0. The batch a
 * thread was running when it died fails; the next batch on its slot waits for the replacement.
 */
export type InferenceThreadEvent =
  | { readonly type: 'died'; readonly slot: number; readonly reason: string }
  | { readonly type: 'replaced'; readonly slot: number; readonly seconds: number }
  | { readonly type: 'replace-failed'; readonly slot: number; readonly reason: string };

/**
 * What one inference batch cost this call; reported by `embedStream`. Concurrent calls of the same
 * priority share batches (continuous batching), so a batch may also hold other calls' chunks: the
 * fields below are this call's share of it, and `run` describes the whole ONNX Runtime run.
 */
export interface BatchReport {
  /** 0-based position of this batch within its `embedStream` (or `embed`) call. */
  readonly index: number;
  /** This call's chunks in the batch. */
  readonly chunks: number;
  /** Their real word pieces (no padding). */
  readonly tokens: number;
  /** Their chunks x the batch's longest sequence: what the model actually computed for them. */
  readonly paddedTokens: number;
  /** This call's share of the run's wall time (run.ms x chunks / run.chunks): shares of a run add up to it. */
  readonly ms: number;
  readonly run: RunReport;
}

/** One ONNX Runtime run, which concurrent calls may share. */
export interface RunReport {
  /** Chunks of every call in the run. */
  readonly chunks: number;
  /** Wall time of the run. */
  readonly ms: number;
  /**
   * True for exactly one of the calls sharing the run (the one whose chunk set its width), so
   * counting runs by it counts each once.
   */
  readonly lead: boolean;
}

export interface EmbeddedBatch {
  readonly report: BatchReport;
  /** Positions of these chunks in the input sequence. */
  readonly indices: readonly number[];
  /** Unit vectors, `vectors[i]` belongs to input `indices[i]`. */
  readonly vectors: readonly Float32Array[];
}

/** Per-call options of `embed` and `embedStream`. */
export interface EmbedCallOptions {
  /**
   * `high`: this call's batches run before waiting `normal` ones of other calls (queries and small
   * batches while a bulk load runs); it shares batches only with other `high` calls. Default `normal`.
   */
  readonly priority?: 'high' | 'normal';
  /** Called with each inference batch's report as it completes (`embed` only; `embedStream` yields them). */
  readonly onBatch?: (report: BatchReport) => void;
}

export interface Embedder {
  readonly dimensions: number;
  readonly precision: Precision;
  /** What runs the graph (see `EmbedderOptions.engine`). */
  readonly engine: Engine;
  /**
   * Word pieces of `text` by the model's tokenizer, without [CLS]/[SEP] and without truncation:
   * more than MAX_TEXT_WORD_PIECES means the model sees only the first of them.
   */
  countWordPieces(text: string): number;
  /** Embeds all texts; result order equals input order. */
  embed(texts: readonly string[], options?: EmbedCallOptions): Promise<Float32Array[]>;
  /**
   * Embeds a stream of texts of any length with bounded memory, yielding each inference batch
   * as it completes (batches may complete out of input order; use `indices`). Inference runs
   * ahead of a slow reader by at most one sort window.
   */
  embedStream(
    texts: Iterable<string> | AsyncIterable<string>,
    options?: EmbedCallOptions,
  ): AsyncIterable<EmbeddedBatch>;
  /** Releases the sessions. Safe to call twice. */
  close(): Promise<void>;
}
