import type { Queryable } from '../interfaces.js';

/** The backlog in chunks and in word pieces (what the model will run), for planning workers. */
export interface PendingWork {
  readonly chunks: number;
  /** Summed `token_count` (word pieces, without [CLS] and [SEP]); rows without a count add 0. */
  readonly wordPieces: number;
}

/**
 * Accepted chunks without a vector or a failure, and their word pieces, across every namespace.
 * The partial index `chunks_pending` finds the rows; the sum reads them, so this costs more than
 * countPendingChunks on a large backlog.
 */
export async function pendingWork(db: Queryable): Promise<PendingWork> {
  const result = await db.query<{ chunks: string; word_pieces: string }>(
    `SELECT count(*) AS chunks, coalesce(sum(token_count), 0) AS word_pieces
       FROM chunks WHERE status = 'pending'`,
  );
  const row = result.rows[0];
  return { chunks: Number(row?.chunks ?? 0), wordPieces: Number(row?.word_pieces ?? 0) };
}
