import type { BatchProgress } from '@embedq/client';

/**
 * addDocuments waited for a batch that ended other than `completed`: `failed` (some chunks could
 * not be embedded; `progress.errors` says why), or `replaced` / `deleted` (another call posted or
 * deleted the same document id meanwhile, so these chunks are not what the server holds).
 */
export class BatchNotCompletedError extends Error {
  override readonly name = 'BatchNotCompletedError';
  /** The batch's final GET /v1/batches/:id answer. */
  readonly progress: BatchProgress;

  constructor(progress: BatchProgress) {
    const reasons = progress.errors.map((error) => `${error.reason} (${error.chunks})`).join('; ');
    super(
      `batch ${progress.batchId} of document '${progress.documentId}' ended ${progress.status}` +
        (progress.status === 'failed' ? `: ${progress.failed} of ${progress.total} chunks failed` : '') +
        (reasons === '' ? '' : `: ${reasons}`),
    );
    this.progress = progress;
  }
}
