import { describe, expect, it } from 'vitest';
import { BatchRecorder } from './batch-recorder.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

describe('BatchRecorder', () => {
  it('adds up batches, samples RSS per batch and times the run', () => {
    const c = clock();
    const lines: string[] = [];
    const rec = new BatchRecorder({
      label: 'embedq 4 b2',
      total: 4,
      now: c.now,
      write: (l) => lines.push(l),
    });
    rec.start();
    c.advance(500);
    rec.batch({ chunks: 2, tokens: 100, paddedTokens: 120, ms: 480 }, 150);
    c.advance(1600);
    rec.batch({ chunks: 2, tokens: 90, paddedTokens: 90, ms: 1590 }, 160.04);
    rec.finish();
    expect(rec.chunks).toBe(4);
    expect(rec.tokens).toBe(190);
    expect(rec.paddedTokens).toBe(210);
    expect(rec.batches).toBe(2);
    expect(rec.seconds).toBeCloseTo(2.1);
    expect(rec.samples).toEqual([
      { chunks: 2, seconds: 0.5, rssMB: 150 },
      { chunks: 4, seconds: 2.1, rssMB: 160 },
    ]);
    expect(rec.timings.max).toBe(1590);
    expect(lines).toEqual(['  [embedq 4 b2] 4/4 chunks, 1.9 chunks/s, rss 160 MB']);
  });

  it('refuses to report seconds before finish()', () => {
    const rec = new BatchRecorder({ label: 'x', total: 1 });
    rec.start();
    expect(() => rec.seconds).toThrow(/finish/);
  });
});
