import { randomUUID } from 'node:crypto';
import { BatchEventFeed, QUEUE_NAMES } from '@embedq/queue';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteQueueKeys, uniqueQueuePrefix } from '../support/queue-prefix.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('batch events from BullMQ in a real Redis');

describe.skipIf(services === undefined)('BatchEventFeed, against the real Redis', () => {
  const prefix = uniqueQueuePrefix();
  let feed: BatchEventFeed;
  let queue: Queue;
  let worker: Worker;

  beforeAll(async () => {
    if (services === undefined) return;
    feed = new BatchEventFeed({ url: services.redisUrl, tlsVerify: false, prefix });
    const connection = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_NAMES.bulk, { connection, prefix });
    // Jobs whose data says so fail; the rest complete.
    worker = new Worker(
      QUEUE_NAMES.bulk,
      async (job) => {
        if (job.data.fail === true) throw new UnrecoverableError('told to fail');
      },
      { connection: connection.duplicate(), prefix },
    );
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await feed?.close();
    if (services !== undefined) await deleteQueueKeys(services.redisUrl, prefix);
  });

  it("tells a batch's listeners when its jobs complete or fail, and no one else", async () => {
    const watched = randomUUID();
    const other = randomUUID();
    let calls = 0;
    let otherCalls = 0;
    const unsubscribe = feed.subscribe(watched, () => calls++);
    const unsubscribeOther = feed.subscribe(other, () => otherCalls++);
    expect(feed.size).toBe(2);
    // The feed reads new events only: give its readers a moment to connect before the first job.
    await waitFor('the feed to connect', async () =>
      (await queue.client).status === 'ready' ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));

    await queue.add('embed', {}, { jobId: `${watched}.0` });
    await waitFor('the completed job to be told', async () => (calls >= 1 ? true : undefined), 10_000);
    await queue.add('embed', { fail: true }, { jobId: `${watched}.256` });
    await waitFor('the failed job to be told', async () => (calls >= 2 ? true : undefined), 10_000);
    expect(otherCalls).toBe(0);

    unsubscribe();
    await queue.add('embed', {}, { jobId: `${other}.0` });
    await waitFor('the other batch to be told', async () => (otherCalls >= 1 ? true : undefined), 10_000);
    // Unsubscribed: the watched batch's new jobs tell no one.
    await queue.add('embed', {}, { jobId: `${watched}.512` });
    await queue.add('embed', {}, { jobId: `${other}.256` });
    await waitFor(
      'the other batch to be told again',
      async () => (otherCalls >= 2 ? true : undefined),
      10_000,
    );
    expect(calls).toBe(2);
    unsubscribeOther();
    expect(feed.size).toBe(0);
  });
});
