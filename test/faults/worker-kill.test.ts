import { describe, expect, it } from 'vitest';
import {
  embeddedCount,
  expectEachChunkEmbeddedOnce,
  postLoad,
  statusCounts,
  waitForEmbedded,
} from '../support/load-driver.js';
import { useProcessWorkerPipeline } from '../support/process-worker-pipeline.js';
import { queueJobs, waitForActiveJobs } from '../support/queue-jobs.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('a worker killed mid-load');

describe.skipIf(services === undefined)('kill -9 a worker in the middle of a 5,000-chunk load', () => {
  const suite = useProcessWorkerPipeline(services);

  it('loses nothing: another worker takes over the killed one’s jobs and every chunk gets one row', async () => {
    const { pipeline } = suite;
    const queue = pipeline.api.producer.queues.bulk;
    // No reconciler: BullMQ's lock expiry alone must bring the killed worker's jobs back.
    const env = { JOB_LOCK_MS: '5000', RECONCILE_INTERVAL_MS: '0' };
    const load = await postLoad(pipeline.baseUrl, { name: 'kill', documents: 10, chunksPerDocument: 500 });
    expect(statusCounts(load.statuses)).toEqual({ 202: 10 });
    expect(load.accepted.reduce((sum, d) => sum + d.chunks, 0)).toBe(5_000);

    const first = suite.startWorkerProcess({ ...env, WORKER_ID: 'first' });
    // Some of its work done (so its share can be counted), and jobs running right now, as the
    // queue sees them: kill it in the middle of those.
    await waitFor('the first worker to finish a job', async () =>
      first.messages('job done').length >= 1 ? true : undefined,
    );
    const activeBeforeKill = await waitForActiveJobs(queue);
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    // Still locked by the dead worker (the only one): the jobs it was in the middle of.
    const jobsAtKill = await queueJobs(queue);
    const killedMidJob = activeBeforeKill.filter((id) => jobsAtKill.get(id)?.state === 'active');
    expect(killedMidJob.length).toBeGreaterThan(0);
    // Its database sessions gone, so nothing it sent can still commit: its share is final.
    await waitFor('the killed worker’s database sessions to end', async () => {
      const sessions = await pipeline.db.pool.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM pg_stat_activity WHERE application_name = 'embedq-worker first' AND datname = current_database()`,
      );
      return sessions.rows[0]?.n === 0 ? true : undefined;
    });
    const atKill = await embeddedCount(pipeline.db.pool);
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(5_000);

    const second = suite.startWorkerProcess({ ...env, WORKER_ID: 'second' });
    await waitForEmbedded(pipeline.db.pool, 5_000, 240_000);
    await expectEachChunkEmbeddedOnce(pipeline.db.pool, load.accepted);
    // Each worker's share counted on its own from `written_by`: the first's is exactly what was
    // embedded when it died (it wrote nothing after, nobody overwrote it), the second's the rest,
    // and no row has another writer or none.
    const byWorker = await pipeline.db.pool.query<{ written_by: string | null; n: number }>(
      `SELECT written_by, count(*)::integer AS n FROM chunk_states
        WHERE status = 'embedded' AND embedding IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    const count = (worker: string) => byWorker.rows.find((r) => r.written_by === worker)?.n ?? 0;
    expect(byWorker.rows.map((r) => r.written_by)).toEqual(['first', 'second']);
    expect(count('first')).toBe(atKill);
    expect(count('second')).toBeGreaterThan(0);
    expect(count('first') + count('second')).toBe(5_000);
    // The jobs the killed worker was in the middle of were run again by the second, to completion.
    const doneBySecond = new Set(second.messages('job done').map((line) => line.jobId));
    const jobs = await queueJobs(queue);
    for (const id of killedMidJob) {
      expect(doneBySecond.has(id)).toBe(true);
      expect(jobs.get(id)?.state).toBe('completed');
    }
  });
});
