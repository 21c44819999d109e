import type { BatchProgressSource } from './batch-progress-source.js';
import { type BatchProgress, FINAL_BATCH_STATUSES } from './batches.js';
import { EmbedqError } from './embedq-error.js';

export interface WaitForBatchOptions {
  /** Reject with an EmbedqError `timeout` when the batch is not final by then; default: no limit. */
  readonly timeoutMs?: number | undefined;
  /** Abort the wait: it rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Called with every answer, the final one included. */
  readonly onProgress?: ((progress: BatchProgress) => void) | undefined;
}

/**
 * Resolves with the batch's first final progress (`completed`, `failed`, `replaced` or `deleted`).
 * A failed batch resolves too: its `failed` and `errors` say what failed.
 */
export async function waitForBatch(
  source: BatchProgressSource,
  batchId: string,
  options: WaitForBatchOptions = {},
): Promise<BatchProgress> {
  const { timeoutMs, signal, onProgress } = options;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
    throw new RangeError(`waitForBatch: timeoutMs must be a finite number >= 0, got ${timeoutMs}`);
  }
  signal?.throwIfAborted();
  // One signal for the source: aborted by the caller's signal or by the timeout, with its reason.
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          stop.abort(
            new EmbedqError({
              code: 'timeout',
              message: `batch ${batchId} was not final after ${timeoutMs} ms`,
            }),
          );
        }, timeoutMs);
  try {
    for await (const progress of source.updates(batchId, stop.signal)) {
      onProgress?.(progress);
      if (FINAL_BATCH_STATUSES.has(progress.status)) return progress;
    }
    stop.signal.throwIfAborted();
    throw new EmbedqError({
      code: 'invalid_response',
      message: `the progress of batch ${batchId} ended before the batch was final`,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
