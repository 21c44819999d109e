import type { BatchProgress, BatchStatus } from '../batches.js';

export const BATCH_ID = '0b8c6a52-3f1e-4c3a-9d4e-2f6b1a7c8d90';

/** A GET /v1/batches/:id answer of 4 chunks in `status`. */
export function batchProgress(status: BatchStatus, embedded = status === 'completed' ? 4 : 0): BatchProgress {
  const final = status !== 'queued' && status !== 'processing';
  return {
    batchId: BATCH_ID,
    namespace: 'default',
    documentId: 'doc-1',
    kind: 'chunks',
    status,
    total: 4,
    embedded,
    failed: status === 'failed' ? 4 - embedded : 0,
    pending: final ? 0 : 4 - embedded,
    reused: 0,
    truncatedChunks: 0,
    enqueuedAt: '2026-01-01T00:00:00.000Z',
    completedAt: final ? '2026-01-01T00:00:01.000Z' : null,
    chunksPerSec: 0,
    latencySeconds: null,
    latencyHistogram: { bounds: [1], counts: [embedded, 0] },
    errors: [],
  };
}
