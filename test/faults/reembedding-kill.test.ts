import { describe, expect, it } from 'vitest';
import { postLoad, statusCounts, waitForEmbedded } from '../support/load-driver.js';
import { call, TEST_ADMIN_KEY } from '../support/pipeline.js';
import { useProcessWorkerPipeline } from '../support/process-worker-pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('a worker killed mid-re-embedding');
const ADMIN = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

describe.skipIf(services === undefined)('kill -9 a worker in the middle of a re-embedding', () => {
  const suite = useProcessWorkerPipeline(services, { JOB_CHUNKS: '32', REEMBED_INTERVAL_MS: '300' });

  it('another worker finishes it: every chunk ends with exactly one fp32 vector and search switches over', async () => {
    const { pipeline } = suite;
    const env = { JOB_LOCK_MS: '3000', RECONCILE_INTERVAL_MS: '0' };
    const load = await postLoad(pipeline.baseUrl, { name: 'rekill', documents: 3, chunksPerDocument: 100 });
    expect(statusCounts(load.statuses)).toEqual({ 202: 3 });
    const first = suite.startWorkerProcess({ ...env, WORKER_ID: 'first' });
    await waitForEmbedded(pipeline.db.pool, 300);

    const started = await call(pipeline.baseUrl, 'POST', '/admin/reembeddings', { to: 'fp32' }, ADMIN);
    expect(started.status).toBe(202);
    expect(started.body.reembeddings).toHaveLength(1);
    // Killed once it has written some fp32 vectors, with re-embedding jobs in its hands.
    await waitFor('the first worker to finish a re-embedding job', async () =>
      first.messages('job done').some((line) => line.identityId !== undefined) ? true : undefined,
    );
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    await waitFor('the killed worker’s database sessions to end', async () => {
      const sessions = await pipeline.db.pool.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM pg_stat_activity WHERE application_name = 'embedq-worker first' AND datname = current_database()`,
      );
      return sessions.rows[0]?.n === 0 ? true : undefined;
    });
    const fp32Rows = () =>
      pipeline.db.pool
        .query<{ n: number; by: string[] }>(
          `SELECT count(*)::integer AS n, array_agg(DISTINCT e.written_by ORDER BY e.written_by) AS by
             FROM embeddings e JOIN model_identities m ON m.id = e.identity_id
            WHERE m.precision = 'fp32' AND e.embedding IS NOT NULL`,
        )
        .then((r) => r.rows[0]!);
    const atKill = await fp32Rows();
    expect(atKill.n).toBeGreaterThan(0);
    expect(atKill.n).toBeLessThan(300);

    suite.startWorkerProcess({ ...env, WORKER_ID: 'second' });
    const done = await waitFor(
      'the switch-over',
      async () => {
        const listed = await call(pipeline.baseUrl, 'GET', '/admin/reembeddings', undefined, ADMIN);
        const r = listed.body.reembeddings[0];
        return r?.state === 'switched' ? r : undefined;
      },
      180_000,
    );
    expect(done).toMatchObject({ totalChunks: 300, doneChunks: 300, failedChunks: 0 });
    const after = await fp32Rows();
    // One row per chunk (the primary key), written by both workers.
    expect(after).toEqual({ n: 300, by: ['first', 'second'] });
    const perChunk = await pipeline.db.pool.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM chunks c
        WHERE NOT EXISTS (SELECT 1 FROM embeddings e JOIN model_identities m ON m.id = e.identity_id
                           WHERE e.chunk_id = c.id AND m.precision = 'fp32' AND e.embedding IS NOT NULL)`,
    );
    expect(perChunk.rows).toEqual([{ n: 0 }]);
    const search = await call(pipeline.baseUrl, 'POST', '/v1/search', {
      namespace: 'default',
      query: 'catalyst yield',
    });
    expect(search.status).toBe(200);
    expect(search.body.results.length).toBeGreaterThan(0);
  });
});
