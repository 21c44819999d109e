import { describe, expect, it } from 'vitest';
import {
  type AcceptedDocument,
  embeddedCount,
  expectEachChunkEmbeddedOnce,
  postLoad,
  statusCounts,
  waitForEmbedded,
} from '../support/load-driver.js';
import { useProcessWorkerPipeline } from '../support/process-worker-pipeline.js';
import { idsIn, type JobRecord, queueJobs, waitForActiveJobs } from '../support/queue-jobs.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';
import type { WorkerProcess } from '../support/worker-process.js';

const services = await servicesOrSkip('SIGTERM during a load');

/** Heroku sends SIGTERM and kills 30 s later; embedq promises to be gone in 25. */
const HEROKU_BUDGET_MS = 25_000;
/**
 * Long, so a job that was not handed back stays locked (and out of `wait`) for the whole test:
 * lock expiry cannot pass for a hand-back.
 */
const JOB_LOCK_MS = 60_000;
/** A hand-back's jobs are back in `wait` this soon after the signal, a twelfth of the lock. */
const HANDED_BACK_WITHIN_MS = 5_000;
const HANDING_BACK = 'running jobs did not finish in time; handing them back';

type LogLine = Record<string, unknown>;

function only(lines: LogLine[]): LogLine {
  expect(lines).toHaveLength(1);
  return lines[0] as LogLine;
}

const jobIdsOf = (lines: LogLine[]): string[] => lines.map((line) => String(line.jobId)).sort();
const written = (lines: LogLine[]): number => lines.reduce((sum, line) => sum + Number(line.written), 0);

