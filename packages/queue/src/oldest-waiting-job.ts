import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * When the longest-waiting job of any of `queues` was enqueued (epoch ms), or undefined when no
 * job waits. BullMQ pushes new jobs on the left of a queue's `wait` list (`paused` while the queue
 * is paused) and workers take them from the right, so the right end holds the job waiting
 * longest; only its `timestamp` is read, a few commands whatever the depth. A job back from a
 * retry's delay counts from its first enqueue; prioritized jobs (embedq adds none) are not looked at.
 */
export async function oldestWaitingSince(
  redis: Redis,
  queues: readonly Queue[],
): Promise<number | undefined> {
  const lists = queues.flatMap((queue) => [
    { queue, key: queue.toKey('wait') },
    { queue, key: queue.toKey('paused') },
  ]);
  const ends = redis.pipeline();
  // Two from the end: BullMQ before 5 could leave a `0:` marker there instead of a job id.
  for (const list of lists) ends.lrange(list.key, -2, -1);
  const endReplies = (await ends.exec()) ?? [];
  const tails = lists.flatMap((list, i) => {
    const [error, ids] = endReplies[i] ?? [null, []];
    if (error) throw error;
    const id = (ids as string[]).filter((entry) => !entry.startsWith('0:')).at(-1);
    return id === undefined ? [] : [{ queue: list.queue, id }];
  });
  if (tails.length === 0) return undefined;
  const stamps = redis.pipeline();
  for (const tail of tails) stamps.hget(tail.queue.toKey(tail.id), 'timestamp');
  const stampReplies = (await stamps.exec()) ?? [];
  let oldest: number | undefined;
  for (const [error, stamp] of stampReplies) {
    if (error) throw error;
    // A job finished and removed between the two reads has no hash left.
    const at = Number(stamp ?? Number.NaN);
    if (Number.isFinite(at) && (oldest === undefined || at < oldest)) oldest = at;
  }
  return oldest;
}
