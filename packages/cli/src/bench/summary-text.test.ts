import { describe, expect, it } from 'vitest';
import type { RunSpec } from './interfaces.js';
import { ratios, summarizeRuns } from './summarize-runs.js';
import { renderBenchSummary, renderMatrixSummary, table } from './summary-text.js';
import { fakeRun } from './test-support/fixtures.js';
import { fixtureReport } from './test-support/matrix-report.js';

describe('table', () => {
  it('pads the first column right and the others left', () => {
    expect(
      table([
        ['', 'a', 'bb'],
        ['name', '1', '2'],
      ]),
    ).toEqual(['      a  bb', 'name  1   2']);
  });
});

describe('renderBenchSummary', () => {
  it('shows one row per engine and the ratios', () => {
    const spec: RunSpec = { engine: 'embedq', chunks: 200, batchSize: 64, precision: 'int8' };
    const embedq = summarizeRuns([fakeRun(spec, { chunksPerSec: 120, peakRssMB: 210 })]);
    const peer = summarizeRuns([fakeRun({ ...spec, engine: 'peer' }, { chunksPerSec: 60, peakRssMB: 420 })]);
    const text = renderBenchSummary([embedq, peer], ratios(embedq, peer));
    const lines = text.split('\n');
    expect(lines[0]).toBe('embedq bench: 200 seed chunks, batch size 64, int8, 1 run(s) per engine');
    expect(lines[3]).toMatch(/^embedq +120\.0 +1\.67 +0\.50 +4 /);
    expect(lines[3]?.endsWith('1.08x          210')).toBe(true);
    expect(lines[4]).toMatch(/^transformers\.js +60\.0 /);
    expect(text).toContain('embedq / transformers.js: 2.00x chunks/s, 0.50x peak RSS');
  });
});

describe('renderMatrixSummary', () => {
  it('lists every cell and the checks', async () => {
    const text = renderMatrixSummary(await fixtureReport());
    expect(text.split('\n').filter((l) => /^(peer )?\d+k b\d+ /.test(l))).toHaveLength(7);
    expect(text).toContain('target 110 chunks/s per worker; embedq-10k-b64: 103.0 chunks/s');
    expect(text).toContain('(no growth)');
    expect(text).toContain('vs transformers.js: 2.06x chunks/s');
  });
});
