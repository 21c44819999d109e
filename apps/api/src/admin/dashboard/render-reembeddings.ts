import { formatClock, formatDuration, formatNumber } from './format.js';
import { escapeHtml } from './html.js';
import type { DashboardSnapshot, ReembeddingView } from './snapshot.js';

/** The driver counts every few seconds while a re-embedding runs; older counts mean it stopped. */
const STALE_COUNT_SECONDS = 60;
const BAR_WIDTH = 200;
const BAR_HEIGHT = 10;

/** Tone of the vectors written so far, by state (`tone-*` classes of the page's stylesheet). */
const DONE_TONE: Readonly<Record<ReembeddingView['state'], string>> = {
  running: 'a',
  paused: 'b',
  switched: 'target',
  cancelled: 'w7',
};

/**
 * The "Re-embeddings" panel: one row per namespace with a progress bar, rate, ETA and state.
 * Absent when there are none; when they could not be read, the panel says why.
 */
export function reembeddingsSection(s: DashboardSnapshot): string {
  if (s.reembeddings.length === 0 && s.reembeddingsError === null) return '';
  const open = s.reembeddings.filter((r) => r.state === 'running' || r.state === 'paused').length;
  const header = `<header><h2>Re-embeddings</h2><p class="note">${open} open; new vectors are written beside the old ones, and search switches once every chunk has one</p></header>`;
  const error =
    s.reembeddingsError === null
      ? ''
      : `<div class="banner bad" data-reembeddings-error>Cannot read the re-embeddings: ${escapeHtml(s.reembeddingsError)}</div>`;
  const rows = s.reembeddings.map((r) => row(r, s.generatedAt)).join('');
  const table =
    rows === ''
      ? ''
      : `<table><thead><tr><th>namespace</th><th>model: from → to</th><th>state</th><th>progress</th><th>embedded</th><th>chunks</th><th>failed</th><th>rate</th><th>ETA</th><th>counted</th></tr></thead><tbody>${rows}</tbody></table>`;
  return `<section class="panel wide" data-section="reembeddings">${header}${error}${table}</section>`;
}

function row(r: ReembeddingView, now: number): string {
  const cells = [
    `<td>${escapeHtml(r.namespace)}</td>`,
    `<td>${escapeHtml(r.from)} → ${escapeHtml(r.to)}</td>`,
    stateCell(r),
    `<td>${progressBar(r)}</td>`,
    `<td class="num">${formatNumber(r.percent)}%</td>`,
    `<td class="num">${formatNumber(r.done)} / ${formatNumber(r.total)}</td>`,
    `<td class="num${r.failed > 0 ? ' bad' : ''}">${formatNumber(r.failed)}</td>`,
    `<td class="num">${r.chunksPerSecond === null ? '–' : `${formatNumber(r.chunksPerSecond)} chunks/s`}</td>`,
    etaCell(r),
    countedCell(r, now),
  ];
  return `<tr data-reembedding="${escapeHtml(r.namespace)}" data-state="${r.state}">${cells.join('')}</tr>`;
}

function stateCell(r: ReembeddingView): string {
  const at = formatClock(r.stateSince, false);
  switch (r.state) {
    case 'running':
      return '<td class="good">running</td>';
    case 'paused':
      return `<td class="warn">paused since ${at}</td>`;
    case 'switched':
      return `<td class="good">switched at ${at}</td>`;
    case 'cancelled':
      return `<td class="quiet">cancelled at ${at}</td>`;
  }
}

function etaCell(r: ReembeddingView): string {
  if (r.state !== 'running') return '<td class="num">–</td>';
  if (r.done + r.failed >= r.total && r.total > 0) {
    // Every chunk tried: it switches on the driver's next pass, unless chunks the old model
    // embedded failed with the new one (search would lose them), which keeps it open.
    return r.failed === 0
      ? '<td class="num">switching</td>'
      : `<td class="num bad">all tried, ${formatNumber(r.failed)} failed</td>`;
  }
  if (r.etaSeconds === null) return '<td class="num">measuring…</td>';
  return `<td class="num">~${formatDuration(r.etaSeconds)}</td>`;
}

function countedCell(r: ReembeddingView, now: number): string {
  // A finished one's last count is history; its state cell says when it finished.
  if (r.state === 'switched' || r.state === 'cancelled') return '<td class="num">–</td>';
  if (r.countedAt === null) return '<td class="num">not yet</td>';
  const age = Math.max(0, Math.round((now - r.countedAt) / 1_000));
  // A running one not counted lately: no worker runs the driver, and its rate and ETA are old.
  const stale = r.state === 'running' && age > STALE_COUNT_SECONDS;
  return `<td class="num${stale ? ' warn' : ''}">${formatDuration(age)} ago</td>`;
}

/** Vectors done, then failures, over the namespace's chunks; an SVG so colours come from classes. */
function progressBar(r: ReembeddingView): string {
  const total = Math.max(r.total, r.done + r.failed);
  const width = (count: number) => (total === 0 ? 0 : (count / total) * BAR_WIDTH);
  const done = r.state === 'switched' && total === 0 ? BAR_WIDTH : width(r.done);
  const failed = width(r.failed);
  const label = `${formatNumber(r.done)} of ${formatNumber(r.total)} chunks embedded, ${formatNumber(r.failed)} failed`;
  const rect = (x: number, w: number, tone: string) =>
    `<rect class="tone-${tone}" x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" stroke-width="0"/>`;
  return [
    `<svg class="progress" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" viewBox="0 0 ${BAR_WIDTH} ${BAR_HEIGHT}" role="img" aria-label="${label}" data-percent="${r.percent}">`,
    `<title>${label}</title>`,
    // The track in the text's colour, faint: the stylesheet has no class for it.
    `<rect x="0" y="0" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" rx="2" fill="currentColor" fill-opacity="0.15"/>`,
    done > 0 ? rect(0, done, DONE_TONE[r.state]) : '',
    failed > 0 ? rect(done, failed, 'limit') : '',
    '</svg>',
  ].join('');
}
