import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './report-markdown.js';
import { fixtureReport } from './test-support/matrix-report.js';

function section(md: string, heading: string): string {
  const start = md.indexOf(`## ${heading}`);
  expect(start, `section ${heading}`).toBeGreaterThan(-1);
  const end = md.indexOf('\n## ', start + 3);
  return md.slice(start, end === -1 ? undefined : end);
}

describe('renderMarkdown', () => {
  it('has the sections the seed report asks for, in order', async () => {
    const md = renderMarkdown(await fixtureReport());
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Embedding performance',
      '## Summary',
      '## Machine',
      '## Method',
      '## Results',
      '## Peer comparison (10k chunks, batch 64, same chunks)',
      '## Scaling (batch 64)',
      '## Against the seed report',
    ]);
    expect(md).toContain('![Throughput and peak RSS per cell](embedding-performance.svg)');
    expect(md).not.toContain('Scaled matrix');
  });

  it('describes the machine', async () => {
    const machine = section(renderMarkdown(await fixtureReport()), 'Machine');
    for (const fact of [
      'AMD EPYC 7B13',
      '2 logical CPUs',
      'AVX2 yes',
      '23.4 GiB',
      'v20.20.2',
      '| onnxruntime-node | 1.30.0 |',
      '2026-11-28T12:00:00.000Z',
      '0123456789abcdef',
    ]) {
      expect(machine).toContain(fact);
    }
  });

  it('says when the checkout had uncommitted changes', async () => {
    const report = await fixtureReport();
    const clean = renderMarkdown(report);
    expect(clean).not.toContain('uncommitted');
    const dirty = renderMarkdown({ ...report, machine: { ...report.machine, gitUncommittedChanges: true } });
    expect(dirty).toContain('commit `0123456789ab with uncommitted changes`');
    expect(section(dirty, 'Machine')).toContain(
      '| Git commit | 0123456789abcdef0123456789abcdef01234567 with uncommitted changes |',
    );
  });

  it('has one results row per cell with medians and ranges', async () => {
    const results = section(renderMarkdown(await fixtureReport()), 'Results');
    const rows = results.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| cell'));
    expect(rows).toHaveLength(7);
    expect(rows[1]).toMatch(/^\| 10k b64 \| embedq \| 10k \| 64 \| 3 \| 103\.0 \(102\.0-104\.0\) \|/);
    // The 1k cell runs 4 times per round: 12 runs.
    expect(rows[3]).toMatch(/^\| 1k b64 \| embedq \| 1k \| 64 \| 12 \|/);
    expect(rows[6]).toMatch(/^\| peer 10k b64 \| transformers\.js \|/);
    expect(rows[1]).toContain('| 217 (216-218) |');
  });

  it('reports the peer ratios, the scaling checks and the PyTorch baseline', async () => {
    const md = renderMarkdown(await fixtureReport());
    expect(section(md, 'Peer comparison')).toContain('| chunks/s | 103.0 | 50.0 | 2.06x |');
    const scaling = section(md, 'Scaling');
    expect(scaling).toContain('Throughput at 20k vs 1k chunks: 0.91x (within 5%: **FAIL**)');
    expect(section(md, 'Summary')).toContain('| chunks/s 20k vs 1k | within 5% of 1x | 0.91x | **FAIL** |');
    expect(scaling).toMatch(/after 5k chunks: \d+ MB; after 20k: \d+ MB/);
    expect(scaling).toContain('No growth: pass');
    const baseline = section(md, 'Against the seed report');
    expect(baseline).toContain('| PyTorch FP32, CPU (seed report, 10k, batch 64) | 16 | 403 | 641 |');
    expect(baseline).toContain('| embedq / PyTorch | 6.44x |');
    const summary = section(md, 'Summary');
    expect(summary).toContain('| throughput, 10k b64 | >= 110 chunks/s | 103.0 chunks/s | **FAIL** |');
    expect(summary).toContain('| peak RSS, worst embedq cell | < 300 MB | 233 MB | pass |');
  });

  it('says how Node ran each engine, as the runs recorded it', async () => {
    const method = section(renderMarkdown(await fixtureReport()), 'Method');
    expect(method).toContain(
      "- Node runtime: embedq runs as the Procfile's worker command does, `node --max-semi-space-size=2` " +
        'with `MALLOC_MMAP_THRESHOLD_=65536`; the peer as its users run it, `node` with no malloc tunables.',
    );
  });

  it('flags a scaled smoke matrix and leaves the peer out when it did not run', async () => {
    const md = renderMarkdown(await fixtureReport({ peer: false, baseChunks: 200 }));
    expect(md).toContain('**Scaled matrix**');
    expect(md).not.toContain('## Peer comparison');
    expect(md).not.toContain('transformers.js q8 (peer');
  });
});
