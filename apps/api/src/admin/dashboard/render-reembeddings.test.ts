import { describe, expect, it } from 'vitest';
import { reembeddingsSection } from './render-reembeddings.js';
import type { DashboardSnapshot, ReembeddingView } from './snapshot.js';

const NOW = 1_800_000_000_000;

function view(namespace: string, overrides: Partial<ReembeddingView> = {}): ReembeddingView {
  return {
    namespace,
    from: 'all-MiniLM-L6-v2 int8 1a2b3c4d5e6f',
    to: 'all-MiniLM-L6-v2 fp32 abcdefabcdef',
    state: 'running',
    done: 1_500,
    failed: 300,
    total: 3_000,
    percent: 50,
    chunksPerSecond: 40,
    etaSeconds: 30,
    countedAt: NOW - 4_000,
    stateSince: NOW - 600_000,
    ...overrides,
  };
}

/** Only what the section reads. */
function snapshot(reembeddings: ReembeddingView[], reembeddingsError: string | null = null) {
  return { generatedAt: NOW, reembeddings, reembeddingsError } as unknown as DashboardSnapshot;
}

/** The row of one namespace, for assertions that must not match another row. */
function rowOf(html: string, namespace: string): string {
  const start = html.indexOf(`<tr data-reembedding="${namespace}"`);
  expect(start, namespace).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</tr>', start));
}

describe('the re-embeddings section', () => {
  it('is absent when there are none', () => {
    expect(reembeddingsSection(snapshot([]))).toBe('');
  });

  it('draws a bar per namespace with its rate, ETA and state', () => {
    const html = reembeddingsSection(
      snapshot([
        view('docs'),
        view('held', { done: 2_700, percent: 90, etaSeconds: 0 }),
        view('paused', {
          state: 'paused',
          chunksPerSecond: null,
          etaSeconds: null,
          countedAt: NOW - 3_600_000,
        }),
        view('stuck', { chunksPerSecond: 12, etaSeconds: 400, countedAt: NOW - 300_000 }),
        view('<b>x</b>', { state: 'switched', done: 3_000, failed: 0, percent: 100, etaSeconds: null }),
      ]),
    );
    expect(html).toMatch(
      /^<section class="panel wide" data-section="reembeddings"><header><h2>Re-embeddings<\/h2>/,
    );
    expect(html).toContain('4 open;');

    const docs = rowOf(html, 'docs');
    expect(docs).toContain('data-state="running"');
    expect(docs).toContain('all-MiniLM-L6-v2 int8 1a2b3c4d5e6f → all-MiniLM-L6-v2 fp32 abcdefabcdef');
    expect(docs).toContain('<td class="good">running</td>');
    // Half done in the running tone, a tenth failed in red, after it.
    expect(docs).toContain('<rect class="tone-a" x="0.0" y="0" width="100.0" height="10" stroke-width="0"/>');
    expect(docs).toContain(
      '<rect class="tone-limit" x="100.0" y="0" width="20.0" height="10" stroke-width="0"/>',
    );
    expect(docs).toContain('</svg></td><td class="num">50%</td>');
    expect(docs).toContain('<td class="num">1,500 / 3,000</td><td class="num bad">300</td>');
    expect(docs).toContain(
      '<td class="num">40 chunks/s</td><td class="num">~30 s</td><td class="num">4 s ago</td>',
    );

    // Every chunk tried, some failed: the switch may be held by them.
    expect(rowOf(html, 'held')).toContain('<td class="num bad">all tried, 300 failed</td>');
    const paused = rowOf(html, 'paused');
    expect(paused).toMatch(/<td class="warn">paused since \d\d:\d\d<\/td>/);
    expect(paused).toContain('<td class="num">–</td><td class="num">–</td><td class="num">1 h ago</td>');
    expect(paused).toContain('class="tone-b"');
    // Running but not counted for five minutes: the driver is not running.
    expect(rowOf(html, 'stuck')).toContain('<td class="num warn">5 min ago</td>');
    // Namespaces are escaped.
    const switched = rowOf(html, '&lt;b&gt;x&lt;/b&gt;');
    expect(switched).toMatch(/<td class="good">switched at \d\d:\d\d<\/td>/);
    expect(switched).toContain('<rect class="tone-target" x="0.0" y="0" width="200.0"');
    // Its last count is history: not shown.
    expect(switched.endsWith('<td class="num">–</td>')).toBe(true);
    expect(html).not.toContain('<b>x</b>');
  });

  it('says why the re-embeddings could not be read', () => {
    const html = reembeddingsSection(snapshot([], 'relation "reembeddings" does not exist'));
    expect(html).toContain('data-section="reembeddings"');
    expect(html).toContain('Cannot read the re-embeddings: relation &quot;reembeddings&quot; does not exist');
    expect(html).not.toContain('<table>');
  });
});
