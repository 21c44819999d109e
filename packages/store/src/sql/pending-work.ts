import type { Queryable } from '../interfaces.js';

/** The backlog in chunks and in word pieces (what the model will run): backpressure and planning workers. */
export interface PendingWork {
  readonly chunks: number;
  /** Summed `token_count` (word pieces, without [CLS] and [SEP]); rows without a count add 0. */
  readonly wordPieces: number;
}

/**
 * Accepted chunks without a vector or a failure, and their word pieces, across every namespace:
 * the backlog the API's backpressure limit and the worker planner are about. Read from the counts
 * of the batches not finished yet (the partial index `batches_unfinished`), not from their chunks.
 */
export async function pendingWork(db: Queryable): Promise<PendingWork> {
  const result = await db.query<{ chunks: string; word_pieces: string }>(
    `SELECT coalesce(sum(greatest(chunk_count - embedded_count - failed_count, 0)), 0) AS chunks,
            coalesce(sum(greatest(word_pieces - done_word_pieces, 0)), 0) AS word_pieces
       FROM batches
      WHERE finished_event_at IS NULL AND replaced_at IS NULL AND deleted_at IS NULL`,
  );
  const row = result.rows[0];
  return { chunks: Number(row?.chunks ?? 0), wordPieces: Number(row?.word_pieces ?? 0) };
}
