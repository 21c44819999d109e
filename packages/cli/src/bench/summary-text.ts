import { formatCount, formatNumber, formatRatio } from './format.js';
import type { CellSummary, Ratios } from './interfaces.js';
import type { MatrixReport } from './matrix.js';
import { renderProfileText } from './profile-report.js';
import { batchColumns, formatPadding } from './summary-columns.js';
import { SCALING_TOLERANCE } from './targets.js';

const HEADER = [
  '',
  'chunks/s',
  'seconds',
  'load s',
  'batches',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'max ms',
  'padding',
  'peak RSS MB',
];

/** embedq's row, with what ran its graph where the run recorded it. */
const embedqLabel = (cell: CellSummary): string =>
  cell.inference === undefined ? 'embedq' : `embedq (${cell.inference})`;

/** The human summary of `embedq bench` (one cell per engine). */
export function renderBenchSummary(cells: readonly CellSummary[], ratios: Ratios | undefined): string {
  const first = cells[0];
  if (first === undefined) return '';
  const lines = [
    `embedq bench: ${formatCount(first.chunks)} seed chunks, batch size ${first.batchSize}, ${first.precision}, ` +
      `${first.runs} run(s) per engine${first.runs > 1 ? ' (medians)' : ''}`,
    '',
    ...table([
      HEADER,
      ...cells.map((c) => cellRow(c.engine === 'peer' ? 'transformers.js' : embedqLabel(c), c)),
    ]),
  ];
  if (ratios !== undefined) {
    lines.push(
      '',
      `embedq / transformers.js: ${formatRatio(ratios.chunksPerSec)} chunks/s, ${formatRatio(ratios.peakRss)} peak RSS`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The human summary of `embedq bench --matrix`. */
export function renderMatrixSummary(report: MatrixReport): string {
  const rss = report.scaling.rss;
  const lines = [
    `embedq bench --matrix: ${report.settings.precision}, ${report.settings.repeat} round(s), medians of each cell's runs, ` +
      `${formatNumber(report.wallSeconds / 60)} min`,
    '',
    ...table([HEADER, ...report.cells.map((c) => cellRow(c.label, c.summary))]),
    '',
    `target ${report.targets.chunksPerSec} chunks/s per worker; ${report.baseline.cell}: ${formatNumber(report.baseline.chunksPerSec)} chunks/s`,
    `peak RSS limit ${report.targets.rssMB} MB; worst embedq cell: ${formatNumber(
      Math.max(...report.cells.filter((c) => c.summary.engine === 'embedq').map((c) => c.summary.peakRssMB)),
      0,
    )} MB`,
    `scaling: chunks/s ${formatCount(rss.endChunks)} vs ${formatCount(report.scaling.series[0]?.chunks ?? 0)}: ` +
      `${formatRatio(report.scaling.chunksPerSecRatio)} (${report.scaling.linear ? 'linear' : `NOT within ${SCALING_TOLERANCE * 100}%`}); settled RSS after ${formatCount(rss.earlyChunks)}: ${mb(rss.earlyMB)}, ` +
      `after ${formatCount(rss.endChunks)}: ${mb(rss.endMB)} (${rss.noGrowth === undefined ? 'n/a' : rss.noGrowth ? 'no growth' : 'GREW'})`,
    `vs PyTorch seed baseline: ${formatRatio(report.baseline.speedup)} chunks/s, ${formatRatio(report.baseline.memoryRatio)} peak RSS`,
  ];
  if (report.peer !== undefined) {
    lines.push(
      `vs transformers.js: ${formatRatio(report.peer.ratios.chunksPerSec)} chunks/s, ${formatRatio(report.peer.ratios.peakRss)} peak RSS`,
    );
  }
  const profile = report.engineProfile === undefined ? '' : renderProfileText(report.engineProfile);
  return `${lines.join('\n')}\n${profile}`;
}

function cellRow(name: string, s: CellSummary): string[] {
  return [
    name,
    formatNumber(s.chunksPerSec),
    formatNumber(s.seconds, 2),
    formatNumber(s.loadSeconds, 2),
    ...batchColumns(s),
    formatPadding(s),
    formatNumber(s.peakRssMB, 0),
  ];
}

/** Aligns columns: the first to the left, the others to the right. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function mb(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${formatNumber(value, 0)} MB`;
}
