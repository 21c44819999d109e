import { MAX_TEXT_WORD_PIECES } from '@embedq/embedder';
import { batchProgress, type Queryable } from '@embedq/store';
import { isUuid } from './is-uuid.js';

export type BatchProgressBody = NonNullable<Awaited<ReturnType<typeof readBatchProgressBody>>>;

/**
 * A batch's progress as `GET /v1/batches/:id` answers it, or undefined when there is no such
 * batch in the given namespaces (a foreign batch is as unknown as a missing one).
 */
export async function readBatchProgressBody(db: Queryable, id: string, namespaces: readonly string[] | '*') {
  if (!isUuid(id)) return undefined;
  const progress = await batchProgress(db, id, namespaces, {
    windowWordPieces: MAX_TEXT_WORD_PIECES,
  });
  if (progress === undefined) return undefined;
  return {
    batchId: progress.batchId,
    namespace: progress.namespace,
    documentId: progress.documentId,
    kind: progress.kind,
    status: progress.status,
    total: progress.total,
    embedded: progress.embedded,
    failed: progress.failed,
    pending: progress.pending,
    reused: progress.reused,
    truncatedChunks: progress.truncated,
    enqueuedAt: progress.enqueuedAt.toISOString(),
    completedAt: progress.completedAt?.toISOString() ?? null,
    chunksPerSec: Math.round(progress.chunksPerSec * 10) / 10,
    latencySeconds: progress.latencySeconds,
    latencyHistogram: progress.latencyHistogram,
    errors: progress.errors,
  };
}
