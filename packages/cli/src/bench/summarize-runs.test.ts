import { describe, expect, it } from 'vitest';
import type { RunSpec } from './interfaces.js';
import { medianIndex, ratios, rssAt, summarizeRuns } from './summarize-runs.js';
import { fakeRun } from './test-support/fixtures.js';

const spec: RunSpec = { engine: 'embedq', chunks: 1000, batchSize: 64, precision: 'int8' };

describe('summarizeRuns', () => {
  it('takes medians and keeps the spread and the median run samples', () => {
    const runs = [
      fakeRun(spec, { chunksPerSec: 120, peakRssMB: 250 }),
      fakeRun(spec, { chunksPerSec: 100, peakRssMB: 270 }),
      fakeRun(spec, { chunksPerSec: 110, peakRssMB: 240 }),
    ];
    const s = summarizeRuns(runs);
    expect(s).toMatchObject({
      engine: 'embedq',
      chunks: 1000,
      batchSize: 64,
      runs: 3,
      chunksPerSec: 110,
      peakRssMB: 250,
    });
    expect(s.spread.chunksPerSec).toEqual({ median: 110, min: 100, max: 120 });
    expect(s.spread.peakRssMB).toEqual({ median: 250, min: 240, max: 270 });
    expect(s.representativeRun).toBe(2);
    expect(s.rssSamples).toBe(runs[2]?.rssSamples);
    expect(s.seconds).toBeCloseTo(1000 / 110);
  });

  it('refuses no runs', () => {
    expect(() => summarizeRuns([])).toThrow(RangeError);
  });
});

describe('ratios', () => {
  it('divides embedq by the peer', () => {
    const embedq = summarizeRuns([fakeRun(spec, { chunksPerSec: 120, peakRssMB: 200 })]);
    const peer = summarizeRuns([fakeRun({ ...spec, engine: 'peer' }, { chunksPerSec: 60, peakRssMB: 400 })]);
    expect(ratios(embedq, peer)).toEqual({ chunksPerSec: 2, peakRss: 0.5 });
  });
});

describe('medianIndex', () => {
  it('picks the median, the lower middle for an even count', () => {
    expect(medianIndex([5, 1, 3])).toBe(2);
    expect(medianIndex([4, 1, 3, 2])).toBe(3);
    expect(medianIndex([7])).toBe(0);
  });
});

describe('rssAt', () => {
  it('takes the first sample at or past the mark', () => {
    const samples = [
      { chunks: 64, rssMB: 100 },
      { chunks: 128, rssMB: 120 },
      { chunks: 192, rssMB: 125 },
    ];
    expect(rssAt(samples, 100)).toBe(120);
    expect(rssAt(samples, 128)).toBe(120);
    expect(rssAt(samples, 500)).toBeUndefined();
  });
});
