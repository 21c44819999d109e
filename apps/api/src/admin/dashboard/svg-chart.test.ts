import { describe, expect, it } from 'vitest';
import { lineChart, niceStep } from './svg-chart.js';

const times = [0, 5_000, 10_000, 15_000, 20_000];

describe('niceStep', () => {
  it('picks 1, 2, 2.5 or 5 times a power of ten, four of which reach the top', () => {
    expect(niceStep(500)).toBe(200);
    expect(niceStep(100)).toBe(25);
    expect(niceStep(3.9)).toBe(1);
    expect(niceStep(0)).toBe(1);
    expect(niceStep(512 * 1.05) * 4).toBeGreaterThanOrEqual(512 * 1.05);
  });
});

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
});
