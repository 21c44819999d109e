import type { ModelIdentityListing, Reembedding } from '@embedq/store';
import { renderTable } from '../text-table.js';
import { renderReembeddings, timeText } from './render-reembeddings.js';

const count = (n: number) => n.toLocaleString('en-US');

/**
 * `embedq models` for people: one row per identity and namespace (an identity in none gets one
 * row of its own), then the re-embeddings.
 */
export function renderModels(
  identities: readonly ModelIdentityListing[],
  reembeddings: readonly Reembedding[],
): string {
  const rows = identities.flatMap((m) => {
    const identity = [
      String(m.id),
      m.model,
      m.precision,
      m.graphSha256?.slice(0, 12) ?? '?',
      timeText(m.createdAt),
    ];
    if (m.namespaces.length === 0) return [[...identity, '-', '0', '0', '']];
    return m.namespaces.map((n) => [
      ...identity,
      n.namespace,
      count(n.vectors),
      count(n.failed),
      n.active ? 'active' : '',
    ]);
  });
  const table =
    identities.length === 0
      ? '  (none: no process has embedded anything yet)\n'
      : renderTable(
          [
            { heading: 'ID', align: 'right' },
            { heading: 'MODEL' },
            { heading: 'PRECISION' },
            { heading: 'SHA256' },
            { heading: 'REGISTERED' },
            { heading: 'NAMESPACE' },
            { heading: 'VECTORS', align: 'right' },
            { heading: 'FAILED', align: 'right' },
            { heading: 'SEARCH' },
          ],
          rows,
        );
  return `Model identities (vectors are comparable only within one; search uses the active one):
${table}
Re-embeddings (open ones, and the last of each namespace):
${renderReembeddings(reembeddings)}`;
}
