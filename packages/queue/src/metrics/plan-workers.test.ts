import { describe, expect, it } from 'vitest';
import { BUCKET_SECONDS } from './metric-keys.js';
import {
  DEFAULT_TOKENS_PER_CHUNK,
  type PlanBucket,
  type PlanObservations,
  type PlanSettings,
  planReadSeconds,
  planWorkers,
} from './plan-workers.js';

const SETTINGS: PlanSettings = {
  slaSeconds: 60,
  utilisation: 0.8,
  fallbackTokensPerWorkerSec: 10_000,
  windowSeconds: 300,
  minWorkers: 0,
  targetChunksPerSec: 500,
};
/** Buckets a real read covers for the default window: 182. */
const COUNT = planReadSeconds(SETTINGS.windowSeconds) / BUCKET_SECONDS;
/** The current bucket starts here; now is 2.5 s into it. */
const CURRENT_START = 1_800_000_000;
const NOW = CURRENT_START * 1_000 + 2_500;

interface Shape {
  chunks?: number;
  tokens?: number;
  backlog?: number | undefined;
  workers?: readonly string[];
}

/** COUNT buckets, oldest first; `shape(age)` where age 0 is the current bucket, 1 the one before. */
function buckets(shape: (age: number) => Shape, count = COUNT): PlanBucket[] {
  return Array.from({ length: count }, (_, i) => {
    const age = count - 1 - i;
    const s = shape(age);
    return {
      start: CURRENT_START - age * BUCKET_SECONDS,
      chunks: s.chunks ?? 0,
      tokens: s.tokens ?? 0,
      backlog: s.backlog,
      workers: new Map((s.workers ?? []).map((id) => [id, {}])),
    };
  });
}

function observed(
  list: PlanBucket[],
  pending: { chunks: number; wordPieces: number },
  live = 2,
): PlanObservations {
  return {
    now: NOW,
    buckets: list,
    liveWorkers: live,
    pendingChunks: pending.chunks,
    pendingWordPieces: pending.wordPieces,
  };
}

/** Two busy workers: 1,000 chunks of 68 tokens per bucket (half so far in the current one), 2,000 always waiting. */
const steady = (age: number): Shape => ({
  chunks: age === 0 ? 500 : 1_000,
  tokens: age === 0 ? 34_000 : 68_000,
  backlog: age === 0 ? undefined : 2_000,
  workers: ['w1', 'w2'],
});
/** 2,000 chunks of 66 word pieces: 68 tokens each with [CLS] and [SEP]. */
const STEADY_PENDING = { chunks: 2_000, wordPieces: 132_000 };

