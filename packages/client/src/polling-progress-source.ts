import type { BatchProgressSource } from './batch-progress-source.js';
import { type BatchProgress, FINAL_BATCH_STATUSES } from './batches.js';
import { sleep } from './sleep.js';

/** The first poll comes at once, then waits double from the first to the last, and stay there. */
export const POLL_INTERVALS_MS = { first: 250, last: 2_000 } as const;

export type GetBatch = (batchId: string, options: { signal: AbortSignal }) => Promise<BatchProgress>;

/** Progress by polling GET /v1/batches/:id: quickly at first, for small batches, then every 2 s. */
export function pollingProgressSource(getBatch: GetBatch): BatchProgressSource {
  return {
    async *updates(batchId, signal) {
      let interval: number = POLL_INTERVALS_MS.first;
      for (;;) {
        const progress = await getBatch(batchId, { signal });
        yield progress;
        if (FINAL_BATCH_STATUSES.has(progress.status)) return;
        await sleep(interval, signal);
        interval = Math.min(interval * 2, POLL_INTERVALS_MS.last);
      }
    },
  };
}
