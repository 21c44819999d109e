/**
 * Queue types. Jobs carry references into Postgres (a batch id and a range of chunk indexes),
 * never texts, so Redis stays small and a flushed Redis loses no data.
 *
 * Glossary: a *batch* is the chunks of one document accepted in one request; a *job* embeds the
 * chunk indexes [from, to) of one batch; the *interactive* queue holds small batches and is served
 * before the *bulk* queue, so a few chunks are not stuck behind a large load.
 */

export type QueueKind = 'interactive' | 'bulk';

export interface EmbedChunksPayload {
  readonly batchId: string;
  /** First chunk index, inclusive. */
  readonly from: number;
  /** Last chunk index, exclusive. */
  readonly to: number;
  /**
   * A re-embedding's job: embed the range with this model identity, beside the vectors of the
   * batch's own. Absent for ingest jobs (the batch's identity).
   */
  readonly identityId?: number;
}

/** Where the queues live. */
export interface QueueConnectionOptions {
  /** `redis://` or `rediss://` (TLS). */
  readonly url: string;
  /** Verify the server's TLS certificate (false for Heroku Redis's self-signed one). */
  readonly tlsVerify: boolean;
  /** Key prefix of every queue; default `embedq`. Tests use their own. */
  readonly prefix?: string | undefined;
}
