import { planWorkers } from '@embedq/queue';
import { describe, expect, it } from 'vitest';
import { renderPlan } from './render-plan.js';

const SETTINGS = {
  slaSeconds: 60,
  utilisation: 0.8,
  fallbackTokensPerWorkerSec: 13_500,
  windowSeconds: 300,
  minWorkers: 0,
  targetChunksPerSec: 500,
};
const NOW = 1_800_000_002_500;

describe('renderPlan', () => {
  it('answers on the first line and shows the formula with its numbers and every input', () => {
    // 60,000 chunks of 65.6 word pieces waiting, no worker, nothing measured.
    const plan = planWorkers(
      { now: NOW, buckets: [], liveWorkers: 0, pendingChunks: 60_000, pendingWordPieces: 60_000 * 65.6 },
      SETTINGS,
    );
    const text = renderPlan({ plan, oldestWaitSeconds: 42.25 });
    const lines = text.split('\n');
    expect(lines[0]).toBe('need 7 workers, have 0 (scale up by 7)');
    expect(text).toContain('ceil((0 + 4,056,000 / 60) / (0.8 x 13,500)) = ceil(6.26) = 7');
    expect(text).toMatch(/backlog +4,056,000 tokens +60,000 chunks of 67\.6 tokens/);
    expect(text).toMatch(/per worker +13,500 tokens\/s +assumed \(WORKER_TOKENS_PER_SEC/);
    expect(text).toMatch(/oldest wait +42\.3 s/);
    // 500 x 67.6 = 33,800 tokens/s at 10,800 a worker.
    expect(text).toContain('Target 500 chunks/s (THROUGHPUT_TARGET) = 33,800 tokens/s: 4 workers');
    // One screen.
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('says when the fleet has enough, and when one worker is the floor', () => {
    const idle = planWorkers(
      { now: NOW, buckets: [], liveWorkers: 0, pendingChunks: 0, pendingWordPieces: 0 },
      { ...SETTINGS, targetChunksPerSec: 0 },
    );
    const text = renderPlan({ plan: idle, oldestWaitSeconds: 0 });
    expect(text.split('\n')[0]).toBe('need 0 workers, have 0 (enough)');
    expect(text).not.toContain('Target');
    const trickle = planWorkers(
      { now: NOW, buckets: [], liveWorkers: 3, pendingChunks: 10, pendingWordPieces: 600 },
      SETTINGS,
    );
    const small = renderPlan({ plan: trickle, oldestWaitSeconds: 1 });
    expect(small.split('\n')[0]).toBe('need 1 worker, have 3 (scale down by 2)');
    expect(small).toContain('(at least 1 while work arrives or waits)');
  });
});
