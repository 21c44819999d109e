import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEmbedder, type Embedder } from '@embedq/embedder';
import { generateSeedChunks } from '@embedq/workload';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGet } from '../support/admin-fetch.js';
import { call, type Pipeline, startPipeline, TEST_ADMIN_KEY, TEST_API_KEY } from '../support/pipeline.js';
import { insertReembeddingRows } from '../support/reembedding-rows.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('admin pages in a browser');

/** Debian's chromium, which scripts/setup.sh installs; playwright's own browsers need the internet. */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/operations/', import.meta.url));

describe.skipIf(services === undefined)('/admin/dashboard and /admin/queues in chromium', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;
  let browser: Browser;
  /** Console errors, page errors and failed requests of every page: any one fails the test. */
  const problems: string[] = [];

  beforeAll(async () => {
    if (services === undefined) return;
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh`);
    mkdirSync(ARTIFACTS, { recursive: true });
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    // No worker yet: the dashboard must say so first.
    pipeline = await startPipeline(services, embedder, { worker: false, env: { WORKER_ID: 'worker-a' } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await pipeline?.close();
    await embedder?.close();
  });

  async function adminPage(): Promise<Page> {
    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: TEST_ADMIN_KEY },
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
    );
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const path = `${ARTIFACTS}${name}`;
    await page.screenshot({ path, fullPage: true });
    console.log(`[admin pages] screenshot: ${path}`);
  }

  it('refuses anonymous requests and other keys', async () => {
    for (const path of [
      '/admin/dashboard',
      '/admin/dashboard/snapshot.json',
      '/admin/queues',
      '/admin/queues/api/queues',
    ]) {
      const anonymous = await adminGet(pipeline.baseUrl, path, '');
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get('www-authenticate'), path).toBe('Basic realm="embedq admin"');
      expect((await adminGet(pipeline.baseUrl, path, `Bearer ${TEST_API_KEY}`)).status, path).toBe(403);
      const wrongPassword = `Basic ${Buffer.from('admin:not-the-key').toString('base64')}`;
      expect((await adminGet(pipeline.baseUrl, path, wrongPassword)).status, path).toBe(401);
    }
    // A browser without the key is challenged for it and, having none to give, shows no page.
    const context = await browser.newContext();
    await expect((await context.newPage()).goto(`${pipeline.baseUrl}/admin/dashboard`)).rejects.toThrow(
      /ERR_INVALID_AUTH_CREDENTIALS/,
    );
    await context.close();
  });

  it('shows the fleet live: no worker, then throughput, latency, workers and a failure; Bull Board shows the batch completed', async () => {
    const page = await adminPage();
    await page.goto(`${pipeline.baseUrl}/admin/dashboard?window=120`);
    await page.locator('[data-banner="no-workers"]').waitFor();
    // No re-embedding yet: no section for them.
    expect(await page.locator('[data-section="reembeddings"]').count()).toBe(0);

    const posted = await call(pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId: 'dashboard-doc',
      chunks: generateSeedChunks(600).map((text) => ({ text })),
    });
    expect(posted.status).toBe(202);
    // The backlog card counts the waiting chunks while no worker runs.
    await page.locator('[data-card="backlog"] .value', { hasText: /^600\s/ }).waitFor();
    // The planner's card: the waiting chunks need a worker (600 x ~66 tokens to drain within the
    // 60 s SLA at 0.8 x the assumed 13,000 tokens/s), and none runs.
    const needed = page.locator('[data-card="workers-needed"]');
    await needed.locator('.value', { hasText: /^need 1 worker, have 0$/ }).waitFor();
    expect(await needed.getAttribute('class')).toContain('bad');
    expect(await needed.locator('.detail').textContent()).toMatch(
      /^[\d.]+ chunks\/s in, 600 waiting, SLA 1 min · 13,000 tokens\/s a worker \(assumed\) at 80% · oldest job waiting [\d.]+ s · 500 chunks\/s takes \d+$/,
    );
    await screenshot(page, 'dashboard-no-worker.png');

    // A job whose batch does not exist fails for good: the failures table lists it with its reason.
    const bogus = { batchId: randomUUID(), from: 0, to: 1 };
    await pipeline.api.producer.enqueue([bogus], 'interactive');
    await pipeline.startWorker();
    await pipeline.startWorker({ WORKER_ID: 'worker-b' });

    await waitFor('the batch to complete', async () => {
      const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${posted.body.batchId}`);
      return progress.body.status === 'completed' ? true : undefined;
    });
    // The page redraws every 2 s: wait for the throughput chart to draw the work done, the
    // failure to be listed and the backlog to be empty.
    await page.locator('[data-chart="throughput"]:not([data-nonzero-points="0"])').waitFor();
    await page.locator('[data-section="failures"]', { hasText: `${bogus.batchId}.0` }).waitFor();
    await page.locator('[data-card="backlog"] .value', { hasText: /^0\s/ }).waitFor();
    expect(await page.locator('[data-banner="no-workers"]').count()).toBe(0);
    expect(await page.locator('[data-section="failures"]').textContent()).toContain('does not exist');
    expect(await page.locator('[data-card="workers"] .value').textContent()).toBe('2');
    // Two workers running, the need of the last 300 s held: one.
    await needed.locator('.value', { hasText: /^need 1 worker, have 2$/ }).waitFor();
    expect(await needed.getAttribute('class')).toContain('good');
    await screenshot(page, 'dashboard.png');

    // Bull Board: the batch's jobs are in the bulk queue's completed list.
    const board = await adminPage();
    await board.goto(`${pipeline.baseUrl}/admin/queues/queue/embed-bulk?status=completed`);
    await board.getByText(`${posted.body.batchId}.512`).first().waitFor();
    await board.getByText(`${posted.body.batchId}.0`, { exact: false }).first().waitFor();
    await screenshot(board, 'bull-board-completed.png');
    await board.goto(`${pipeline.baseUrl}/admin/queues/queue/embed-interactive?status=failed`);
    await board.getByText('does not exist').first().waitFor();
    await screenshot(board, 'bull-board-failed.png');

    expect(problems).toEqual([]);
  });

  it('refreshes when opened at a URL that carries the credentials, and labels every axis distinctly', async () => {
    // As curl users and bookmarks do: no stored credentials, the key in the address itself.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const seen: string[] = [];
    page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => seen.push(`request failed: ${request.url()}`));
    const snapshots: { url: string; status: number }[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/admin/dashboard/snapshot.json')) {
        snapshots.push({ url: response.url(), status: response.status() });
      }
    });
    const address = new URL('/admin/dashboard?window=120', pipeline.baseUrl);
    address.username = 'admin';
    address.password = TEST_ADMIN_KEY;
    await page.goto(address.href);

    // The page polls every 2 s: three answers mean it drew once and refreshed twice. A page that
    // cannot fetch says why in its status line.
    await waitFor(
      'three snapshots answered 200',
      async () => (snapshots.filter((s) => s.status === 200).length >= 3 ? true : undefined),
      20_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; the page says "${await page.locator('#status').textContent()}"`);
    });
    await page.locator('#status.ok', { hasText: /^updated / }).waitFor();
    await page.locator('[data-card="throughput"]').waitFor();
    // The requests name no credentials; the browser authenticates them itself.
    for (const snapshot of snapshots) expect(snapshot.url).not.toContain('@');
    expect(snapshots.every((s) => s.status === 200)).toBe(true);

    // Every chart's y axis: five labels, none repeated; the waits read as durations.
    const charts: { id: string; labels: string[] }[] = [];
    for (const svg of await page.locator('[data-chart]').all()) {
      const id = (await svg.getAttribute('data-chart')) ?? '';
      charts.push({ id, labels: await svg.locator('text.axis.y').allTextContents() });
    }
    expect(charts.map((c) => c.id).sort()).toEqual(
      ['backlog', 'latency', 'queue-wait', 'throughput', 'worker-rss', 'worker-throughput'].sort(),
    );
    for (const chart of charts) {
      expect(chart.labels, chart.id).toHaveLength(5);
      expect(new Set(chart.labels).size, `${chart.id}: ${chart.labels.join(', ')}`).toBe(5);
    }
    const waits = charts.find((c) => c.id === 'queue-wait')?.labels ?? [];
    for (const label of waits) expect(label).toMatch(/^\d+(\.\d+)? (ms|s|min|h)$/);
    console.log(`[admin pages] queue-wait axis: ${waits.join(', ')}`);
    await screenshot(page, 'dashboard-credentials-in-url.png');
    expect(seen).toEqual([]);
    await context.close();
  });

  it("retries and cleans a failed job through Bull Board's API", async () => {
    const queue = pipeline.api.producer.queues.interactive;
    const [failed] = await queue.getFailed(0, 0);
    const jobId = String(failed?.id);
    const failedAt = failed?.finishedOn ?? 0;
    expect(failedAt).toBeGreaterThan(0);
    const put = (path: string) =>
      fetch(`${pipeline.baseUrl}/admin/queues/api/queues/embed-interactive/${jobId}/${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
      });
    expect((await put('retry')).status).toBe(204);
    // The worker runs it again; its batch still does not exist, so it fails again.
    await waitFor('the retried job to fail again', async () => {
      const job = await queue.getJob(jobId);
      return (job?.finishedOn ?? 0) > failedAt && (await job?.isFailed()) ? true : undefined;
    });
    expect((await put('clean')).status).toBe(204);
    expect(await queue.getJob(jobId)).toBeUndefined();
  });

  it('lists the re-embeddings with their progress: an open one and one switched lately', async () => {
    const { pool } = pipeline.db;
    await insertReembeddingRows(pool, 'dashboard', ['a', 'b']);

    const page = await adminPage();
    await page.goto(`${pipeline.baseUrl}/admin/dashboard?window=120`);
    const section = page.locator('[data-section="reembeddings"]');
    await section.waitFor();
    expect(await section.locator('h2').textContent()).toBe('Re-embeddings');
    expect(
      await section
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-reembedding'))),
    ).toEqual(['dashboard-paused', 'dashboard-switched']);

    const paused = section.locator('[data-reembedding="dashboard-paused"]');
    expect(await paused.getAttribute('data-state')).toBe('paused');
    const cells = await paused.locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual([
      'dashboard-paused',
      'dashboard-old int8 aaaaaaaaaaaa → dashboard-new fp32 bbbbbbbbbbbb',
    ]);
    expect(cells[2]).toMatch(/^paused since \d\d:\d\d$/);
    expect(cells.slice(4, 9)).toEqual(['40%', '400 / 1,000', '25', '–', '–']);
    expect(cells[9]).toMatch(/^[\d.]+ s ago$/);
    const bar = paused.locator('svg.progress');
    expect(await bar.getAttribute('data-percent')).toBe('40');
    // 400 done and 25 failed of 1,000 on a 200-wide bar; a style the CSP refused would be a console error.
    const widths = await bar
      .locator('rect[class]')
      .evaluateAll((rects) =>
        rects.map((r) => Math.round((r as unknown as { getBBox(): { width: number } }).getBBox().width)),
      );
    expect(widths).toEqual([80, 5]);

    const switched = section.locator('[data-reembedding="dashboard-switched"]');
    expect(await switched.getAttribute('data-state')).toBe('switched');
    expect(await switched.locator('td').nth(2).textContent()).toMatch(/^switched at \d\d:\d\d$/);
    await screenshot(page, 'dashboard-reembeddings.png');
    expect(problems).toEqual([]);
  });
});
