import { describe, expect, it } from 'vitest';
import type { BatchProgressSource } from './batch-progress-source.js';
import type { BatchProgress } from './batches.js';
import { resolveClientOptions } from './client-options.js';
import { eventStreamProgressSource } from './event-stream-progress-source.js';
import { BATCH_ID, batchProgress } from './test-support/batch-progress.js';
import { apiError, fakeFetch, type Responder } from './test-support/fake-fetch.js';

/** A text/event-stream answer whose body arrives in the given pieces. */
function eventStream(...pieces: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
}

const event = (name: string, progress: BatchProgress) =>
  `event: ${name}\nid: ${progress.embedded + progress.failed}\ndata: ${JSON.stringify(progress)}\n\n`;

/** A fallback that answers once, final, and records that it was asked. */
function fallbackSource(): BatchProgressSource & { asked: number } {
  const source = {
    asked: 0,
    async *updates() {
      source.asked++;
      yield batchProgress('completed');
    },
  };
  return source;
}

async function collect(responders: Responder[]) {
  const fake = fakeFetch(...responders);
  const fallback = fallbackSource();
  const source = eventStreamProgressSource(
    resolveClientOptions({ baseUrl: 'http://api.test/prefix', apiKey: 'key-1', fetch: fake.fetch }),
    fallback,
  );
  const seen: BatchProgress[] = [];
  for await (const progress of source.updates(BATCH_ID, new AbortController().signal)) seen.push(progress);
  return { seen, requests: fake.requests, fallback };
}

describe('eventStreamProgressSource', () => {
  it("yields each event's progress until the final one, from the batch's stream", async () => {
    const processing = batchProgress('processing', 2);
    const completed = batchProgress('completed');
    // Pieces cut mid-event, with a heartbeat comment between events.
    const whole = `${event('progress', processing)}: keep-alive\n\n${event('completed', completed)}`;
    const { seen, requests, fallback } = await collect([
      () => eventStream(whole.slice(0, 17), whole.slice(17, 90), whole.slice(90)),
    ]);
    expect(seen).toEqual([processing, completed]);
    expect(fallback.asked).toBe(0);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url.href).toBe(`http://api.test/prefix/v1/batches/${BATCH_ID}/events`);
    expect(requests[0]?.headers.get('accept')).toBe('text/event-stream');
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer key-1');
    expect(requests[0]?.headers.get('last-event-id')).toBeNull();
  });

  it('reconnects with Last-Event-ID when a stream ends before the batch is final', async () => {
    const processing = batchProgress('processing', 2);
    const completed = batchProgress('completed');
    const { seen, requests, fallback } = await collect([
      () => eventStream(event('progress', processing)),
      () => eventStream(event('completed', completed)),
    ]);
    expect(seen).toEqual([processing, completed]);
    expect(requests.map((r) => r.headers.get('last-event-id'))).toEqual([null, '2']);
    expect(fallback.asked).toBe(0);
  });

  it('falls back to polling when the stream cannot be had, or keeps ending early', async () => {
    const cases: Responder[][] = [
      [() => apiError(404, 'not_found', 'no route GET /v1/batches/x/events')],
      [() => new Response('<html>proxy</html>', { headers: { 'content-type': 'text/html' } })],
      [() => new TypeError('fetch failed')],
      [() => eventStream('event: progress\ndata: {not json\n\n')],
      [() => eventStream(': keep-alive\n\n')],
    ];
    for (const responders of cases) {
      const { seen, requests, fallback } = await collect(responders);
      expect(seen).toEqual([batchProgress('completed')]);
      expect(fallback.asked).toBe(1);
      // A stream that keeps ending is reopened a few times first; the rest fall back at once.
      expect(requests.length).toBe(responders === cases[4] ? 4 : 1);
    }
  });

  it('stops when the signal aborts, with its reason', async () => {
    const stop = new AbortController();
    const fake = fakeFetch(() => {
      stop.abort(new Error('caller gave up'));
      return new TypeError('fetch failed');
    });
    const source = eventStreamProgressSource(
      resolveClientOptions({ baseUrl: 'http://api.test', apiKey: 'k', fetch: fake.fetch }),
      fallbackSource(),
    );
    const run = async () => {
      for await (const _ of source.updates(BATCH_ID, stop.signal)) {
        // no progress expected
      }
    };
    await expect(run()).rejects.toThrow('caller gave up');
  });
});
