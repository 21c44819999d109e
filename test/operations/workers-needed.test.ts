import { BUCKET_SECONDS } from '@embedq/queue';
import { generateSeedChunks } from '@embedq/workload';
import { describe, expect, it } from 'vitest';
import { adminGet } from '../support/admin-fetch.js';
import { call } from '../support/pipeline.js';
import { type MetricFamily, parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { runCli } from '../support/run-cli.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('workers needed');

/**
 * A tight SLA and a slow assumed worker, so a few hundred chunks need a countable fleet:
 * backlog tokens / 1 s / (0.8 x 1,000 tokens/s).
 */
const HIREFIRE_TOKEN = 'hirefire-test-token-0001';
const PLANNER_ENV = { LATENCY_SLA_SECONDS: '1', WORKER_TOKENS_PER_SEC: '1000', HIREFIRE_TOKEN };
const CHUNKS = 600;

describe.skipIf(services === undefined)('how many workers: /metrics, the dashboard and embedq plan', () => {
  const fixture = usePipeline(services, { worker: false, env: PLANNER_ENV });

  async function scrape(): Promise<Map<string, MetricFamily>> {
    const response = await adminGet(fixture.pipeline.baseUrl, '/metrics');
    expect(response.status).toBe(200);
    return parsePrometheusText(response.text);
  }

  function plan(...args: string[]) {
    return runCli(['plan', ...args], fixture.pipeline.env);
  }

  it('needs none and sees no wait while nothing is queued', async () => {
    const idle = await scrape();
    expect(sampleValue(idle, 'embedq_workers_needed')).toBe(0);
    expect(sampleValue(idle, 'embedq_queue_oldest_wait_seconds')).toBe(0);
    expect(sampleValue(idle, 'embedq_workers')).toBe(0);
    expect(idle.get('embedq_workers_needed')?.type).toBe('gauge');
    expect(idle.get('embedq_workers_needed')?.help).toContain(
      'ceil((arrival + backlog / LATENCY_SLA_SECONDS)',
    );
  });

  it('while jobs wait with no worker: the wait grows, the need follows the backlog, and all three agree', async () => {
    const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId: 'plan-doc',
      chunks: generateSeedChunks(CHUNKS).map((text) => ({ text })),
    });
    expect(posted.status).toBe(202);
    const waiting = await waitFor('the oldest job to have waited a while', async () => {
      const families = await scrape();
      return (sampleValue(families, 'embedq_queue_oldest_wait_seconds') ?? 0) > 0.3 ? families : undefined;
    });
    expect(sampleValue(waiting, 'embedq_queue_oldest_wait_seconds')).toBeLessThan(60);
    expect(sampleValue(waiting, 'embedq_backlog_chunks')).toBe(CHUNKS);
    expect(sampleValue(waiting, 'embedq_workers')).toBe(0);

    // The backlog in model tokens: word pieces plus [CLS] and [SEP] per chunk.
    const { rows } = await fixture.pipeline.db.pool.query<{ word_pieces: string }>(
      `SELECT sum(token_count) AS word_pieces FROM chunk_states WHERE status = 'pending'`,
    );
    const backlogTokens = Number(rows[0]?.word_pieces) + 2 * CHUNKS;
    const planned = 0.8 * 1_000;
    // Drain alone, in 1 s; plus arrival (the backlog's growth over the 300 s window) when an
    // earlier scrape's empty sample is in another bucket.
    const least = Math.ceil(backlogTokens / planned);
    const most = Math.ceil((backlogTokens + backlogTokens / 300) / planned);
    const needed = sampleValue(waiting, 'embedq_workers_needed') ?? -1;
    expect(needed).toBeGreaterThanOrEqual(least);
    expect(needed).toBeLessThanOrEqual(most);
    expect(least).toBeGreaterThan(10);
    expect(waiting.get('embedq_planner_worker_tokens_per_second')?.samples).toEqual([
      { name: 'embedq_planner_worker_tokens_per_second', labels: { source: 'configured' }, value: 1_000 },
    ]);

    const json = await plan('--json');
    expect(json.code, json.stderr).toBe(0);
    const answer = JSON.parse(json.stdout);
    expect(answer).toMatchObject({
      needed,
      have: 0,
      rateSource: 'configured',
      tokensPerWorkerSec: 1_000,
      backlogChunks: CHUNKS,
      backlogTokens,
      slaSeconds: 1,
      targetChunksPerSec: 500,
    });
    expect(answer.oldestWaitSeconds).toBeGreaterThan(0.3);

    const text = await plan();
    expect(text.stdout.split('\n')[0]).toBe(`need ${needed} workers, have 0 (scale up by ${needed})`);
    expect(text.stdout).toMatch(new RegExp(`backlog +${backlogTokens.toLocaleString('en-US')} tokens`));
    // A looser SLA on the command line needs fewer: the 300 s window's arrivals and 60 s to drain.
    const relaxed = JSON.parse((await plan('--json', '--sla', '60')).stdout);
    expect(relaxed.needed).toBeLessThan(needed);
    expect(relaxed.needed).toBeGreaterThanOrEqual(1);

    // HireFire's checkup: no key, the token in the path; the job queue latency in seconds.
    const checkup = await adminGet(fixture.pipeline.baseUrl, `/hirefire/${HIREFIRE_TOKEN}/info`, '');
    expect(checkup.status).toBe(200);
    const [entry, ...others] = JSON.parse(checkup.text);
    expect(others).toEqual([]);
    expect(entry.name).toBe('worker');
    expect(entry.value).toBeGreaterThan(0.3);
    expect(
      (await adminGet(fixture.pipeline.baseUrl, '/hirefire/hirefire-test-token-0002/info', '')).status,
    ).toBe(404);

    const snapshot = await adminGet(fixture.pipeline.baseUrl, '/admin/dashboard/snapshot.json');
    expect(snapshot.status).toBe(200);
    expect(JSON.parse(snapshot.text).plan).toMatchObject({ needed, have: 0, backlogChunks: CHUNKS });
  });

  it('with a worker the queue empties, the wait is 0, and the need is held before scaling down', async () => {
    // A metrics bucket (5 s) keeps the last backlog sampled in it: the 600 waiting chunks must be sampled in
    // a bucket that has ended before the worker drains them, or the drained queue's own sample
    // would replace them and leave nothing to hold.
    const bucket = () => Math.floor(Date.now() / (BUCKET_SECONDS * 1_000));
    const sampledIn = bucket();
    await scrape();
    await waitFor(
      'the next metrics bucket',
      async () => (bucket() > sampledIn ? true : undefined),
      10_000,
      50,
    );
    await scrape();
    await fixture.pipeline.startWorker();
    const settled = await waitFor('the backlog to drain', async () => {
      const families = await scrape();
      return sampleValue(families, 'embedq_backlog_chunks') === 0 &&
        sampleValue(families, 'embedq_queue_oldest_wait_seconds') === 0
        ? families
        : undefined;
    });
    expect(sampleValue(settled, 'embedq_workers')).toBe(1);
    // The need seen while 600 chunks waited stays for 300 s: no scale-down on a drained queue at once.
    expect(sampleValue(settled, 'embedq_workers_needed')).toBeGreaterThan(10);
    const checkup = await adminGet(fixture.pipeline.baseUrl, `/hirefire/${HIREFIRE_TOKEN}/info`, '');
    expect(JSON.parse(checkup.text)).toEqual([{ name: 'worker', value: 0 }]);
    const answer = JSON.parse((await plan('--json')).stdout);
    expect(answer.have).toBe(1);
    expect(answer.needed).toBeGreaterThan(answer.neededNow);
  });
});
