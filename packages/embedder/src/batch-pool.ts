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
  /** The padded width: the first row's length. */
  readonly columns: number;
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
 * One lane's waiting chunks as parallel typed arrays ordered by length (longest first), then by
 * window age, then by the window's own order. Typed and reused because entries live for seconds:
 * one object per chunk would be promoted by V8 and pile up as old-space garbage (see TokenWindow).
 */
class LaneEntries<M extends PoolMember> {
  /** Windows with chunks waiting, oldest first; `ids` below index into `#byId`. */
  readonly #members: M[] = [];
  readonly #byId = new Map<number, M>();
  readonly #idOf = new Map<M, number>();
  #nextId = 0;
  #ids = new Int32Array(0);
  #ks = new Int32Array(0);
  #lengths = new Int32Array(0);
  size = 0;

  add(member: M): void {
    const count = member.lengths.length;
    if (count === 0) return;
    if (this.#idOf.has(member)) throw new Error('this window is already in the pool');
    const id = this.#nextId++;
    this.#members.push(member);
    this.#byId.set(id, member);
    this.#idOf.set(member, id);
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
        this.#ids[to] = id;
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
    const oldestId = this.#idOf.get(oldest)!;
    let anchor = 0;
    while (this.#ids[anchor] !== oldestId) anchor++;
    // Lengths fall from the anchor on, so the anchor's length is the batch's width.
    const columns = this.#lengths[anchor]!;
    const fit = Math.min(limits.maxBatchSize, Math.max(1, Math.floor(limits.maxBatchTokens / columns)));
    const end = Math.min(this.size, anchor + fit);
    const members: M[] = [];
    const ks: number[] = [];
    for (let e = anchor; e < end; e++) {
      members.push(this.#byId.get(this.#ids[e]!)!);
      ks.push(this.#ks[e]!);
    }
    for (let from = end; from < this.size; from++) this.#move(from, from - (end - anchor));
    this.size -= end - anchor;
    this.#forgetFinished(members);
    return { members, ks, columns };
  }

  remove(member: M): void {
    const id = this.#idOf.get(member);
    if (id === undefined) return;
    let kept = 0;
    for (let e = 0; e < this.size; e++) if (this.#ids[e] !== id) this.#move(e, kept++);
    this.size = kept;
    this.#forget(member, id);
  }

  /** Forgets the windows of a batch just cut that have no chunk left waiting. */
  #forgetFinished(members: readonly M[]): void {
    for (const member of new Set(members)) {
      const id = this.#idOf.get(member)!;
      if (!this.#ids.subarray(0, this.size).includes(id)) this.#forget(member, id);
    }
  }

  #forget(member: M, id: number): void {
    this.#members.splice(this.#members.indexOf(member), 1);
    this.#byId.delete(id);
    this.#idOf.delete(member);
  }

  #move(from: number, to: number): void {
    this.#ids[to] = this.#ids[from]!;
    this.#ks[to] = this.#ks[from]!;
    this.#lengths[to] = this.#lengths[from]!;
  }

  #reserve(capacity: number): void {
    if (this.#ids.length >= capacity) return;
    const grown = Math.max(capacity, this.#ids.length * 2);
    const copy = (from: Int32Array): Int32Array<ArrayBuffer> => {
      const to = new Int32Array(grown);
      to.set(from.subarray(0, this.size));
      return to;
    };
    this.#ids = copy(this.#ids);
    this.#ks = copy(this.#ks);
    this.#lengths = copy(this.#lengths);
  }
}
