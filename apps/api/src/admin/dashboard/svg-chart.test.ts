import { describe, expect, it } from 'vitest';
import { lineChart } from './svg-chart.js';

const times = [0, 5_000, 10_000, 15_000, 20_000];

/** The y-axis labels, bottom to top. */
function yLabels(svg: string): string[] {
  return [...svg.matchAll(/<text class="axis y"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');
}

describe('lineChart', () => {
  it('draws each run of points as a path, a lone point as a dot, and leaves gaps for nulls', () => {
    const svg = lineChart({
      id: 'latency',
      times,
      stepMs: 5_000,
      series: [{ label: 'p50', values: [1, 2, null, 3, null], tone: 'a' }],
    });
    expect(svg.match(/<path class="series tone-a"/g)).toHaveLength(1);
    expect(svg.match(/<circle class="dot tone-a"/g)).toHaveLength(1);
    expect(svg).toContain('data-nonzero-points="3"');
    expect(svg).not.toContain('no data yet');
  });

  it('draws reference lines with their labels and says when there is no data', () => {
    const svg = lineChart({
      id: 'throughput',
      times,
      stepMs: 5_000,
      series: [{ label: 'chunks/s', values: [null, null, null, null, null], tone: 'a' }],
      references: [{ label: 'target 500', value: 500, tone: 'target' }],
    });
    expect(svg).toContain('class="reference tone-target"');
    expect(svg).toContain('>target 500</text>');
    expect(svg).toContain('no data yet');
    expect(svg).toContain('data-nonzero-points="0"');
  });

  it('escapes labels that come from outside (worker ids)', () => {
    const svg = lineChart({
      id: 'worker-rss',
      times,
      stepMs: 5_000,
      series: [{ label: '<img src=x onerror=alert(1)>', values: [1, 1, 1, 1, 1], tone: 'w0' }],
    });
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('labels a queue wait of a few tens of milliseconds in distinct ms, not "0.1 s, 0.1 s, 0 s"', () => {
    const svg = lineChart({
      id: 'queue-wait',
      times,
      stepMs: 5_000,
      seconds: true,
      series: [{ label: 'p99', values: [0.012, 0.09, 0.04, null, 0.07], tone: 'c' }],
    });
    expect(yLabels(svg)).toEqual(['0 ms', '25 ms', '50 ms', '75 ms', '100 ms']);
  });

  it('puts each point where its value sits on the axis (90 ms at 90% of the 100 ms axis)', () => {
    const height = 224;
    const svg = lineChart({
      id: 'queue-wait',
      times: [0, 5_000],
      stepMs: 5_000,
      seconds: true,
      height,
      series: [{ label: 'p50', values: [0, 0.09], tone: 'a' }],
    });
    // 10 px margin above and 24 below leave a 190 px plot: 0 at y = 200, 0.09 s at 200 - 171.
    expect(svg).toMatch(/d="M[\d.]+,200\.0L[\d.]+,29\.0"/);
  });

  it('keeps other charts’ suffixes and gives small rates the decimals they need', () => {
    const rates = lineChart({
      id: 'worker-throughput',
      times,
      stepMs: 5_000,
      unit: '/s',
      series: [{ label: 'w', values: [0.02, 0.05, 0.08, 0.09, 0.01], tone: 'w0' }],
    });
    expect(yLabels(rates)).toEqual(['0/s', '0.025/s', '0.05/s', '0.075/s', '0.1/s']);
    const memory = lineChart({
      id: 'worker-rss',
      times,
      stepMs: 5_000,
      unit: ' MB',
      series: [{ label: 'w', values: [200, 240, 244, 230, 210], tone: 'w0' }],
      references: [{ label: 'dyno 512 MB', value: 512, tone: 'limit' }],
    });
    expect(yLabels(memory)).toEqual(['0 MB', '200 MB', '400 MB', '600 MB', '800 MB']);
  });
});
