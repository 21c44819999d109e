import { startApi } from '@embedq/api';
import { apiConfigFromEnv } from '@embedq/config';
import { generateSeedChunks } from '@embedq/workload';
import { describe, expect, it } from 'vitest';
import { call, TEST_API_KEY } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';

const services = await servicesOrSkip('batch events (SSE) through a real pipeline');

interface ServerSentEvent {
  readonly event: string;
  readonly id: string;
  readonly data: Record<string, unknown>;
}

/** Reads a text/event-stream to its end; comments (heartbeats) are skipped. */
async function readEvents(
  baseUrl: string,
  batchId: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string | null; events: ServerSentEvent[]; body: string }> {
  const response = await fetch(`${baseUrl}/v1/batches/${batchId}/events`, {
    headers: { authorization: `Bearer ${TEST_API_KEY}`, ...headers },
    signal: AbortSignal.timeout(60_000),
  });
  const body = await response.text();
  const events = body
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const field = (name: string) =>
        block
          .split('\n')
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2) ?? '';
      return { event: field('event'), id: field('id'), data: JSON.parse(field('data')) };
    });
  return { status: response.status, contentType: response.headers.get('content-type'), events, body };
}

describe.skipIf(services === undefined)('GET /v1/batches/:id/events', () => {
  const FOREIGN_KEY = 'key-for-elsewhere-only';
  const fixture = usePipeline(services, { env: { API_KEYS: `${TEST_API_KEY}:*,${FOREIGN_KEY}:elsewhere` } });

  const post = async (namespace: string, count: number) => {
    const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      namespace,
      documentId: `doc-${count}`,
      chunks: generateSeedChunks(count).map((text) => ({ text })),
    });
    expect(posted.status).toBe(202);
    return posted.body.batchId as string;
  };

  it('streams progress while the batch is embedded, then completed with the batch, then ends', async () => {
    const batchId = await post('events', 600);
    const { status, contentType, events } = await readEvents(fixture.pipeline.baseUrl, batchId);
    expect(status).toBe(200);
    expect(contentType).toBe('text/event-stream; charset=utf-8');
    const last = events.at(-1) as ServerSentEvent;
    expect(last.event).toBe('completed');
    expect(events.filter((e) => e.event !== 'progress')).toEqual([last]);
    // The final event is the batch's GET answer, as it stands once complete.
    const progress = await call(fixture.pipeline.baseUrl, 'GET', `/v1/batches/${batchId}`);
    expect(last.data).toEqual(progress.body);
    expect(last).toMatchObject({ id: '600', data: { status: 'completed', embedded: 600, pending: 0 } });
    // Progress events: at least the state at connection, counts that only grow, ids = chunks done.
    const steps = events.slice(0, -1);
    expect(steps.length).toBeGreaterThanOrEqual(1);
    for (const [i, step] of steps.entries()) {
      // Each event carries the batch's GET answer as it stood.
      expect(Object.keys(step.data).sort()).toEqual(Object.keys(progress.body).sort());
      expect(step.id).toBe(String((step.data.embedded as number) + (step.data.failed as number)));
      if (i > 0) expect(Number(step.id)).toBeGreaterThan(Number(steps[i - 1]?.id));
    }
    expect(steps[0]?.data).toMatchObject({ batchId, total: 600 });
  });

  it('after a reconnect with Last-Event-ID, repeats nothing seen and still ends with the final event', async () => {
    const batchId = await post('events', 300);
    const first = await readEvents(fixture.pipeline.baseUrl, batchId);
    const final = first.events.at(-1) as ServerSentEvent;
    const again = await readEvents(fixture.pipeline.baseUrl, batchId, { 'last-event-id': final.id });
    expect(again.events).toEqual([final]);
  });

  it('is served by any API process: one that did not take the batch follows it through Redis', async () => {
    const other = await startApi(apiConfigFromEnv(fixture.pipeline.env), {
      embedder: fixture.embedder,
      logger: false,
    });
    try {
      const address = await other.app.listen({ port: 0, host: '127.0.0.1' });
      const batchId = await post('events', 400);
      const { events } = await readEvents(address, batchId);
      expect(events.at(-1)).toMatchObject({ event: 'completed', id: '400' });

      // Shutting down ends open streams (clients reconnect elsewhere) instead of waiting on them.
      const slow = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
        namespace: 'events',
        documentId: 'slow',
        chunks: generateSeedChunks(2_000, 99).map((text) => ({ text })),
      });
      const open = readEvents(address, slow.body.batchId);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const closing = Date.now();
      await other.close();
      const cut = await open;
      expect(Date.now() - closing).toBeLessThan(5_000);
      expect(cut.status).toBe(200);
      // Cut off before the batch completed: progress only, no final event.
      expect(cut.events.length).toBeGreaterThanOrEqual(1);
      expect(new Set(cut.events.map((e) => e.event))).toEqual(new Set(['progress']));
    } finally {
      await other.close();
    }
  });

  it('answers 404 for an unknown batch, a malformed id and a batch of a namespace the key may not read', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-batch']) {
      const response = await call(fixture.pipeline.baseUrl, 'GET', `/v1/batches/${id}/events`);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
    const batchId = await post('events', 3);
    const foreign = await call(fixture.pipeline.baseUrl, 'GET', `/v1/batches/${batchId}/events`, undefined, {
      authorization: `Bearer ${FOREIGN_KEY}`,
    });
    expect(foreign.status).toBe(404);
    const unauthenticated = await call(fixture.pipeline.baseUrl, 'GET', '/v1/batches/x/events', undefined, {
      authorization: '',
    });
    expect(unauthenticated.status).toBe(401);
  });
});
