/**
 * The dashboard page's script (loaded as an ES module from /admin/dashboard/assets/client.js):
 * polls the snapshot and redraws. Polling, not SSE: one small request per viewer every few
 * seconds, answered from a shared one-second cache, works through any proxy and needs no
 * connection kept open per viewer. Paused while the tab is hidden.
 */
import { formatClock } from './format.js';
import { renderDashboard } from './render.js';
import type { DashboardSnapshot } from './snapshot.js';

// The few DOM APIs used here, declared locally: the API package compiles without the DOM library.
interface PageElement {
  innerHTML: string;
  textContent: string | null;
  className: string;
}
declare const document: {
  getElementById(id: string): PageElement | null;
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
};
declare const location: { readonly search: string; readonly origin: string };

const POLL_MS = 2_000;
const content = document.getElementById('content');
const status = document.getElementById('status');
const windowSeconds = new URLSearchParams(location.search).get('window') ?? '900';
/**
 * Absolute, from the origin: a page opened at http://admin:KEY@host/... resolves a relative URL
 * to one carrying those credentials, which fetch refuses ("Request cannot be constructed from a
 * URL that includes credentials"). The origin has none; the browser still sends the Basic
 * credentials it authenticated the page with.
 */
const snapshotUrl = new URL('/admin/dashboard/snapshot.json', location.origin);
snapshotUrl.searchParams.set('window', windowSeconds);
let timer: ReturnType<typeof setTimeout> | undefined;
let fetching = false;

function showStatus(text: string, healthy: boolean): void {
  if (status === null) return;
  status.textContent = text;
  status.className = healthy ? 'status ok' : 'status bad';
}

async function refresh(): Promise<void> {
  timer = undefined;
  fetching = true;
  try {
    const response = await fetch(snapshotUrl, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`the API answered ${response.status}`);
    const snapshot = (await response.json()) as DashboardSnapshot;
    if (content !== null) content.innerHTML = renderDashboard(snapshot);
    showStatus(`updated ${formatClock(snapshot.generatedAt)}, every ${POLL_MS / 1_000} s`, true);
  } catch (error) {
    showStatus(`cannot refresh (${error instanceof Error ? error.message : String(error)}); retrying`, false);
  } finally {
    fetching = false;
    if (!document.hidden) timer = setTimeout(refresh, POLL_MS);
  }
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && timer === undefined && !fetching) void refresh();
});
void refresh();
