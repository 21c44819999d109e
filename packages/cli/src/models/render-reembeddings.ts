import type { Reembedding } from '@embedq/store';
import { formatDuration } from '../duration.js';
import { renderTable } from '../text-table.js';

const count = (n: number) => n.toLocaleString('en-US');

/** `1,200/5,000 (24%)`: chunks with a new vector; floored, so 100% means all of them. */
export function progressText(r: Reembedding): string {
  const percent = r.totalChunks === 0 ? 100 : Math.floor((100 * r.doneChunks) / r.totalChunks);
  return `${count(r.doneChunks)}/${count(r.totalChunks)} (${percent}%)`;
}

/** Chunks per second while running; a paused or finished one's last rate means nothing now. */
export function rateText(r: Reembedding): string {
  return r.state === 'running' && r.chunksPerSecond !== null ? `${r.chunksPerSecond.toFixed(1)}/s` : '-';
}

export function etaText(r: Reembedding): string {
  return r.etaSeconds === null ? '-' : formatDuration(r.etaSeconds);
}

/** How long the old vectors stay after the switch, or that they are gone. */
export function keepText(r: Reembedding): string {
  if (r.prunedAt !== null) return 'pruned';
  return r.keepSeconds === null ? 'until pruned' : formatDuration(r.keepSeconds);
}

/** `2025-01-02 03:04:05Z`: UTC, to the second. */
export function timeText(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * A table of re-embeddings (FROM and TO as identity ids), then the identities they name, so the
 * table stays narrow.
 */
export function renderReembeddings(list: readonly Reembedding[]): string {
  if (list.length === 0) return '  (none)\n';
  const table = renderTable(
    [
      { heading: 'ID', align: 'right' },
      { heading: 'NAMESPACE' },
      { heading: 'STATE' },
      { heading: 'SINCE' },
      { heading: 'FROM->TO' },
      { heading: 'DONE', align: 'right' },
      { heading: 'FAILED', align: 'right' },
      { heading: 'RATE', align: 'right' },
      { heading: 'ETA', align: 'right' },
      { heading: 'KEEP' },
    ],
    list.map((r) => [
      String(r.id),
      r.namespace,
      r.state,
      timeText(r.stateSince),
      `${r.fromIdentityId}->${r.toIdentityId}`,
      progressText(r),
      count(r.failedChunks),
      rateText(r),
      etaText(r),
      keepText(r),
    ]),
  );
  const labels = new Map<number, string>();
  for (const r of list) labels.set(r.fromIdentityId, r.from).set(r.toIdentityId, r.to);
  const legend = [...labels]
    .sort(([a], [b]) => a - b)
    .map(([id, label]) => `  identity ${id}: ${label}\n`)
    .join('');
  return `${table}${legend}`;
}

/** One line for stderr while waiting: `[reembed] docs: running 1,200/5,000 (24%), 35.1 chunks/s, ETA 1m48s`. */
export function progressLine(r: Reembedding): string {
  const failed = r.failedChunks > 0 ? `, ${count(r.failedChunks)} failed` : '';
  const pace =
    r.state !== 'running'
      ? ''
      : r.chunksPerSecond === null
        ? ', rate not measured yet'
        : `, ${r.chunksPerSecond.toFixed(1)} chunks/s, ETA ${etaText(r)}`;
  return `[reembed] ${r.namespace}: ${r.state} ${progressText(r)}${failed}${pace}\n`;
}
