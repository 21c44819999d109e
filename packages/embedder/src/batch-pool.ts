/** Limits of one inference batch. */
export interface BatchLimits {
  readonly maxBatchSize: number;
  /** Chunks x the longest of them; a chunk longer than this still runs, alone. */
  readonly maxBatchTokens: number;
}

/** Which lane a window waits in: batches come from the `high` lane while it holds anything. */
export type Lane = 'high' | 'normal';

/** One call's sort window, as the pool sees it. */
export interface PoolMember {
  readonly lane: Lane;
  /** Its chunks' lengths in word pieces, longest first; the pool names a chunk by its index here. */
  readonly lengths: ArrayLike<number>;
}

/** The rows of one inference batch: row r is chunk `ks[r]` of `members[r]`, longest first. */
export interface PooledBatch<M extends PoolMember> {
  readonly members: readonly M[];
  readonly ks: readonly number[];
}

/**
 * Chunks of every window in flight, in one length order per lane, from which inference batches
 * are cut (continuous batching). Concurrent calls (a worker's jobs, say) then share batches of
 * near-equal lengths instead of each padding its own few hundred chunks: over the 10k seed chunks
 * in 256-chunk calls, padding falls from 1.067x alone to 1.04x with two calls in flight and 1.02x
 * with four (a single 2048-chunk window: 1.010x).
 *
 * Each batch starts at the oldest window's longest waiting chunk and takes the next chunks in
 * length order, from any window, while the limits allow. So the oldest window advances with every
 * batch and finishes first; later windows only fill its batches, and no chunk waits for newer
 * arrivals. One window alone is cut greedily in its own order, as before pooling.
 */
export class BatchPool<M extends PoolMember> {
  readonly #lanes: Record<Lane, LaneEntries<M>> = { high: new LaneEntries(), normal: new LaneEntries() };

  constructor(private readonly limits: BatchLimits) {}

  /** Chunks waiting, over both lanes. */
  get size(): number {
    return this.#lanes.high.size + this.#lanes.normal.size;
  }

  add(member: M): void {
    this.#lanes[member.lane].add(member);
  }

  /** Takes the next batch's chunks out of the pool, or returns undefined when none wait. */
  next(): PooledBatch<M> | undefined {
    const lane = this.#lanes.high.size > 0 ? this.#lanes.high : this.#lanes.normal;
    return lane.take(this.limits);
  }

  /** Drops a window's waiting chunks (its call ended early or failed). */
  remove(member: M): void {
    this.#lanes[member.lane].remove(member);
  }
}

/**
 * One lane's waiting chunks as parallel arrays ordered by length (longest first), then by window
 * age, then by the window's own order. Reused, and typed where they can be, because entries live
 * for seconds: one object per chunk would be promoted by V8 and pile up as old-space garbage (see
 * TokenWindow).
 */
class LaneEntries<M extends PoolMember> {
  /** Windows with chunks waiting, oldest first. */
  readonly #members: M[] = [];
  /** Entry e is chunk `#ks[e]` of window `#owners[e]`, `#lengths[e]` word pieces long. */
  readonly #owners: M[] = [];
  #ks = new Int32Array(0);
  #lengths = new Int32Array(0);
  size = 0;

  add(member: M): void {
    const count = member.lengths.length;
    if (count === 0) return;
    if (this.#members.includes(member)) throw new Error('this window is already in the pool');
    this.#members.push(member);
    // Merge from the back, in place: the new window is the youngest, so on equal lengths the
    // entries already here go first.
    this.#reserve(this.size + count);
    let i = this.size - 1;
    let j = count - 1;
    for (let to = this.size + count - 1; j >= 0; to--) {
      const newLength = member.lengths[j]!;
      if (i >= 0 && this.#lengths[i]! < newLength) {
        this.#move(i--, to);
      } else {
        this.#owners[to] = member;
        this.#ks[to] = j;
        this.#lengths[to] = newLength;
        j--;
      }
    }
    this.size += count;
  }

  take(limits: BatchLimits): PooledBatch<M> | undefined {
    const oldest = this.#members[0];
    if (oldest === undefined) return undefined;
    const anchor = this.#owners.indexOf(oldest);
    // Lengths fall from the anchor on, so the anchor's length is the batch's width.
    const width = this.#lengths[anchor]!;
    const fit = Math.min(limits.maxBatchSize, Math.max(1, Math.floor(limits.maxBatchTokens / width)));
    const end = Math.min(this.size, anchor + fit);
    const members = this.#owners.slice(anchor, end);
    const ks = Array.from(this.#ks.subarray(anchor, end));
    for (let from = end; from < this.size; from++) this.#move(from, from - (end - anchor));
    this.#truncate(this.size - (end - anchor));
    for (const member of new Set(members)) if (!this.#owners.includes(member)) this.#forget(member);
    return { members, ks };
  }

  remove(member: M): void {
    if (!this.#members.includes(member)) return;
    let kept = 0;
    for (let e = 0; e < this.size; e++) if (this.#owners[e] !== member) this.#move(e, kept++);
    this.#truncate(kept);
    this.#forget(member);
  }

  #forget(member: M): void {
    this.#members.splice(this.#members.indexOf(member), 1);
  }

  /** Keeps the first `size` entries; no reference to a window outlives its entries. */
  #truncate(size: number): void {
    this.size = size;
    this.#owners.length = size;
  }

  #move(from: number, to: number): void {
    this.#owners[to] = this.#owners[from]!;
    this.#ks[to] = this.#ks[from]!;
    this.#lengths[to] = this.#lengths[from]!;
  }

  #reserve(capacity: number): void {
    if (this.#ks.length >= capacity) return;
    const grown = Math.max(capacity, this.#ks.length * 2);
    const copy = (from: Int32Array): Int32Array<ArrayBuffer> => {
      const to = new Int32Array(grown);
      to.set(from.subarray(0, this.size));
      return to;
    };
    this.#ks = copy(this.#ks);
    this.#lengths = copy(this.#lengths);
  }
}
