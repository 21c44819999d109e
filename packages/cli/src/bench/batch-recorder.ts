import { performance } from 'node:perf_hooks';
import type { RssSample } from './interfaces.js';
import { type Timings, timings } from './percentiles.js';

export const MB = 2 ** 20;

/**
 * Most RSS samples one run keeps. Batches are token-bounded (about 8 seed chunks each), so a
 * 20k-chunk run has ~2,800 of them; a sample per batch made the checked-in JSON report 4 MB.
 */
export const MAX_RSS_SAMPLES = 300;

export function rssMB(): number {
  return process.memoryUsage.rss() / MB;
}

/** Peak RSS of this whole process so far (`maxRSS` is in KiB). */
export function peakRssMB(): number {
  return (process.resourceUsage().maxRSS * 1024) / MB;
}

export interface BatchFigures {
  readonly chunks: number;
  readonly tokens: number;
  readonly paddedTokens: number;
  readonly ms: number;
}

export interface RecorderOptions {
  /** Prefix of progress lines, e.g. `embedq 10k b64`. */
  readonly label: string;
  readonly total: number;
  /** Where progress lines go. Default: stderr. */
  readonly write?: (line: string) => void;
  /** Least time between progress lines. Default 2000 ms. */
  readonly progressEveryMs?: number;
  readonly now?: () => number;
}

/**
 * Collects what each batch of a timed run cost, reads RSS after every batch, and prints a
 * progress line (chunks done, chunks/s, RSS) about every 2 s. It keeps at most about
 * MAX_RSS_SAMPLES samples, one per total / MAX_RSS_SAMPLES chunks and after the last batch,
 * each the highest RSS read since the one before, so no peak is lost.
 */
export class BatchRecorder {
  readonly #label: string;
  readonly #total: number;
  readonly #write: (line: string) => void;
  readonly #every: number;
  readonly #now: () => number;
  readonly #ms: number[] = [];
  readonly #samples: RssSample[] = [];
  readonly #sampleEveryChunks: number;
  #chunksAtLastSample = 0;
  #highestRssSinceSample = 0;
  #chunks = 0;
  #tokens = 0;
  #paddedTokens = 0;
  #start = 0;
  #lastProgress = 0;
  #end: number | undefined;

  constructor(options: RecorderOptions) {
    this.#label = options.label;
    this.#total = options.total;
    this.#write = options.write ?? ((line) => process.stderr.write(`${line}\n`));
    this.#every = options.progressEveryMs ?? 2000;
    this.#now = options.now ?? (() => performance.now());
    this.#sampleEveryChunks = Math.max(1, Math.ceil(options.total / MAX_RSS_SAMPLES));
  }

  /** Call right before the first batch starts. */
  start(): void {
    this.#start = this.#now();
    this.#lastProgress = this.#start;
  }

  batch(figures: BatchFigures, rss: number = rssMB()): void {
    this.#chunks += figures.chunks;
    this.#tokens += figures.tokens;
    this.#paddedTokens += figures.paddedTokens;
    this.#ms.push(figures.ms);
    const now = this.#now();
    this.#highestRssSinceSample = Math.max(this.#highestRssSinceSample, rss);
    const due = this.#chunks - this.#chunksAtLastSample >= this.#sampleEveryChunks;
    if (due || this.#chunks >= this.#total) {
      // Rounded: the samples end up in a checked-in JSON report.
      this.#samples.push({
        chunks: this.#chunks,
        seconds: round((now - this.#start) / 1000, 3),
        rssMB: round(this.#highestRssSinceSample, 1),
      });
      this.#chunksAtLastSample = this.#chunks;
      this.#highestRssSinceSample = 0;
    }
    if (now - this.#lastProgress >= this.#every) {
      this.#lastProgress = now;
      const rate = this.#chunks / ((now - this.#start) / 1000);
      this.#write(
        `  [${this.#label}] ${this.#chunks}/${this.#total} chunks, ${rate.toFixed(1)} chunks/s, rss ${rss.toFixed(0)} MB`,
      );
    }
  }

  /** Call right after the last batch finished. */
  finish(): void {
    this.#end = this.#now();
  }

  get chunks(): number {
    return this.#chunks;
  }

  get seconds(): number {
    if (this.#end === undefined) throw new Error('BatchRecorder.finish() was not called');
    return (this.#end - this.#start) / 1000;
  }

  get tokens(): number {
    return this.#tokens;
  }

  get paddedTokens(): number {
    return this.#paddedTokens;
  }

  get batches(): number {
    return this.#ms.length;
  }

  get timings(): Timings {
    return timings(this.#ms);
  }

  get samples(): readonly RssSample[] {
    return this.#samples;
  }
}

export function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
