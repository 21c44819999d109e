import { createPrng } from '@embedq/workload';
import { describe, expect, it } from 'vitest';
import { type BatchLimits, BatchPool, type Lane, type PooledBatch } from './batch-pool.js';
import { MAX_SEQUENCE_LENGTH } from './interfaces.js';

interface Member {
  readonly name: string;
  readonly lane: Lane;
  readonly lengths: readonly number[];
}

const member = (name: string, lengths: readonly number[], lane: Lane = 'normal'): Member => ({
  name,
  lane,
  lengths: [...lengths].sort((a, b) => b - a),
});

/** Each batch as `name:k` labels of its rows. */
const labels = (batch: PooledBatch<Member>): string[] =>
  batch.members.map((m, row) => `${m.name}:${batch.ks[row]}`);

/** Every batch the pool cuts until it is empty. */
function drain(pool: BatchPool<Member>): PooledBatch<Member>[] {
  const batches: PooledBatch<Member>[] = [];
  for (let batch = pool.next(); batch !== undefined; batch = pool.next()) batches.push(batch);
  return batches;
}

const lengthsOf = (batch: PooledBatch<Member>): number[] =>
  batch.members.map((m, row) => m.lengths[batch.ks[row]!]!);

/** Padded tokens: rows x the batch's widest row. */
const padded = (batches: readonly PooledBatch<Member>[]): number =>
  batches.reduce((total, batch) => total + batch.members.length * Math.max(...lengthsOf(batch)), 0);

/** Lengths like tokenized chunks: 2 ([CLS] [SEP] only) to MAX_SEQUENCE_LENGTH. */
function randomLengths(seed: number, count: number): number[] {
  const rng = createPrng(seed);
  return Array.from({ length: count }, () => rng.int(2, MAX_SEQUENCE_LENGTH));
}

/** Every limit a batch must respect, and every chunk of every member placed exactly once. */
function expectValidBatches(
  members: readonly Member[],
  limits: BatchLimits,
  batches: readonly PooledBatch<Member>[],
): void {
  const placed = batches.flatMap(labels).sort();
  const expected = members.flatMap((m) => m.lengths.map((_, k) => `${m.name}:${k}`)).sort();
  expect(placed).toEqual(expected);
  for (const batch of batches) {
    const lengths = lengthsOf(batch);
    // Longest first: the first row sets the width.
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
    expect(lengths.length).toBeLessThanOrEqual(limits.maxBatchSize);
    if (lengths.length > 1) expect(lengths.length * lengths[0]!).toBeLessThanOrEqual(limits.maxBatchTokens);
  }
}

describe('BatchPool with one window', () => {
  const sizes = (lengths: readonly number[], limits: BatchLimits): number[] => {
    const pool = new BatchPool<Member>(limits);
    pool.add(member('a', lengths));
    return drain(pool).map((batch) => batch.members.length);
  };

  it('has nothing to cut when empty, and ignores an empty window', () => {
    const pool = new BatchPool<Member>({ maxBatchSize: 64, maxBatchTokens: 4096 });
    expect(pool.next()).toBeUndefined();
    pool.add(member('empty', []));
    expect(pool.size).toBe(0);
    expect(pool.next()).toBeUndefined();
  });

  it('cuts by count when the token budget is generous', () => {
    expect(sizes(new Array(10).fill(8), { maxBatchSize: 4, maxBatchTokens: 100_000 })).toEqual([4, 4, 2]);
  });

  it('cuts by padded tokens (count x longest), the first and longest chunk setting the width', () => {
    // 3 x 10 = 30 fits a budget of 30; a 4th row would make 40.
    expect(sizes([10, 10, 10, 10, 10], { maxBatchSize: 64, maxBatchTokens: 30 })).toEqual([3, 2]);
    // [9, 9, 5] is 27 <= 30 tokens; a 4th row makes 36.
    expect(sizes([5, 5, 5, 9, 9], { maxBatchSize: 64, maxBatchTokens: 30 })).toEqual([3, 2]);
  });

  it('fills a batch exactly to the token budget', () => {
    expect(sizes([8, 8, 8, 8], { maxBatchSize: 64, maxBatchTokens: 32 })).toEqual([4]);
  });

  it('runs each max-length chunk alone when the budget holds exactly one', () => {
    const limits = { maxBatchSize: 64, maxBatchTokens: MAX_SEQUENCE_LENGTH };
    expect(sizes([MAX_SEQUENCE_LENGTH, MAX_SEQUENCE_LENGTH, 100], limits)).toEqual([1, 1, 1]);
    // Shorter chunks share a batch once the long one has gone alone.
    expect(sizes([100, 128, MAX_SEQUENCE_LENGTH], limits)).toEqual([1, 2]);
  });

  it('still places a chunk longer than the budget, alone, rather than dropping it', () => {
    expect(sizes([2, 50, 50], { maxBatchSize: 64, maxBatchTokens: 40 })).toEqual([1, 1, 1]);
  });

  it('with maxBatchSize 1 gives one batch per chunk', () => {
    expect(sizes([3, 4, 5], { maxBatchSize: 1, maxBatchTokens: 4096 })).toEqual([1, 1, 1]);
  });

  it.each([
    { maxBatchSize: 64, maxBatchTokens: 4096 },
    { maxBatchSize: 32, maxBatchTokens: 1024 },
    { maxBatchSize: 128, maxBatchTokens: 256 },
    { maxBatchSize: 7, maxBatchTokens: 100_000 },
  ])('respects both limits and places every chunk once, in order, for %o', (limits) => {
    for (const seed of [1, 2, 3]) {
      const pool = new BatchPool<Member>(limits);
      const a = member('a', randomLengths(seed, 1000));
      pool.add(a);
      const batches = drain(pool);
      expectValidBatches([a], limits, batches);
      // One window is taken in its own order.
      expect(batches.flatMap((batch) => [...batch.ks])).toEqual(a.lengths.map((_, k) => k));
    }
  });

  it('is greedy: no batch could have taken the first chunk of the next one', () => {
    const limits = { maxBatchSize: 16, maxBatchTokens: 1024 };
    const pool = new BatchPool<Member>(limits);
    pool.add(member('a', randomLengths(9, 2000)));
    const batches = drain(pool).map(lengthsOf);
    batches.slice(0, -1).forEach((batch, i) => {
      const next = batches[i + 1]![0]!;
      const width = Math.max(batch[0]!, next);
      const wouldFit =
        batch.length + 1 <= limits.maxBatchSize && (batch.length + 1) * width <= limits.maxBatchTokens;
      expect(wouldFit).toBe(false);
    });
  });
});

