import { performance } from 'node:perf_hooks';
import type { RssSample } from './interfaces.js';
import { type Timings, timings } from './percentiles.js';

export const MB = 2 ** 20;

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
 * Collects what each batch of a timed run cost, samples RSS after every batch, and prints a
 * progress line (chunks done, chunks/s, RSS) about every 2 s.
 */
export class BatchRecorder {
  readonly #label: string;
  readonly #total: number;
  readonly #write: (line: string) => void;
  readonly #every: number;
  readonly #now: () => number;
  readonly #ms: number[] = [];
  readonly #samples: RssSample[] = [];
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
    // Rounded: a 20k-chunk run keeps ~300 samples, and they end up in a checked-in JSON report.
    this.#samples.push({
      chunks: this.#chunks,
      seconds: round((now - this.#start) / 1000, 3),
      rssMB: round(rss, 1),
    });
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
