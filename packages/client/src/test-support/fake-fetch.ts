import type { Fetch } from '../http-transport.js';

/** A request as the fake fetch saw it. */
export interface SeenRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Headers;
  /** The JSON body, parsed; undefined when none was sent. */
  readonly body: unknown;
  /** Date.now() when it was sent (fake timers make it exact). */
  readonly at: number;
  readonly signal: AbortSignal | undefined;
}

/** Answers one request: a Response, or an error to throw as fetch does when the network fails. */
export type Responder = (request: SeenRequest) => Response | Error | Promise<Response | Error>;

/**
 * Stands in for the network: answers the requests in order with `responders` (the last one
 * answers every request after it) and records each request.
 */
export function fakeFetch(...responders: Responder[]): { fetch: Fetch; requests: SeenRequest[] } {
  const requests: SeenRequest[] = [];
  const fetch: Fetch = async (url, init) => {
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const seen: SeenRequest = {
      url: new URL(url),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body,
      at: Date.now(),
      signal: init.signal ?? undefined,
    };
    requests.push(seen);
    const responder = responders[Math.min(requests.length, responders.length) - 1];
    if (responder === undefined) throw new Error('fakeFetch has no responder');
    const answer = await responder(seen);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch, requests };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function apiError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return json(status, { error: { code, message } }, headers);
}

/** What fetch throws when the connection fails (undici's shape). */
export function networkFailure(): TypeError {
  return new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
}

/** A fetch that never answers but rejects with the signal's reason when it aborts, as fetch does. */
export function hangingUntilAborted(request: SeenRequest): Promise<Response> {
  return new Promise((_resolve, reject) => {
    request.signal?.addEventListener('abort', () => reject(request.signal?.reason), { once: true });
  });
}
