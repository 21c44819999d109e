import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveClientOptions } from './client-options.js';
import { EmbedqError } from './embedq-error.js';
import { type HttpRequest, HttpTransport, pathSegment } from './http-transport.js';
import {
  apiError,
  fakeFetch,
  hangingUntilAborted,
  json,
  networkFailure,
  type Responder,
} from './test-support/fake-fetch.js';

/** A transport on the fake network; jitter fixed at its middle, so backoff waits are exact. */
function transportWith(responders: Responder[], maxRetries = 5) {
  const fake = fakeFetch(...responders);
  const options = resolveClientOptions({
    baseUrl: 'http://api.test:3000/prefix',
    apiKey: 'secret-key',
    fetch: fake.fetch,
    maxRetries,
  });
  return { transport: new HttpTransport(options, () => 0.5), requests: fake.requests };
}

const GET: HttpRequest = { method: 'GET', path: '/v1/batches/b1', idempotent: true };
const UNSAFE_POST: HttpRequest = { method: 'POST', path: '/v1/things', body: { a: 1 }, idempotent: false };

/** Settles `promise` while advancing fake time by `ms`, so an assertion cannot leave it dangling. */
async function settle<T>(promise: Promise<T>, ms = 600_000): Promise<PromiseSettledResult<T>> {
  const settled = Promise.allSettled([promise]).then(([result]) => result as PromiseSettledResult<T>);
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

function rejection(result: PromiseSettledResult<unknown>): unknown {
  if (result.status !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
  return result.reason;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('HttpTransport', () => {
  it('sends JSON with the key, the user agent and the idempotency key, and resolves with the answer', async () => {
    const { transport, requests } = transportWith([() => json(202, { batchId: 'b1' })]);
    const answer = await transport.request({
      method: 'POST',
      path: '/v1/batches',
      body: { documentId: 'd', chunks: [{ text: 'x' }] },
      idempotencyKey: 'key-1',
      idempotent: true,
    });
    expect(answer).toEqual({ batchId: 'b1' });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.url.href).toBe('http://api.test:3000/prefix/v1/batches');
    expect(request?.method).toBe('POST');
    expect(request?.body).toEqual({ documentId: 'd', chunks: [{ text: 'x' }] });
    expect(Object.fromEntries(request?.headers ?? [])).toEqual({
      accept: 'application/json',
      authorization: 'Bearer secret-key',
      'content-type': 'application/json',
      'idempotency-key': 'key-1',
      'user-agent': 'embedq-client/0.1.0',
    });
  });

  it('sends the query parameters that are set, and no body or content type without one', async () => {
    const { transport, requests } = transportWith([() => json(200, {})]);
    await transport.request({ ...GET, query: { namespace: 'a b&c', limit: 5, after: undefined } });
    expect(requests[0]?.url.search).toBe('?namespace=a+b%26c&limit=5');
    expect(requests[0]?.url.searchParams.get('namespace')).toBe('a b&c');
    expect(requests[0]?.headers.has('content-type')).toBe(false);
    expect(requests[0]?.body).toBeUndefined();
  });

  it("turns an error answer into an EmbedqError with the server's code and message, not retried", async () => {
    const { transport, requests } = transportWith([
      () => apiError(400, 'invalid_filter', 'body.filter.year: $gt needs a number or a string'),
    ]);
    const error = rejection(await settle(transport.request(GET)));
    expect(error).toBeInstanceOf(EmbedqError);
    expect(error).toMatchObject({
      name: 'EmbedqError',
      status: 400,
      code: 'invalid_filter',
      message: 'body.filter.year: $gt needs a number or a string',
      retryAfter: undefined,
    });
    expect(requests).toHaveLength(1);
  });

  it('names an error answer without the error body by its status', async () => {
    const { transport, requests } = transportWith([
      () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    ]);
    const error = rejection(await settle(transport.request(GET)));
    expect(error).toMatchObject({ status: 502, code: 'http_502', message: 'HTTP 502 Bad Gateway' });
    // 502 is not one of the statuses that say "retry".
    expect(requests).toHaveLength(1);
  });

  it('names a JSON error answer of another shape by its status too', async () => {
    const { transport } = transportWith([() => json(404, { message: 'Route not found' })]);
    expect(rejection(await settle(transport.request(GET)))).toMatchObject({ status: 404, code: 'http_404' });
  });

  it('refuses a 2xx answer that is not JSON with invalid_response', async () => {
    const { transport } = transportWith([() => new Response('OK', { status: 200 })]);
    expect(rejection(await settle(transport.request(GET)))).toMatchObject({
      status: 200,
      code: 'invalid_response',
    });
  });

  it('retries a 503 after the Retry-After seconds exactly', async () => {
    const { transport, requests } = transportWith([
      () => apiError(503, 'service_unavailable', 'Postgres is down', { 'retry-after': '2' }),
      () => json(200, { ok: true }),
    ]);
    const answer = transport.request(GET);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(2);
    await expect(answer).resolves.toEqual({ ok: true });
  });

  it('waits at most a minute however long Retry-After asks for', async () => {
    const { transport, requests } = transportWith([
      () => apiError(429, 'too_many_requests', 'slow down', { 'retry-after': '3600' }),
      () => json(200, { ok: true }),
    ]);
    const answer = transport.request(GET);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(answer).resolves.toEqual({ ok: true });
  });

  it('backs off exponentially on a 429 without Retry-After, for any request', async () => {
    const { transport, requests } = transportWith([
      () => apiError(429, 'too_many_requests', 'backlog full'),
      () => apiError(429, 'too_many_requests', 'backlog full'),
      () => apiError(429, 'too_many_requests', 'backlog full'),
      () => json(202, { ok: true }),
    ]);
    const start = Date.now();
    await expect((await settle(transport.request(UNSAFE_POST))).status).toBe('fulfilled');
    // Jitter at its middle: 3/4 of 500, 1,000 and 2,000 ms.
    expect(requests.map((r) => r.at - start)).toEqual([0, 375, 375 + 750, 375 + 750 + 1_500]);
  });

  it('gives up after maxRetries with the last error, its Retry-After included', async () => {
    const { transport, requests } = transportWith(
      [() => apiError(503, 'service_unavailable', 'Redis is down', { 'retry-after': '1' })],
      2,
    );
    const error = rejection(await settle(transport.request(GET)));
    expect(error).toMatchObject({ status: 503, code: 'service_unavailable', retryAfter: 1 });
    expect(requests).toHaveLength(3);
  });

  it('makes one attempt with maxRetries 0', async () => {
    const { transport, requests } = transportWith([() => apiError(503, 'service_unavailable', 'down')], 0);
    expect(rejection(await settle(transport.request(GET)))).toMatchObject({ status: 503 });
    expect(requests).toHaveLength(1);
  });

  it('retries a network failure of an idempotent request', async () => {
    const { transport, requests } = transportWith([
      networkFailure,
      networkFailure,
      () => json(200, { ok: 1 }),
    ]);
    const result = await settle(transport.request(GET));
    expect(result).toEqual({ status: 'fulfilled', value: { ok: 1 } });
    expect(requests).toHaveLength(3);
  });

  it('does not resend a request that is not idempotent after a network failure', async () => {
    const failure = networkFailure();
    const { transport, requests } = transportWith([() => failure, () => json(200, {})]);
    const error = rejection(await settle(transport.request(UNSAFE_POST)));
    expect(error).toBeInstanceOf(EmbedqError);
    expect(error).toMatchObject({
      code: 'network_error',
      status: undefined,
      message: 'POST http://api.test:3000/prefix/v1/things: fetch failed',
      cause: failure,
    });
    expect(requests).toHaveLength(1);
  });

  it('turns a network failure that outlasts the retries into network_error', async () => {
    const { transport, requests } = transportWith([networkFailure], 3);
    expect(rejection(await settle(transport.request(GET)))).toMatchObject({ code: 'network_error' });
    expect(requests).toHaveLength(4);
  });

  it('rejects with the reason of a signal aborted before the call, sending nothing', async () => {
    const { transport, requests } = transportWith([() => json(200, {})]);
    const reason = new Error('the user left');
    const error = rejection(await settle(transport.request({ ...GET, signal: AbortSignal.abort(reason) })));
    expect(error).toBe(reason);
    expect(requests).toHaveLength(0);
  });

  it('rejects with the reason when aborted during a request, not with network_error', async () => {
    const { transport, requests } = transportWith([hangingUntilAborted]);
    const controller = new AbortController();
    const answer = settle(transport.request({ ...GET, signal: controller.signal }), 0);
    await vi.advanceTimersByTimeAsync(10);
    const reason = new Error('cancelled');
    controller.abort(reason);
    expect(rejection(await answer)).toBe(reason);
    expect(requests[0]?.signal).toBe(controller.signal);
  });

  it('stops waiting to retry as soon as the signal aborts', async () => {
    const { transport, requests } = transportWith([
      () => apiError(503, 'service_unavailable', 'down', { 'retry-after': '30' }),
    ]);
    const controller = new AbortController();
    const answer = transport.request({ ...GET, signal: controller.signal });
    const settled = Promise.allSettled([answer]);
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort(new Error('stop'));
    const [result] = await settled;
    expect(result).toMatchObject({ status: 'rejected', reason: new Error('stop') });
    expect(requests).toHaveLength(1);
    // Nothing is left waiting to fire.
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('pathSegment', () => {
  it('encodes a value as one segment', () => {
    expect(pathSegment('notes/2024 Q1?#', 'documentId')).toBe('notes%2F2024%20Q1%3F%23');
  });

  it.each([[''], ['.'], ['..']])('refuses %j, which no URL path can hold', (value) => {
    expect(() => pathSegment(value, 'documentId')).toThrow(TypeError);
  });
});
