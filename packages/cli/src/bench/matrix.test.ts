import { describe, expect, it } from 'vitest';
import type { RunSpec } from './interfaces.js';
import { planMatrix, runMatrix, runsPerRepeat, scheduleRuns } from './matrix.js';
import { fakeRun } from './test-support/fixtures.js';
import { fixtureReport } from './test-support/matrix-report.js';

describe('planMatrix', () => {
  it('has the seed report cells, sharing 10k at batch 64 between the two series', () => {
    const cells = planMatrix({ precision: 'int8', baseChunks: 10_000, peer: true });
    expect(cells.map((c) => c.id)).toEqual([
      'embedq-10k-b32',
      'embedq-10k-b64',
      'embedq-10k-b128',
      'embedq-1k-b64',
      'embedq-5k-b64',
      'embedq-20k-b64',
      'peer-10k-b64',
    ]);
    expect(cells[1]?.roles).toEqual(['batch-size', 'scaling']);
    expect(cells[6]?.spec).toEqual({ engine: 'peer', chunks: 10_000, batchSize: 64, precision: 'int8' });
  });

  it('scales every cell with a smaller base, gives threads and the token budget to embedq only', () => {
    const cells = planMatrix({
      precision: 'fp32',
      baseChunks: 200,
      peer: true,
      threads: 1,
      maxBatchTokens: 2048,
    });
    expect(cells.map((c) => c.spec.chunks)).toEqual([200, 200, 200, 20, 100, 400, 200]);
    expect(cells[0]?.spec).toMatchObject({ precision: 'fp32', threads: 1, maxBatchTokens: 2048 });
    expect(cells[6]?.spec).not.toHaveProperty('threads');
  });

  it('leaves the peer out unless asked', () => {
    expect(planMatrix({ precision: 'int8', baseChunks: 10_000, peer: false })).toHaveLength(6);
  });
});

describe('scheduleRuns', () => {
  it('runs every cell once per repeat and never the same cell back to back', () => {
    const plan = scheduleRuns([1, 1, 1, 1, 1, 1, 1], 3);
    expect(plan).toHaveLength(21);
    for (let r = 0; r < 3; r++) {
      const cells = plan.filter((p) => p.repeat === r).map((p) => p.cell);
      expect([...cells].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    }
    for (let i = 1; i < plan.length; i++) expect(plan[i]?.cell).not.toBe(plan[i - 1]?.cell);
    expect(new Set([0, 7, 14].map((i) => plan[i]?.cell)).size).toBe(3);
  });

  it('alternates two engines across repeats', () => {
    expect(scheduleRuns([1, 1], 3).map((p) => p.cell)).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it('runs a cell with more runs per repeat that many times, spread over each round', () => {
    const plan = scheduleRuns([1, 4, 2, 1], 3);
    expect(plan).toHaveLength(24);
    for (let r = 0; r < 3; r++) {
      const cells = plan.filter((p) => p.repeat === r).map((p) => p.cell);
      expect(cells.filter((c) => c === 1)).toHaveLength(4);
      expect(cells.filter((c) => c === 2)).toHaveLength(2);
      expect(cells.filter((c) => c === 0 || c === 3)).toHaveLength(2);
    }
    // Spread over the round: no gap between two runs of cell 1 spans half the round.
    const round = plan.filter((p) => p.repeat === 0).map((p) => p.cell);
    const at = round.flatMap((cell, i) => (cell === 1 ? [i] : []));
    const gaps = at.map(
      (i, k) => (at[(k + 1) % at.length]! - i + round.length) % round.length || round.length,
    );
    expect(Math.max(...gaps)).toBeLessThanOrEqual(round.length / 2);
  });
});

describe('runsPerRepeat', () => {
  it('gives cells shorter than the base ceil(sqrt(base / chunks)) runs, the rest one', () => {
    expect([1_000, 5_000, 10_000, 20_000].map((n) => runsPerRepeat(n, 10_000))).toEqual([4, 2, 1, 1]);
  });
});

describe('runMatrix', () => {
  it('collects each cell runs in repeat order', async () => {
    const cells = planMatrix({ precision: 'int8', baseChunks: 100, peer: false });
    const seen: string[] = [];
    const runs = await runMatrix(cells, 2, async (spec: RunSpec, { cell }) => {
      seen.push(cell.id);
      return fakeRun(spec, { chunksPerSec: 100, peakRssMB: 200 });
    });
    // 10 and 50 chunks are shorter than the base of 100: 4 and 2 runs per repeat.
    expect(seen).toHaveLength(20);
    expect(runs.map((r) => r.length)).toEqual([2, 2, 2, 8, 4, 2]);
    expect(runs[3]?.[0]?.spec.chunks).toBe(10);
  });
});

describe('assembleMatrixReport', () => {
  it('computes medians, the peer ratios, the scaling checks and the baseline comparison', async () => {
    const report = await fixtureReport();
    const main = report.cells.find((c) => c.id === 'embedq-10k-b64');
    expect(main?.summary.runs).toBe(3);
    expect(main?.summary.chunksPerSec).toBeCloseTo(103);
    expect(main?.summary.spread.chunksPerSec).toEqual({ median: 103, min: 102, max: 104 });
    expect(report.peer?.embedqCell).toBe('embedq-10k-b64');
    expect(report.peer?.ratios.chunksPerSec).toBeCloseTo(103 / 50);
    expect(report.peer?.ratios.peakRss).toBeCloseTo(217 / 421);
    expect(report.scaling.series.map((s) => s.chunks)).toEqual([1000, 5000, 10_000, 20_000]);
    expect(report.scaling.chunksPerSecRatio).toBeCloseTo(98 / 107.5);
    // 0.91x is more than 5% off linear.
    expect(report.scaling.linear).toBe(false);
    expect(report.scaling.rss.earlyChunks).toBe(5000);
    expect(report.scaling.rss.endChunks).toBe(20_000);
    expect(report.scaling.rss.perRun).toHaveLength(3);
    expect(report.scaling.rss.endMB).toBeLessThan(report.scaling.rss.earlyMB ?? 0);
    expect(report.scaling.rss.noGrowth).toBe(true);
    expect(report.baseline.speedup).toBeCloseTo(103 / 16);
    expect(report.baseline.secondsPer10k).toBeCloseTo(10_000 / 103);
  });

  it('checks growth on the settled RSS samples', async () => {
    const report = await fixtureReport();
    // The fixture settles every 5k: in the 20k runs at 5k, 10k, 15k and 20k.
    const largest = report.cells.find((c) => c.id === 'embedq-20k-b64');
    expect(largest?.runs[0]?.settledRss?.map((s) => s.chunks)).toEqual([5000, 10_000, 15_000, 20_000]);
    const early = largest?.runs.map((r) => r.settledRss?.[0]?.rssMB ?? 0).sort((a, b) => a - b);
    expect(report.scaling.rss.earlyMB).toBe(early?.[1]);
    expect(report.cells.find((c) => c.id === 'peer-10k-b64')?.runs[0]?.settledRss).toBeUndefined();
  });

  it('finds growth when the settled RSS creeps', async () => {
    const report = await fixtureReport({ creepMBPer10k: 3 });
    expect(report.scaling.rss.endMB).toBeGreaterThan(report.scaling.rss.earlyMB ?? Infinity);
    expect(report.scaling.rss.noGrowth).toBe(false);
  });

  it('has no peer comparison without the peer', async () => {
    expect((await fixtureReport({ peer: false })).peer).toBeUndefined();
  });
});
