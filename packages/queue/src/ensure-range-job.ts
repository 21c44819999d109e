import { markChunksFailed, type Queryable } from '@embedq/store';
import type { EmbedChunksPayload, QueueKind } from './interfaces.js';
import { embedChunksJobId } from './job-catalog.js';
import type { JobProducer } from './job-producer.js';

/** What became of a range that still has chunks without a vector (or failure) of its identity. */
export type RangeOutcome = 'live' | 'markedFailed' | 'requeued';

/**
 * Makes sure a range left without vectors is in hand: a waiting, delayed, prioritized or running
 * job covers it (`live`); its job failed for good without recording it on the chunks, so the
 * failure is recorded now (`markedFailed`, under the payload's identity when it has one); or its
 * job was lost or finished without it, so it is added again (`requeued`). With `dryRun` only
 * the outcome is reported. The reconciler and the re-embedding driver share it.
 */
export async function ensureRangeJob(
  db: Queryable,
  producer: JobProducer,
  payload: EmbedChunksPayload,
  kind: QueueKind,
  options: { dryRun?: boolean } = {},
): Promise<RangeOutcome> {
  const status = await producer.inspect(kind, embedChunksJobId(payload));
  if (status.state === 'live') return 'live';
  if (status.state === 'failed') {
    if (options.dryRun !== true)
      await markChunksFailed(db, payload, `job failed for good: ${status.reason}`, payload.identityId);
    return 'markedFailed';
  }
  if (options.dryRun !== true) await producer.requeue(payload, kind);
  return 'requeued';
}