describe.skipIf(services === undefined)('SIGTERM during a load', () => {
  const suite = useProcessWorkerPipeline(services);

  /** What the first worker did up to its exit, and where the load's jobs were then. */
  interface Signalled {
    readonly name: string;
    readonly accepted: AcceptedDocument[];
    readonly alreadyEmbedded: number;
    readonly first: WorkerProcess;
    /** The test's clock when it sent SIGTERM. */
    readonly signalAt: number;
    /** From SIGTERM to the process gone. */
    readonly stopMs: number;
    /** The jobs the worker held when the stop began, by its own account ('worker stopping'). */
    readonly held: string[];
    /** The worker's log lines from 'worker stopping' on. */
    readonly afterStop: LogLine[];
    /** 'worker stopped', with `handedBack`. */
    readonly stopped: LogLine;
    /** The load's jobs once the worker was gone, before any other worker ran. */
    readonly jobsAtExit: Map<string, JobRecord>;
  }

  const env = (shutdownTimeoutMs: string) => ({
    RECONCILE_INTERVAL_MS: '0',
    JOB_LOCK_MS: String(JOB_LOCK_MS),
    SHUTDOWN_TIMEOUT_MS: shutdownTimeoutMs,
  });

  /** Posts 2,000 chunks (8 jobs), starts a worker and sends it SIGTERM once a job is running. */
  async function signalMidJob(
    name: string,
    shutdownTimeoutMs: string,
    whileStopping: (first: WorkerProcess, signalAt: number) => Promise<void> = async () => undefined,
  ): Promise<Signalled> {
    const { pipeline } = suite;
    const queue = pipeline.api.producer.queues.bulk;
    const alreadyEmbedded = await embeddedCount(pipeline.db.pool);
    const load = await postLoad(pipeline.baseUrl, { name, documents: 4, chunksPerDocument: 500 });
    expect(statusCounts(load.statuses)).toEqual({ 202: 4 });
    expect(load.accepted.reduce((sum, d) => sum + d.chunks, 0)).toBe(2_000);

    const first = suite.startWorkerProcess({ ...env(shutdownTimeoutMs), WORKER_ID: `${name}-first` });
    // The queue says a job is running (only this worker runs): signal now, in the middle of it.
    expect((await waitForActiveJobs(queue)).length).toBeGreaterThan(0);
    const signalAt = Date.now();
    const exited = first.stop('SIGTERM');
    await whileStopping(first, signalAt);
    const exit = await exited;
    const stopMs = Date.now() - signalAt;
    const batches = new Set(load.accepted.map((d) => d.batchId));
    const jobsAtExit = new Map(
      [...(await queueJobs(queue))].filter(([id]) => batches.has(id.slice(0, id.lastIndexOf('.')))),
    );
    expect(jobsAtExit.size).toBe(8);
    expect(exit).toBe(0);
    expect(stopMs).toBeLessThan(HEROKU_BUDGET_MS);

    const stopping = only(first.messages('worker stopping: no new jobs'));
    // The worker itself held jobs (running, or taken and about to start) when the stop began.
    const held = (stopping.jobs as string[]).slice().sort();
    expect(held.length).toBeGreaterThan(0);
    const afterStop = first.logs.slice(first.logs.indexOf(stopping));
    // No job was taken after the stop began (the worker's clock, as BullMQ's processedOn): every
    // job a worker ever started was started before it.
    const stoppingAt = Number(stopping.time);
    expect(stoppingAt).toBeGreaterThanOrEqual(signalAt);
    for (const job of jobsAtExit.values()) {
      if (job.processedOn !== undefined) expect(job.processedOn).toBeLessThanOrEqual(stoppingAt);
    }
    expect(idsIn(jobsAtExit, 'active')).toEqual([]);
    return {
      name,
      accepted: load.accepted,
      alreadyEmbedded,
      first,
      signalAt,
      stopMs,
      held,
      afterStop,
      stopped: only(first.messages('worker stopped')),
      jobsAtExit,
    };
  }

  /**
   * A second worker embeds the rest; every chunk of the load ends with a vector, written by one
   * of the two, each counted on its own from `written_by`.
   */
  async function finishWithSecond(s: Signalled): Promise<{ byFirst: number; second: WorkerProcess }> {
    const { pipeline } = suite;
    const second = suite.startWorkerProcess({ ...env('20000'), WORKER_ID: `${s.name}-second` });
    await waitForEmbedded(pipeline.db.pool, s.alreadyEmbedded + 2_000);
    expect(await second.stop('SIGTERM')).toBe(0);
    expect(only(second.messages('worker stopped')).handedBack).toBe(0);
    const jobs = await queueJobs(pipeline.api.producer.queues.bulk);
    for (const id of s.jobsAtExit.keys()) expect(jobs.get(id)?.state).toBe('completed');

    const byWorker = await pipeline.db.pool.query<{ written_by: string; n: number }>(
      `SELECT written_by, count(*)::integer AS n FROM chunk_states
        WHERE document_id LIKE $1 AND status = 'embedded' AND embedding IS NOT NULL
        GROUP BY 1 ORDER BY 1`,
      [`${s.name}-%`],
    );
    const count = (worker: string) => byWorker.rows.find((r) => r.written_by === worker)?.n ?? 0;
    const byFirst = count(`${s.name}-first`);
    const bySecond = count(`${s.name}-second`);
    expect(byWorker.rows.every((r) => r.written_by.startsWith(`${s.name}-`))).toBe(true);
    expect(bySecond).toBeGreaterThan(0);
    expect(byFirst + bySecond).toBe(2_000);
    return { byFirst, second };
  }

  it('finishes its running jobs and exits in time: nothing handed back, nothing taken after the signal', async () => {
    const s = await signalMidJob('term-drain', '20000');
    // A drain, not a hand-back.
    expect(s.first.messages(HANDING_BACK)).toEqual([]);
    expect(s.stopped.handedBack).toBe(0);
    // Exactly the jobs held at the signal finished here after it: no other job was taken.
    expect(jobIdsOf(s.afterStop.filter((l) => l.msg === 'job done'))).toEqual(s.held);
    // The queue agrees: what this worker did is completed, nothing it took went back to waiting,
    // and the jobs still waiting were never started.
    const doneByFirst = jobIdsOf(s.first.messages('job done'));
    expect(idsIn(s.jobsAtExit, 'completed')).toEqual(doneByFirst);
    expect(idsIn(s.jobsAtExit, 'wait').length).toBe(8 - doneByFirst.length);
    for (const id of idsIn(s.jobsAtExit, 'wait')) expect(s.jobsAtExit.get(id)?.attemptsStarted).toBe(0);

    const { byFirst } = await finishWithSecond(s);
    // Every vector the first worker's jobs report is in the database under its name, and no more.
    expect(byFirst).toBe(written(s.first.messages('job done')));
    expect(byFirst).toBeGreaterThan(0);
  });

  it('hands its running jobs back at once when out of time, long before their locks expire', async () => {
    const queue = suite.pipeline.api.producer.queues.bulk;
    let backInWaitMs = Number.NaN;
    const s = await signalMidJob('term-handback', '0', async (first, signalAt) => {
      // While the worker is still stopping: the jobs it names are back in `wait`, seconds after
      // the signal. With a 60 s lock, only the hand-back can have put them there.
      const handing = await waitFor('the hand-back', async () => first.messages(HANDING_BACK)[0]);
      const handed = handing.jobs as string[];
      await waitFor(
        'the handed-back jobs to be waiting',
        async () => {
          const jobs = await queueJobs(queue);
          return handed.every((id) => jobs.get(id)?.state === 'wait') ? true : undefined;
        },
        HANDED_BACK_WITHIN_MS,
        50,
      );
      backInWaitMs = Date.now() - signalAt;
    });
    expect(backInWaitMs).toBeLessThan(HANDED_BACK_WITHIN_MS);
    expect(HANDED_BACK_WITHIN_MS).toBeLessThan(JOB_LOCK_MS / 10);
    const handing = only(s.first.messages(HANDING_BACK));
    const handed = (handing.jobs as string[]).slice().sort();
    expect(handed.length).toBeGreaterThan(0);
    expect(s.stopped.handedBack).toBe(handed.length);
    // Each job held at the signal was handed back, or had finished in the instant before.
    const doneFirst = s.afterStop.slice(0, s.afterStop.indexOf(handing)).filter((l) => l.msg === 'job done');
    expect([...handed, ...jobIdsOf(doneFirst)].sort()).toEqual(s.held);
    // Nothing was left locked by the stopped worker; the handed-back jobs are still waiting.
    for (const id of handed) expect(s.jobsAtExit.get(id)?.state).toBe('wait');

    const { second } = await finishWithSecond(s);
    // The second worker ran every handed-back job.
    const doneBySecond = new Set(jobIdsOf(second.messages('job done')));
    for (const id of handed) expect(doneBySecond.has(id)).toBe(true);
  });

  it('leaves every chunk of both loads embedded exactly once', async () => {
    const { pipeline } = suite;
    const batches = await pipeline.db.pool.query<{ id: string; document_id: string; chunk_count: number }>(
      'SELECT id, document_id, chunk_count FROM batches',
    );
    expect(batches.rows).toHaveLength(8);
    await expectEachChunkEmbeddedOnce(
      pipeline.db.pool,
      batches.rows.map((b) => ({ batchId: b.id, documentId: b.document_id, chunks: b.chunk_count })),
    );
  });
});
