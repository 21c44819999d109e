import type { BatchProgress } from './batches.js';

/**
 * Where waitForBatch learns a batch's progress: answers until the batch is final, then it ends.
 * Polling GET /v1/batches/:id is the one there is; a server-sent-events source can take its place
 * without changing waitForBatch.
 */
export interface BatchProgressSource {
  /** Rejects (or ends the iteration) with the signal's reason when it aborts. */
  updates(batchId: string, signal: AbortSignal): AsyncIterable<BatchProgress>;
}
