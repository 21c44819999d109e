import { numberAxis, secondsAxis, TICK_STEPS } from './axis-ticks.js';
import { formatClock } from './format.js';
import { escapeHtml } from './html.js';

/**
 * A small hand-written SVG line chart: time on x, one or more series on y, optional horizontal
 * reference lines (targets, limits). Returns markup, so it renders the same in the browser and
 * in tests. Colours come from CSS classes (`tone-*`), so the page needs no inline styles.
 */
export interface ChartSeries {
  readonly label: string;
  /** Aligned with the chart's `times`; null leaves a gap. */
  readonly values: readonly (number | null)[];
  /** CSS class suffix: `tone-<tone>`. */
  readonly tone: string;
}

export interface ReferenceLine {
  readonly label: string;
  readonly value: number;
  readonly tone: string;
}

export interface ChartOptions {
  /** Names the chart (`data-chart`), for people reading the markup and for tests. */
  readonly id: string;
  /** Epoch ms of each point. */
  readonly times: readonly number[];
  /** Width of one time step, ms: the x axis ends one step after the last point. */
  readonly stepMs: number;
  readonly series: readonly ChartSeries[];
  readonly references?: readonly ReferenceLine[];
  /** Appended to y-axis labels ("/s", " MB"). */
  readonly unit?: string;
  /** The values are seconds: the y axis reads in ms, s, min or h, whichever suits (`unit` unused). */
  readonly seconds?: boolean;
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 52, right: 14, top: 10, bottom: 24 };

export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 200;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const references = options.references ?? [];
  const { times } = options;
  const start = times[0] ?? 0;
  const end = (times.at(-1) ?? start) + options.stepMs;
  let top = 0;
  let nonZero = 0;
  for (const series of options.series) {
    for (const value of series.values) {
      if (value === null) continue;
      top = Math.max(top, value);
      if (value > 0) nonZero++;
    }
  }
  for (const reference of references) top = Math.max(top, reference.value);
  const yAxis = options.seconds === true ? secondsAxis(top) : numberAxis(top, options.unit);
  const yMax = yAxis.max;
  const x = (t: number) => MARGIN.left + ((t - start) / Math.max(end - start, 1)) * plotW;
  const y = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;
  const parts: string[] = [];

  for (const tick of yAxis.ticks) {
    const py = y(tick.value).toFixed(1);
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${py}" y2="${py}"/>`);
    parts.push(
      `<text class="axis y" x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeHtml(tick.label)}</text>`,
    );
  }
  const span = end - start;
  for (let i = 0; i <= TICK_STEPS; i++) {
    const t = start + (span / TICK_STEPS) * i;
    // The end labels stay inside the plot's width.
    const anchor = i === 0 ? 'start' : i === TICK_STEPS ? 'end' : 'middle';
    parts.push(
      `<text class="axis x" x="${x(t).toFixed(1)}" y="${height - 6}" text-anchor="${anchor}">${formatClock(t, span < 3_600_000)}</text>`,
    );
  }
  for (const reference of references) {
    const py = y(reference.value).toFixed(1);
    parts.push(
      `<line class="reference tone-${escapeHtml(reference.tone)}" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${py}" y2="${py}"/>`,
      `<text class="reference-label tone-${escapeHtml(reference.tone)}" x="${MARGIN.left + plotW - 4}" y="${(Number(py) - 4).toFixed(1)}" text-anchor="end">${escapeHtml(reference.label)}</text>`,
    );
  }
  // Each point sits in the middle of its time step; nulls split a series into runs.
  const half = options.stepMs / 2;
  for (const series of options.series) {
    const tone = `tone-${escapeHtml(series.tone)}`;
    for (const run of runsOf(series.values, times)) {
      const points = run.map(([t, v]) => `${x(t + half).toFixed(1)},${y(v).toFixed(1)}`);
      if (points.length === 1) {
        const [cx, cy] = (points[0] ?? '0,0').split(',');
        parts.push(`<circle class="dot ${tone}" cx="${cx}" cy="${cy}" r="2.5"/>`);
      } else {
        parts.push(`<path class="series ${tone}" d="M${points.join('L')}"/>`);
      }
    }
  }
  if (nonZero === 0 && options.series.every((s) => s.values.every((v) => v === null))) {
    parts.push(
      `<text class="empty" x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" text-anchor="middle">no data yet</text>`,
    );
  }
  const legend = options.series
    .map((s) => `<li><span class="swatch tone-${escapeHtml(s.tone)}"></span>${escapeHtml(s.label)}</li>`)
    .join('');
  return (
    `<svg class="chart" data-chart="${escapeHtml(options.id)}" data-nonzero-points="${nonZero}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.id)}">` +
    `${parts.join('')}</svg><ul class="legend">${legend}</ul>`
  );
}

/** Consecutive non-null points as [time, value] runs. */
function runsOf(values: readonly (number | null)[], times: readonly number[]): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  values.forEach((value, i) => {
    const t = times[i];
    if (value === null || t === undefined) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else {
      run.push([t, value]);
    }
  });
  if (run.length > 0) runs.push(run);
  return runs;
}
