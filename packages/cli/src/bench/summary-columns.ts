import { formatNumber, formatRatio } from './format.js';
import type { CellSummary } from './interfaces.js';

/** Batches and per-batch ms (p50, p90, p99, max): the columns every results table shares. */
export function batchColumns(s: CellSummary): string[] {
  return [
    formatNumber(s.batches, 0),
    formatNumber(s.batchMs.p50, 0),
    formatNumber(s.batchMs.p90, 0),
    formatNumber(s.batchMs.p99, 0),
    formatNumber(s.batchMs.max, 0),
  ];
}

/** Padded tokens over real tokens, 'n/a' when the engine reported no tokens. */
export function formatPadding(s: CellSummary): string {
  return s.tokens === 0 ? 'n/a' : formatRatio(s.paddedTokens / s.tokens);
}
