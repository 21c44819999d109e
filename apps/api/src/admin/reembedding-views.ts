import type { Reembedding } from '@embedq/store';
import type { ReembeddingView } from './dashboard/snapshot.js';

/** A finished (switched or cancelled) re-embedding stays on the dashboard this long. */
export const RECENT_REEMBEDDING_SECONDS = 86_400;

const isOpen = (r: { readonly state: string }) => r.state === 'running' || r.state === 'paused';

/**
 * The re-embeddings the dashboard lists: the open ones (by namespace), then those finished within
 * RECENT_REEMBEDDING_SECONDS (latest first). listReembeddings also answers each namespace's last
 * finished one however old; a switch from last month is no news to an operator. Pure.
 */
export function reembeddingViews(list: readonly Reembedding[], now: number): ReembeddingView[] {
  const since = now - RECENT_REEMBEDDING_SECONDS * 1_000;
  return list
    .filter((r) => isOpen(r) || r.stateSince.getTime() >= since)
    .sort(
      (a, b) =>
        Number(isOpen(b)) - Number(isOpen(a)) ||
        (isOpen(a)
          ? a.namespace.localeCompare(b.namespace)
          : b.stateSince.getTime() - a.stateSince.getTime()),
    )
    .map(reembeddingView);
}

function reembeddingView(r: Reembedding): ReembeddingView {
  const running = r.state === 'running';
  return {
    namespace: r.namespace,
    from: r.from,
    to: r.to,
    state: r.state,
    done: r.doneChunks,
    failed: r.failedChunks,
    total: r.totalChunks,
    percent: percentDone(r.doneChunks, r.totalChunks, r.state === 'switched'),
    // The stored rate is the last one measured: stale once paused or finished.
    chunksPerSecond: running && r.chunksPerSecond !== null ? Math.round(r.chunksPerSecond * 10) / 10 : null,
    etaSeconds: running ? r.etaSeconds : null,
    countedAt: r.countedAt?.getTime() ?? null,
    stateSince: r.stateSince.getTime(),
  };
}

/** Rounded down, so 99.96% does not read as done; an empty namespace is done once switched. */
function percentDone(done: number, total: number, switched: boolean): number {
  if (total <= 0) return switched ? 100 : 0;
  return Math.min(100, Math.floor((done * 1_000) / total) / 10);
}
