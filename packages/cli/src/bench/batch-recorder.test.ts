import { describe, expect, it } from 'vitest';
import { BatchRecorder, MAX_RSS_SAMPLES } from './batch-recorder.js';

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

  it('keeps a bounded number of samples, each the peak since the one before', () => {
    const c = clock();
    const total = 100 * MAX_RSS_SAMPLES;
    const rec = new BatchRecorder({ label: 'long', total, now: c.now, write: () => undefined });
    rec.start();
    // Batches of 7 chunks; RSS 200 MB but for one 250 MB spike after chunk 112, inside the second
    // sample's span (chunks 106-210).
    for (let done = 0; done < total; done += 7) {
      c.advance(10);
      const chunks = Math.min(7, total - done);
      rec.batch({ chunks, tokens: chunks * 60, paddedTokens: chunks * 64, ms: 10 }, done === 105 ? 250 : 200);
    }
    rec.finish();
    const samples = rec.samples;
    expect(rec.batches).toBe(Math.ceil(total / 7));
    expect(samples.length).toBeLessThanOrEqual(MAX_RSS_SAMPLES + 1);
    expect(samples.length).toBeGreaterThan(MAX_RSS_SAMPLES / 2);
    expect(samples.at(-1)?.chunks).toBe(total);
    expect(samples.filter((s) => s.rssMB === 250)).toEqual([{ chunks: 210, seconds: 0.3, rssMB: 250 }]);
    expect(samples.every((s) => s.rssMB === 200 || s.rssMB === 250)).toBe(true);
    for (let i = 1; i < samples.length; i++) {
      expect(samples[i]!.chunks - samples[i - 1]!.chunks).toBeGreaterThanOrEqual(
        Math.min(100, total - samples[i - 1]!.chunks),
      );
    }
  });

  it('refuses to report seconds before finish()', () => {
    const rec = new BatchRecorder({ label: 'x', total: 1 });
    rec.start();
    expect(() => rec.seconds).toThrow(/finish/);
  });
});
