import type { WordPieceTokenizer } from './tokenizer.js';

/** Room for this many chunks of the longest length before the id buffer first grows. */
const INITIAL_CHUNKS = 64;

/**
 * The chunks of one sort window, tokenized into one packed buffer that is reused from window to
 * window: slot k's ids are `ids[starts[k], starts[k] + lengths[k])`.
 *
 * Why packed: a window lives for seconds (all its batches run before it is refilled), so one
 * typed array per chunk survives the young-generation collections, gets promoted, and piles up
 * as old-space garbage that V8 collects only much later; a long run's RSS then creeps. Packed and
 * reused, tokenizing a window allocates nothing that outlives the call.
 */
export class TokenWindow {
  private ids: Int32Array;
  private readonly positions: Int32Array;
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  /** Slots longest first, after `sortLongestFirst`. */
  private readonly order: Int32Array;
  private readonly sortedLengths: Int32Array;
  private used = 0;
  count = 0;

  constructor(
    readonly capacity: number,
    private readonly maxLength: number,
  ) {
    this.ids = new Int32Array(Math.min(capacity, INITIAL_CHUNKS) * maxLength);
    this.positions = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.order = new Int32Array(capacity);
    this.sortedLengths = new Int32Array(capacity);
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** Tokenizes `text`, the input's `position`-th, into the next slot. */
  add(position: number, text: string, tokenizer: Pick<WordPieceTokenizer, 'encodeInto'>): void {
    if (this.full) throw new RangeError(`the window holds at most ${this.capacity} chunks`);
    this.ensureRoom(this.used + this.maxLength);
    const length = tokenizer.encodeInto(text, this.ids, this.used);
    const slot = this.count++;
    this.positions[slot] = position;
    this.starts[slot] = this.used;
    this.lengths[slot] = length;
    this.used += length;
  }

  /**
   * Orders the slots by descending length (ties keep input order) so batches carry little
   * padding; returns the lengths in that order (a view, valid until the next call).
   * Longest first because the window's last batch is usually short of rows, a shape ONNX Runtime
   * has not seen: made of the shortest chunks its tensors are small and fit arena memory already
   * in use; made of the longest (ascending order) it raised RSS by ~3.5 MB at the end of a 20k-chunk
   * run (RSS from 5k to 20k chunks: +4-5 MB ascending, +2 MB longest first, with the same padding).
   */
  sortLongestFirst(): Int32Array {
    const order = this.order.subarray(0, this.count);
    for (let slot = 0; slot < this.count; slot++) order[slot] = slot;
    const lengths = this.lengths;
    order.sort((a, b) => lengths[b]! - lengths[a]! || a - b);
    for (let k = 0; k < this.count; k++) this.sortedLengths[k] = lengths[order[k]!]!;
    return this.sortedLengths.subarray(0, this.count);
  }

  /** Ids of the k-th chunk in sorted order: a view, valid until `clear`. */
  sortedIds(k: number): Int32Array {
    const slot = this.order[k]!;
    const start = this.starts[slot]!;
    return this.ids.subarray(start, start + this.lengths[slot]!);
  }

  /** Input position of the k-th chunk in sorted order. */
  sortedPosition(k: number): number {
    return this.positions[this.order[k]!]!;
  }

  /** Empties the window; its buffers are kept for the next one. */
  clear(): void {
    this.count = 0;
    this.used = 0;
  }

  private ensureRoom(needed: number): void {
    if (this.ids.length >= needed) return;
    // Never more than a full window of the longest chunks needs.
    const grown = new Int32Array(
      Math.min(Math.max(needed, this.ids.length * 2), this.capacity * this.maxLength),
    );
    grown.set(this.ids.subarray(0, this.used));
    this.ids = grown;
  }
}
