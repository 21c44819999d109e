import { generateSeedChunks } from '@embedq/workload';
import { describe, expect, it } from 'vitest';
import { call } from '../support/pipeline.js';
import { useProcessWorkerPipeline } from '../support/process-worker-pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('two worker processes');

describe.skipIf(services === undefined)('two worker processes on one queue', () => {
  // Jobs of 64 chunks, so 800 chunks in two batches make 14 jobs to share.
  const suite = useProcessWorkerPipeline(services, { JOB_CHUNKS: '64' });

  it('share the work and embed every chunk exactly once', async () => {
    const { pipeline, workers } = suite;
    for (const id of ['worker-a', 'worker-b']) {
      suite.startWorkerProcess({ WORKER_ID: id, ORT_THREADS: '1', WORKER_CONCURRENCY: '1' });
    }
    await waitFor('both workers to start', async () =>
      workers.every((w) => w.messages('worker started').length === 1) ? true : undefined,
    );

    const texts = generateSeedChunks(800);
    const posted = await Promise.all(
      [0, 1].map((half) =>
        call(pipeline.baseUrl, 'POST', '/v1/batches', {
          documentId: `half-${half}`,
          chunks: texts.slice(half * 400, half * 400 + 400).map((text) => ({ text })),
        }),
      ),
    );
    for (const response of posted) expect(response.status).toBe(202);
    for (const { body } of posted) {
      await waitFor(
        `batch ${body.batchId}`,
        async () => {
          const progress = await call(pipeline.baseUrl, 'GET', `/v1/batches/${body.batchId}`);
          return progress.body.status === 'completed' ? progress.body : undefined;
        },
        120_000,
        250,
      );
    }

    const rows = await pipeline.db.pool.query<{ chunks: number; embedded: number; distinct_chunks: number }>(
      `SELECT count(*)::integer AS chunks, count(embedding)::integer AS embedded,
              count(DISTINCT (document_id, chunk_index))::integer AS distinct_chunks FROM chunk_states`,
    );
    expect(rows.rows[0]).toEqual({ chunks: 800, embedded: 800, distinct_chunks: 800 });

    // Every job was done by exactly one worker, and each worker did some.
    const done = workers.map((w) => w.messages('job done'));
    const jobIds = done.map((lines) => lines.map((l) => String(l.jobId)));
    expect(jobIds[0]!.length).toBeGreaterThan(0);
    expect(jobIds[1]!.length).toBeGreaterThan(0);
    expect(jobIds[0]!.filter((id) => jobIds[1]!.includes(id))).toEqual([]);
    expect(new Set([...jobIds[0]!, ...jobIds[1]!]).size).toBe(14);
    const written = done.flat().reduce((sum, line) => sum + Number(line.written), 0);
    expect(written).toBe(800);
    const writers = await pipeline.db.pool.query<{ written_by: string }>(
      'SELECT DISTINCT written_by FROM chunk_states ORDER BY 1',
    );
    expect(writers.rows.map((r) => r.written_by)).toEqual(['worker-a', 'worker-b']);

    // SIGTERM: both stop cleanly.
    expect(await Promise.all(workers.map((w) => w.stop('SIGTERM')))).toEqual([0, 0]);
  });
});
