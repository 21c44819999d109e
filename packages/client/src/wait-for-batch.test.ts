import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchProgress } from './batches.js';
import { EmbedqClient } from './embedq-client.js';
import { EmbedqError } from './embedq-error.js';
import { BATCH_ID, batchProgress } from './test-support/batch-progress.js';
import { apiError, fakeFetch, hangingUntilAborted, json, type Responder } from './test-support/fake-fetch.js';

function clientWith(...responders: Responder[]) {
  const fake = fakeFetch(...responders);
  // Polling alone: the event stream has tests of its own.
  const client = new EmbedqClient({
    baseUrl: 'http://api.test',
    apiKey: 'k',
    fetch: fake.fetch,
    eventStreams: false,
  });
  return { client, requests: fake.requests };
}

async function settle<T>(promise: Promise<T>, ms = 600_000): Promise<PromiseSettledResult<T>> {
  const settled = Promise.allSettled([promise]).then(([result]) => result as PromiseSettledResult<T>);
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('EmbedqClient.waitForBatch', () => {
  it('polls 250 ms apart at first, doubling to 2 s, telling onProgress each answer, until completed', async () => {
    const answers = [
      batchProgress('queued'),
      batchProgress('processing', 1),
      batchProgress('processing', 2),
      batchProgress('processing', 2),
      batchProgress('processing', 3),
      batchProgress('processing', 3),
      batchProgress('completed'),
    ];
    const { client, requests } = clientWith(...answers.map((answer) => () => json(200, answer)));
    const seen: BatchProgress[] = [];
    const start = Date.now();
    const result = await settle(client.waitForBatch(BATCH_ID, { onProgress: (p) => seen.push(p) }));
    expect(result).toEqual({ status: 'fulfilled', value: answers[6] });
    expect(seen).toEqual(answers);
    expect(requests.map((r) => r.url.pathname)).toEqual(answers.map(() => `/v1/batches/${BATCH_ID}`));
    const gaps = requests.slice(1).map((r, i) => r.at - (requests[i]?.at ?? start));
    expect(gaps).toEqual([250, 500, 1_000, 2_000, 2_000, 2_000]);
    expect(requests[0]?.at).toBe(start);
  });

  it.each(['failed', 'replaced', 'deleted'] as const)(
    'resolves with a %s batch: it will not change',
    async (status) => {
      const { client, requests } = clientWith(
        () => json(200, batchProgress('processing', 1)),
        () => json(200, batchProgress(status, 1)),
      );
      const result = await settle(client.waitForBatch(BATCH_ID));
      expect(result).toMatchObject({ status: 'fulfilled', value: { status } });
      expect(requests).toHaveLength(2);
    },
  );

  it('rejects with EmbedqError timeout after timeoutMs, and polls no more', async () => {
    const { client, requests } = clientWith(() => json(200, batchProgress('processing', 1)));
    const result = await settle(client.waitForBatch(BATCH_ID, { timeoutMs: 1_000 }), 1_000);
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(EmbedqError);
    expect(error).toMatchObject({ code: 'timeout', status: undefined });
    // At 0, 250 and 750 ms; the next would have been at 1,750.
    expect(requests).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(requests).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out during a request that does not answer, aborting it', async () => {
    const { client, requests } = clientWith(hangingUntilAborted);
    const result = await settle(client.waitForBatch(BATCH_ID, { timeoutMs: 5_000 }), 5_000);
    expect(result).toMatchObject({ status: 'rejected', reason: { code: 'timeout' } });
    expect(requests[0]?.signal?.aborted).toBe(true);
  });

  it("rejects with the signal's reason when aborted between polls", async () => {
    const { client, requests } = clientWith(() => json(200, batchProgress('queued')));
    const controller = new AbortController();
    const waiting = client.waitForBatch(BATCH_ID, { signal: controller.signal, timeoutMs: 60_000 });
    const settled = Promise.allSettled([waiting]);
    await vi.advanceTimersByTimeAsync(600);
    const reason = new Error('shutting down');
    controller.abort(reason);
    const [result] = await settled;
    expect(result).toEqual({ status: 'rejected', reason });
    expect(requests).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once, sending nothing, when the signal is already aborted', async () => {
    const { client, requests } = clientWith(() => json(200, batchProgress('queued')));
    const reason = new Error('too late');
    await expect(client.waitForBatch(BATCH_ID, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(requests).toHaveLength(0);
  });

  it('rejects with the error of a poll the server refuses', async () => {
    const { client } = clientWith(
      () => json(200, batchProgress('queued')),
      () => apiError(404, 'not_found', `no batch ${BATCH_ID}`),
    );
    const result = await settle(client.waitForBatch(BATCH_ID));
    expect(result).toMatchObject({ status: 'rejected', reason: { status: 404, code: 'not_found' } });
  });

  it('rejects when onProgress throws, and polls no more', async () => {
    const { client, requests } = clientWith(() => json(200, batchProgress('queued')));
    const failure = new Error('onProgress broke');
    const result = await settle(
      client.waitForBatch(BATCH_ID, {
        onProgress: () => {
          throw failure;
        },
      }),
    );
    expect(result).toEqual({ status: 'rejected', reason: failure });
    expect(requests).toHaveLength(1);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'refuses timeoutMs %j with a RangeError',
    async (timeoutMs) => {
      const { client, requests } = clientWith(() => json(200, batchProgress('queued')));
      await expect(client.waitForBatch(BATCH_ID, { timeoutMs })).rejects.toThrow(RangeError);
      expect(requests).toHaveLength(0);
    },
  );
});