describe('BatchPool with several windows', () => {
  const limits = { maxBatchSize: 3, maxBatchTokens: 4096 };

  it('starts each batch at the oldest window’s longest chunk and fills it from any window', () => {
    const pool = new BatchPool<Member>(limits);
    pool.add(member('old', [50, 30, 10]));
    pool.add(member('new', [60, 40, 20, 30]));
    // new:0 (60) is longer, but the batch starts at old's longest (50), then takes what follows.
    // Equal lengths (30): the older window first.
    expect(labels(pool.next()!)).toEqual(['old:0', 'new:1', 'old:1']);
    // old's last chunk is the shortest waiting: it goes on its own, so old is done.
    expect(labels(pool.next()!)).toEqual(['old:2']);
    // new's longest, skipped so far, goes now.
    expect(labels(pool.next()!)).toEqual(['new:0', 'new:2', 'new:3']);
    expect(pool.next()).toBeUndefined();
  });

  it('finishes the oldest window first', () => {
    const pool = new BatchPool<Member>({ maxBatchSize: 16, maxBatchTokens: 2048 });
    const windows = [1, 2, 3].map((seed) => member(`w${seed}`, randomLengths(seed, 256)));
    for (const w of windows) pool.add(w);
    const batches = drain(pool);
    const lastBatchOf = (name: string) =>
      batches.findLastIndex((b) => b.members.some((m) => m.name === name));
    expect(lastBatchOf('w1')).toBeLessThanOrEqual(lastBatchOf('w2'));
    expect(lastBatchOf('w2')).toBeLessThanOrEqual(lastBatchOf('w3'));
    // The oldest is done well before the pool drains.
    expect(lastBatchOf('w1')).toBeLessThan(batches.length - 5);
    expectValidBatches(windows, { maxBatchSize: 16, maxBatchTokens: 2048 }, batches);
  });

  it('pads less than the same windows cut one by one', () => {
    const seedLimits = { maxBatchSize: 64, maxBatchTokens: 2048 };
    const windows = [11, 12, 13, 14].map((seed) => member(`w${seed}`, randomLengths(seed, 256)));
    const alone = windows.reduce((total, w) => {
      const pool = new BatchPool<Member>(seedLimits);
      pool.add(w);
      return total + padded(drain(pool));
    }, 0);
    const pool = new BatchPool<Member>(seedLimits);
    for (const w of windows) pool.add(w);
    const batches = drain(pool);
    expectValidBatches(windows, seedLimits, batches);
    expect(padded(batches)).toBeLessThan(alone * 0.97);
  });

  it('takes windows added between batches into the next batch', () => {
    const pool = new BatchPool<Member>(limits);
    pool.add(member('a', [40, 30, 20, 10]));
    expect(labels(pool.next()!)).toEqual(['a:0', 'a:1', 'a:2']);
    pool.add(member('b', [15, 12, 5]));
    expect(labels(pool.next()!)).toEqual(['a:3', 'b:2']);
    expect(labels(pool.next()!)).toEqual(['b:0', 'b:1']);
  });

  it('cuts from the high lane while it holds chunks, never mixing lanes', () => {
    const pool = new BatchPool<Member>(limits);
    pool.add(member('bulk', [10, 10, 10, 10]));
    expect(labels(pool.next()!)).toEqual(['bulk:0', 'bulk:1', 'bulk:2']);
    pool.add(member('query', [10, 8], 'high'));
    expect(pool.size).toBe(3);
    expect(labels(pool.next()!)).toEqual(['query:0', 'query:1']);
    expect(labels(pool.next()!)).toEqual(['bulk:3']);
  });

  it('drops a removed window’s waiting chunks and keeps the others', () => {
    const pool = new BatchPool<Member>(limits);
    const gone = member('gone', [50, 40, 30]);
    pool.add(gone);
    pool.add(member('kept', [45, 35]));
    expect(labels(pool.next()!)).toEqual(['gone:0', 'kept:0', 'gone:1']);
    pool.remove(gone);
    pool.remove(gone);
    expect(pool.size).toBe(1);
    expect(labels(pool.next()!)).toEqual(['kept:1']);
    expect(pool.next()).toBeUndefined();
  });

  it('refuses a window that is already in the pool', () => {
    const pool = new BatchPool<Member>(limits);
    const twice = member('twice', [3, 2]);
    pool.add(twice);
    expect(() => pool.add(twice)).toThrow(/already in the pool/);
  });

  it('takes a window again once its chunks are gone (a reused sort window)', () => {
    const pool = new BatchPool<Member>(limits);
    const reused = member('reused', [3, 2]);
    pool.add(reused);
    expect(labels(pool.next()!)).toEqual(['reused:0', 'reused:1']);
    pool.add(reused);
    expect(labels(pool.next()!)).toEqual(['reused:0', 'reused:1']);
  });
});
