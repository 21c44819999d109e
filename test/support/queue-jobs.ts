import type { Job, Queue } from 'bullmq';
import { waitFor } from './wait-for.js';

/** Where a job is, as BullMQ keeps it: what the fault tests check after a signal. */
export interface JobRecord {
  readonly id: string;
  readonly state: 'active' | 'wait' | 'completed' | 'failed' | 'delayed' | 'prioritized';
  /** Times a worker took it (BullMQ's `ats`): 0 for a job no worker ever started. */
  readonly attemptsStarted: number;
  /** When a worker last took it (the worker's clock, ms), if one ever did. */
  readonly processedOn: number | undefined;
}

const STATES = ['active', 'wait', 'completed', 'failed', 'delayed', 'prioritized'] as const;

/** Every job of the queue, by id. */
export async function queueJobs(queue: Queue): Promise<Map<string, JobRecord>> {
  const jobs = new Map<string, JobRecord>();
  for (const state of STATES) {
    for (const job of (await queue.getJobs([state])) as (Job | undefined)[]) {
      if (job?.id === undefined) continue;
      jobs.set(job.id, {
        id: job.id,
        state,
        attemptsStarted: job.attemptsStarted,
        processedOn: job.processedOn ?? undefined,
      });
    }
  }
  return jobs;
}

/** Ids of the jobs in `state`, sorted. */
export function idsIn(jobs: Map<string, JobRecord>, state: JobRecord['state']): string[] {
  return [...jobs.values()]
    .filter((job) => job.state === state)
    .map((job) => job.id)
    .sort();
}

/**
 * Resolves with the ids of the queue's running jobs as soon as there is at least one, so a test
 * signals a worker in the middle of a job, not after a guessed sleep. Polled every millisecond:
 * a signal sent at once then usually lands while BullMQ has taken jobs it has not started yet
 * (a worker takes up to its concurrency before starting the first), which a hand-back must
 * return too.
 */
export function waitForActiveJobs(queue: Queue, timeoutMs = 120_000): Promise<string[]> {
  return waitFor(
    'a job to be running',
    async () => {
      const ids = (await queue.getActive()).flatMap((job) => (job?.id === undefined ? [] : [job.id]));
      return ids.length > 0 ? ids.sort() : undefined;
    },
    timeoutMs,
    1,
  );
}
