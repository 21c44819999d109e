import { formatNumber } from './format.js';
import { describeCommit } from './machine-info.js';
import type { MatrixReport } from './matrix.js';

/** One bar of a panel. */
export interface Bar {
  readonly lines: readonly string[];
  readonly value: number;
  readonly min?: number;
  readonly max?: number;
  readonly kind: 'embedq' | 'peer' | 'baseline';
}

interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly decimals: number;
  readonly bars: readonly Bar[];
  /** The target or limit, labelled right of the plot, one string per text line. */
  readonly line: { readonly value: number; readonly label: readonly string[] };
}

const WIDTH = 980;
const PANEL_HEIGHT = 330;
const TOP = 70;
const GAP = 40;
const FOOTER = 40;
const PLOT_LEFT = 70;
/** Room right of the plot for the target line's label. */
const PLOT_RIGHT = 120;
const PLOT_TOP = 34;
const PLOT_BOTTOM = 56;

const COLOURS = { embedq: '#2563eb', peer: '#ea580c', baseline: '#9ca3af' } as const;
const LINE_COLOUR = '#dc2626';

/** The matrix as reports/embedding-performance.svg: throughput and peak RSS per cell. Hand-written SVG. */
export function renderSvg(report: MatrixReport): string {
  const barsOf = (pick: 'chunksPerSec' | 'peakRssMB'): Bar[] => {
    const bars: Bar[] = report.cells.map((cell) => {
      const s = cell.summary;
      const spread = s.spread[pick];
      return {
        lines:
          s.engine === 'peer'
            ? ['transformers.js', cell.label.replace(/^peer /, '')]
            : ['embedq', cell.label],
        value: s[pick],
        min: spread.min,
        max: spread.max,
        kind: s.engine,
      };
    });
    const p = report.baseline.pytorch;
    bars.push({ lines: ['PyTorch fp32', 'seed report'], value: p[pick], kind: 'baseline' });
    return bars;
  };
  const panels: Panel[] = [
    {
      title: 'Throughput, median chunks/s (whiskers: min-max of the runs)',
      unit: 'chunks/s',
      decimals: 1,
      bars: barsOf('chunksPerSec'),
      line: {
        value: report.targets.chunksPerSec,
        label: ['target', `${report.targets.chunksPerSec} chunks/s`],
      },
    },
    {
      title: 'Peak RSS of the run process, median MB',
      unit: 'MB',
      decimals: 0,
      bars: barsOf('peakRssMB'),
      line: { value: report.targets.rssMB, label: ['limit', `${report.targets.rssMB} MB`] },
    },
  ];
  const height = TOP + panels.length * PANEL_HEIGHT + (panels.length - 1) * GAP + FOOTER;
  const m = report.machine;
  const title = `embedq embedding performance (${report.settings.precision})`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" role="img" aria-labelledby="title desc">`,
    `<title id="title">${escapeXml(title)}</title>`,
    `<desc id="desc">${escapeXml(describe(report))}</desc>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(20, 30, title, { size: 20, weight: 'bold' }),
    legend(20, 52, report.peer !== undefined),
  ];
  panels.forEach((panel, i) => {
    parts.push(renderPanel(panel, TOP + i * (PANEL_HEIGHT + GAP)));
  });
  parts.push(
    text(
      20,
      height - 14,
      `${m.cpuModel}, ${m.logicalCpus} CPUs, Node ${m.node}, onnxruntime-node ${m.onnxruntimeNode}, ${m.date.slice(0, 10)}, commit ${describeCommit(m, 10)}`,
      { size: 11, fill: '#6b7280' },
    ),
    '</svg>',
    '',
  );
  return parts.join('\n');
}

function renderPanel(panel: Panel, top: number): string {
  const plotLeft = PLOT_LEFT;
  const plotRight = WIDTH - PLOT_RIGHT;
  const plotTop = top + PLOT_TOP;
  const plotBottom = top + PANEL_HEIGHT - PLOT_BOTTOM;
  const highest = Math.max(panel.line.value, ...panel.bars.map((b) => Math.max(b.value, b.max ?? 0)));
  const { max: axisMax, step } = niceAxis(highest * 1.08);
  const y = (v: number): number => plotBottom - (v / axisMax) * (plotBottom - plotTop);
  const out: string[] = [
    `<g class="panel">`,
    text(plotLeft, top + 18, panel.title, { size: 14, weight: 'bold' }),
  ];

  for (let v = 0; v <= axisMax + step / 2; v += step) {
    const yy = round(y(v));
    out.push(
      `<line x1="${plotLeft}" y1="${yy}" x2="${plotRight}" y2="${yy}" stroke="${v === 0 ? '#374151' : '#e5e7eb'}" stroke-width="1"/>`,
      text(plotLeft - 8, yy + 4, formatNumber(v, 0), { size: 11, anchor: 'end', fill: '#4b5563' }),
    );
  }
  out.push(
    text(18, round((plotTop + plotBottom) / 2), panel.unit, {
      size: 12,
      anchor: 'middle',
      fill: '#4b5563',
      rotate: true,
    }),
  );

  const slot = (plotRight - plotLeft) / panel.bars.length;
  const barWidth = Math.min(64, slot * 0.6);
  panel.bars.forEach((bar, i) => {
    const cx = plotLeft + slot * (i + 0.5);
    const x = round(cx - barWidth / 2);
    const yTop = round(y(bar.value));
    out.push(
      `<rect class="bar ${bar.kind}" x="${x}" y="${yTop}" width="${round(barWidth)}" height="${round(plotBottom - yTop)}" fill="${COLOURS[bar.kind]}"><title>${escapeXml(`${bar.lines.join(' ')}: ${formatNumber(bar.value, panel.decimals)} ${panel.unit}`)}</title></rect>`,
    );
    if (bar.min !== undefined && bar.max !== undefined && bar.max > bar.min) {
      const y1 = round(y(bar.max));
      const y2 = round(y(bar.min));
      const cap = 6;
      out.push(
        `<path class="whisker" d="M${round(cx)} ${y1}V${y2}M${round(cx - cap)} ${y1}H${round(cx + cap)}M${round(cx - cap)} ${y2}H${round(cx + cap)}" stroke="#111827" stroke-width="1.2" fill="none"/>`,
      );
    }
    const labelY = Math.min(yTop, bar.max === undefined ? yTop : round(y(bar.max))) - 6;
    out.push(
      text(round(cx), labelY, formatNumber(bar.value, panel.decimals), {
        size: 12,
        anchor: 'middle',
        weight: 'bold',
      }),
    );
    bar.lines.forEach((line, j) => {
      out.push(
        text(round(cx), plotBottom + 18 + j * 15, line, { size: 12, anchor: 'middle', fill: '#111827' }),
      );
    });
  });

  const yl = round(y(panel.line.value));
  out.push(
    `<line class="target" x1="${plotLeft}" y1="${yl}" x2="${plotRight}" y2="${yl}" stroke="${LINE_COLOUR}" stroke-width="2" stroke-dasharray="8 5"/>`,
    ...panel.line.label.map((line, j) =>
      text(plotRight + 8, yl + 4 + (j - (panel.line.label.length - 1) / 2) * 15, line, {
        size: 12,
        fill: LINE_COLOUR,
        weight: 'bold',
      }),
    ),
    '</g>',
  );
  return out.join('\n');
}

function legend(x: number, y: number, peer: boolean): string {
  const items: [keyof typeof COLOURS, string][] = [
    ['embedq', 'embedq'],
    ...(peer ? ([['peer', 'transformers.js (peer)']] as [keyof typeof COLOURS, string][]) : []),
    ['baseline', 'PyTorch fp32 (seed report)'],
  ];
  let cursor = x;
  const out: string[] = ['<g class="legend">'];
  for (const [kind, label] of items) {
    out.push(`<rect x="${cursor}" y="${y - 10}" width="12" height="12" fill="${COLOURS[kind]}"/>`);
    out.push(text(cursor + 18, y, label, { size: 12 }));
    cursor += 40 + label.length * 7;
  }
  out.push(
    `<line x1="${cursor}" y1="${y - 4}" x2="${cursor + 24}" y2="${y - 4}" stroke="${LINE_COLOUR}" stroke-width="2" stroke-dasharray="8 5"/>`,
    text(cursor + 30, y, 'target / limit', { size: 12 }),
    '</g>',
  );
  return out.join('\n');
}

/** An axis maximum and a tick step from the 1-2-2.5-5 series, giving about 5 ticks. */
export function niceAxis(highest: number): { max: number; step: number } {
  if (!(highest > 0)) return { max: 1, step: 0.2 };
  const rough = highest / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  return { max: Math.ceil(highest / step) * step, step };
}

interface TextStyle {
  readonly size: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly weight?: 'bold';
  readonly fill?: string;
  readonly rotate?: boolean;
}

function text(x: number, y: number, content: string, style: TextStyle): string {
  const attrs = [
    `x="${x}"`,
    `y="${y}"`,
    `font-size="${style.size}"`,
    `fill="${style.fill ?? '#111827'}"`,
    ...(style.anchor === undefined || style.anchor === 'start' ? [] : [`text-anchor="${style.anchor}"`]),
    ...(style.weight === undefined ? [] : [`font-weight="${style.weight}"`]),
    ...(style.rotate === true ? [`transform="rotate(-90 ${x} ${y})"`] : []),
  ];
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

function describe(report: MatrixReport): string {
  return report.cells
    .map(
      (c) =>
        `${c.summary.engine} ${c.label}: ${formatNumber(c.summary.chunksPerSec)} chunks/s, ${formatNumber(c.summary.peakRssMB, 0)} MB`,
    )
    .join('; ');
}

export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
