import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { round, rssMB } from './batch-recorder.js';
import type { SettledRssSample } from './interfaces.js';

/**
 * V8's `gc()`, whether or not the process was started with --expose-gc: the flag set at run time
 * exposes it in contexts created afterwards.
 */
export function fullGarbageCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Samples RSS right after a full garbage collection every `every` chunks and at the end. The RSS
 * sampled after each batch also holds whatever garbage V8 has not collected yet: texts a sort
 * window held for a few seconds are promoted and die in old space, so it rises by several MB and
 * falls at V8's next full collection. A settled sample, taken when no batch is in flight (the
 * bench calls `after` between streams), holds only what the process keeps: the live heap, ONNX
 * Runtime's arenas, the allocator's free lists. That is what would creep.
 * Each collection takes a few milliseconds of the timed run.
 */
export class SettledRssSampler {
  readonly #every: number;
  readonly #collect: () => void;
  readonly #samples: SettledRssSample[] = [];
  #next: number;

  constructor(every: number, collect: () => void = fullGarbageCollection()) {
    if (!Number.isInteger(every) || every < 1)
      throw new RangeError(`every must be a positive integer, got ${every}`);
    this.#every = every;
    this.#collect = collect;
    this.#next = every;
  }

  /** Call with the chunks done so far; samples once `every` more chunks are done. */
  after(chunks: number, rss: () => number = rssMB): void {
    if (chunks < this.#next) return;
    this.#sample(chunks, rss);
    while (this.#next <= chunks) this.#next += this.#every;
  }

  /** Call once the run is done: samples the end unless the last sample was taken there. */
  finish(chunks: number, rss: () => number = rssMB): void {
    if (this.#samples[this.#samples.length - 1]?.chunks !== chunks) this.#sample(chunks, rss);
  }

  get samples(): readonly SettledRssSample[] {
    return this.#samples;
  }

  #sample(chunks: number, rss: () => number): void {
    this.#collect();
    this.#samples.push({ chunks, rssMB: round(rss(), 1) });
  }
}