describe('planWorkers', () => {
  it('steady state: arrivals plus the backlog over the SLA, on the measured per-worker rate', () => {
    const plan = planWorkers(observed(buckets(steady), STEADY_PENDING), SETTINGS);
    // 68,000 tokens per 5 s over two workers.
    expect(plan.rateSource).toBe('measured');
    expect(plan.tokensPerWorkerSec).toBeCloseTo(6_800);
    expect(plan.busyWorkerSeconds).toBe(2 * 900);
    expect(plan.tokensPerChunk).toBeCloseTo(68);
    // Done 13,600 tokens/s and the backlog flat: arrival = 13,600 tokens/s = 200 chunks/s.
    expect(plan.arrivalTokensPerSec).toBeCloseTo(13_600);
    expect(plan.arrivalChunksPerSec).toBeCloseTo(200);
    expect(plan.backlogTokens).toBe(136_000);
    expect(plan.drainTokensPerSec).toBeCloseTo(136_000 / 60);
    // ceil((13,600 + 2,266.7) / (0.8 x 6,800)) = ceil(2.92)
    expect(plan.neededNow).toBe(3);
    expect(plan.needed).toBe(3);
    expect(plan.have).toBe(2);
    // 500 chunks/s x 68 tokens / 5,440 = 6.25
    expect(plan.workersForTarget).toBe(7);
  });

  it('a backlog burst on an idle fleet asks for enough workers at once, on the configured rate', () => {
    const idle = buckets((age) => ({ backlog: age === 0 ? undefined : 0, workers: ['w1'] }));
    const plan = planWorkers(observed(idle, { chunks: 100_000, wordPieces: 6_600_000 }, 1), SETTINGS);
    expect(plan.rateSource).toBe('configured');
    expect(plan.tokensPerWorkerSec).toBe(10_000);
    // Arrival: 100,000 chunks x 68 tokens over the 300 s window; drain: 6.8M tokens in 60 s.
    expect(plan.arrivalTokensPerSec).toBeCloseTo(6_800_000 / 300);
    expect(plan.drainTokensPerSec).toBeCloseTo(6_800_000 / 60);
    // ceil(136,000 / 8,000)
    expect(plan.neededNow).toBe(17);
    expect(plan.needed).toBe(17);
  });

  it('an idle fleet needs none, or the configured minimum', () => {
    const idle = buckets((age) => ({ backlog: age % 6 === 0 && age > 0 ? 0 : undefined }));
    const plan = planWorkers(observed(idle, { chunks: 0, wordPieces: 0 }, 0), SETTINGS);
    expect(plan).toMatchObject({
      needed: 0,
      neededNow: 0,
      have: 0,
      arrivalTokensPerSec: 0,
      backlogTokens: 0,
    });
    expect(plan.tokensPerChunk).toBe(DEFAULT_TOKENS_PER_CHUNK);
    expect(
      planWorkers(observed(idle, { chunks: 0, wordPieces: 0 }, 0), { ...SETTINGS, minWorkers: 2 }).needed,
    ).toBe(2);
  });

  it('plans without any bucket at all (metrics just started)', () => {
    const plan = planWorkers(observed([], { chunks: 10, wordPieces: 600 }, 0), SETTINGS);
    expect(plan.rateSource).toBe('configured');
    expect(plan.needed).toBe(1);
  });

  it('a trickle of work keeps one worker', () => {
    const trickle = buckets((age) => ({ chunks: age === 10 ? 1 : 0, tokens: age === 10 ? 30 : 0 }));
    const plan = planWorkers(observed(trickle, { chunks: 0, wordPieces: 0 }, 1), SETTINGS);
    expect(plan.arrivalTokensPerSec).toBeCloseTo(30 / 300);
    expect(plan.needed).toBe(1);
  });

  it('falls back to the configured rate when the workers never had work waiting', () => {
    // Work arrives and is done within each bucket: nothing pending at any bucket's end.
    const light = buckets((age) => ({
      chunks: age === 0 ? 50 : 100,
      tokens: age === 0 ? 3_400 : 6_800,
      backlog: age === 0 ? undefined : 0,
      workers: ['w1'],
    }));
    const plan = planWorkers(observed(light, { chunks: 0, wordPieces: 0 }, 1), SETTINGS);
    expect(plan.rateSource).toBe('configured');
    expect(plan.busyWorkerSeconds).toBe(0);
    // 1,360 tokens/s against 8,000 planned per worker.
    expect(plan.arrivalTokensPerSec).toBeCloseTo(1_360);
    expect(plan.tokensPerChunk).toBeCloseTo(68);
    expect(plan.needed).toBe(1);
  });

  it('falls back when busy buckets are too few to measure, and measures once there are enough', () => {
    const busyFor = (busyBuckets: number) =>
      buckets((age) => {
        // Busy in the buckets aged 1..busyBuckets: work waits at both their ends.
        const busy = age >= 1 && age <= busyBuckets;
        return {
          chunks: busy ? 1_000 : 0,
          tokens: busy ? 68_000 : 0,
          backlog: age === 0 ? undefined : age <= busyBuckets + 1 ? 5_000 : 0,
          workers: ['w1'],
        };
      });
    expect(planWorkers(observed(busyFor(2), STEADY_PENDING, 1), SETTINGS).rateSource).toBe('configured');
    const measured = planWorkers(observed(busyFor(3), STEADY_PENDING, 1), SETTINGS);
    expect(measured.rateSource).toBe('measured');
    expect(measured.tokensPerWorkerSec).toBeCloseTo(13_600);
    expect(measured.busyWorkerSeconds).toBe(15);
  });

  it('measures only busy buckets of the last 15 minutes', () => {
    // Busy before the rate window (ages 181 and up: ended 902.5 s ago or earlier), idle since.
    const old = buckets(
      (age) => ({
        chunks: age >= 181 ? 1_000 : 0,
        tokens: age >= 181 ? 68_000 : 0,
        backlog: age === 0 ? undefined : age >= 180 ? 5_000 : 0,
        workers: ['w1'],
      }),
      240,
    );
    expect(planWorkers(observed(old, { chunks: 0, wordPieces: 0 }, 1), SETTINGS).rateSource).toBe(
      'configured',
    );
  });

  it('leaves the tail of a drain out of the rate: the last jobs keep only some workers busy', () => {
    // Four workers drain 12,500 chunks at 4,000 a bucket; the last 500 take one worker part of a
    // bucket while the others idle, so that bucket, and the one that left less than it did, are out.
    const left = [0, 0, 500, 4_500, 8_500, 12_500];
    const drain = buckets((age) => ({
      chunks: age >= 2 && age <= 4 ? 4_000 : age === 1 ? 500 : 0,
      tokens: age >= 2 && age <= 4 ? 4_000 * 68 : age === 1 ? 500 * 68 : 0,
      backlog: age === 0 ? undefined : (left[age] ?? 0),
      workers: ['a', 'b', 'c', 'd'],
    }));
    const plan = planWorkers(observed(drain, { chunks: 0, wordPieces: 0 }, 4), SETTINGS);
    expect(plan.rateSource).toBe('measured');
    // Buckets aged 4 and 3 only.
    expect(plan.busyWorkerSeconds).toBe(2 * 4 * 5);
    expect(plan.tokensPerWorkerSec).toBeCloseTo((4_000 * 68) / (4 * 5));
  });

  it('interpolates the backlog between sparse samples (a scrape every 30 s)', () => {
    const sparse = buckets((age) => ({
      ...steady(age),
      backlog: age % 6 === 0 && age > 0 ? 2_000 : undefined,
    }));
    const plan = planWorkers(observed(sparse, STEADY_PENDING), SETTINGS);
    expect(plan.rateSource).toBe('measured');
    expect(plan.tokensPerWorkerSec).toBeCloseTo(6_800);
    expect(plan.needed).toBe(3);
  });

  it('counts a worker whose heartbeat missed one bucket, between two it reported in', () => {
    const gap = buckets((age) => ({ ...steady(age), workers: age % 10 === 5 ? ['w1'] : ['w1', 'w2'] }));
    expect(planWorkers(observed(gap, STEADY_PENDING), SETTINGS).tokensPerWorkerSec).toBeCloseTo(6_800);
  });

  it('counts tokens, not chunks: chunks twice as long need twice the workers', () => {
    const short = planWorkers(
      observed(
        buckets(() => ({})),
        { chunks: 60_000, wordPieces: 60_000 * 30 },
        0,
      ),
      SETTINGS,
    );
    const long = planWorkers(
      observed(
        buckets(() => ({})),
        { chunks: 60_000, wordPieces: 60_000 * 62 },
        0,
      ),
      SETTINGS,
    );
    // 60,000 x 32 tokens / 60 s / 8,000 = 4; 60,000 x 64 / 60 / 8,000 = 8.
    expect(short.neededNow).toBe(4);
    expect(long.neededNow).toBe(8);
  });

  it('asks for exactly the demand when it is a whole number of workers', () => {
    const plan = planWorkers(
      observed(
        buckets(() => ({})),
        { chunks: 0, wordPieces: 0 },
        0,
      ),
      {
        ...SETTINGS,
        targetChunksPerSec: 1_000,
        utilisation: 0.85,
        fallbackTokensPerWorkerSec: 17_000 / 0.85,
      },
    );
    // 1,000 chunks/s x 65.6 tokens = 65,600 tokens/s; 0.85 x 20,000 = 17,000 per worker: 3.86 -> 4.
    expect(plan.workersForTarget).toBe(4);
    const exact = planWorkers(
      observed(
        buckets(() => ({})),
        { chunks: 48_000, wordPieces: 48_000 * 8 },
        0,
      ),
      SETTINGS,
    );
    // 48,000 x 10 tokens / 60 s = 8,000 tokens/s: exactly one worker at 0.8 x 10,000.
    expect(exact.neededNow).toBe(1);
  });

  describe('damping', () => {
    /** 60,000 chunks waiting at the end of the bucket `age` buckets back, none before or since. */
    const spikeAt = (spikeAge: number) =>
      buckets((age) => ({ backlog: age === 0 ? undefined : age === spikeAge ? 60_000 : 0 }));

    it('scales down only to the largest need of the last 300 s', () => {
      const plan = planWorkers(observed(spikeAt(24), { chunks: 0, wordPieces: 0 }, 9), SETTINGS);
      // Then: 60,000 x 65.6 tokens arrived within its window (13,120 tokens/s) and waited
      // (65,600 tokens/s to drain in 60 s): ceil(78,720 / 8,000) = 10.
      expect(plan.neededNow).toBe(0);
      expect(plan.needed).toBe(10);
      expect(plan.have).toBe(9);
    });

    it('lets go of a need older than 300 s', () => {
      const plan = planWorkers(observed(spikeAt(61), { chunks: 0, wordPieces: 0 }, 9), SETTINGS);
      expect(plan.neededNow).toBe(0);
      expect(plan.needed).toBe(0);
    });

    it('scales up at once', () => {
      const plan = planWorkers(
        observed(spikeAt(24), { chunks: 120_000, wordPieces: 120_000 * 65.6 }, 9),
        SETTINGS,
      );
      // 120,000 x 67.6 tokens: (27,040 + 135,200) / 8,000 = 20.3.
      expect(plan.neededNow).toBe(21);
      expect(plan.needed).toBe(plan.neededNow);
    });
  });
});
