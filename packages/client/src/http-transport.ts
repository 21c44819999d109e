import type { ResolvedClientOptions } from './client-options.js';
import { EmbedqError, errorFromAnswer } from './embedq-error.js';
import { parseRetryAfter, retryDelayMs } from './retry-delay.js';
import { sleep } from './sleep.js';

/** What the client needs of fetch: the global one, or any function that does the same. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** From the API's root, e.g. `/v1/batches/<id>`; path segments already encoded (see pathSegment). */
  readonly path: string;
  /** Parameters left undefined are not sent. */
  readonly query?: Readonly<Record<string, string | number | undefined>> | undefined;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly idempotencyKey?: string | undefined;
  /**
   * Safe to send again after a network failure, when the server may or may not have done it:
   * true for reads, and for writes the server deduplicates (an Idempotency-Key).
   */
  readonly idempotent: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** Statuses that say "not now": the server did nothing, so any request may be sent again. */
const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

type Attempt =
  | { readonly kind: 'answer'; readonly body: unknown }
  /** 429 or 503: retried. */
  | { readonly kind: 'busy'; readonly error: EmbedqError }
  /** No answer: retried when the request is idempotent. */
  | { readonly kind: 'network'; readonly error: EmbedqError }
  /** Any other error, or an answer that is not JSON: final. */
  | { readonly kind: 'final'; readonly error: EmbedqError };

/**
 * JSON over HTTP with the API's conventions: the bearer key, the error body, and retries of the
 * answers and failures that may be retried, waiting as Retry-After says or backing off.
 */
export class HttpTransport {
  constructor(
    private readonly options: ResolvedClientOptions,
    private readonly random: () => number = Math.random,
  ) {}

  async request<T>(request: HttpRequest): Promise<T> {
    const url = this.urlOf(request);
    const init = this.initOf(request);
    for (let retry = 0; ; retry++) {
      request.signal?.throwIfAborted();
      const attempt = await this.attempt(url, init, request.signal);
      if (attempt.kind === 'answer') return attempt.body as T;
      const retryable = attempt.kind === 'busy' || (attempt.kind === 'network' && request.idempotent);
      if (!retryable || retry >= this.options.maxRetries) throw attempt.error;
      await sleep(retryDelayMs(retry, attempt.error.retryAfter, this.random), request.signal);
    }
  }

  private async attempt(url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Attempt> {
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(url, init);
      text = await response.text();
    } catch (error) {
      // An abort is the caller's decision, not a failure: it rejects with the signal's reason.
      if (signal?.aborted) throw signal.reason;
      const reason = error instanceof Error ? error.message : String(error);
      return {
        kind: 'network',
        error: new EmbedqError({
          code: 'network_error',
          message: `${init.method} ${url}: ${reason}`,
          cause: error,
        }),
      };
    }
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    const body = parseJson(text);
    if (response.ok) {
      if (body.ok) return { kind: 'answer', body: body.value };
      return {
        kind: 'final',
        error: new EmbedqError({
          code: 'invalid_response',
          status: response.status,
          message: `${init.method} ${url}: the ${response.status} answer is not JSON`,
        }),
      };
    }
    const error = errorFromAnswer(
      response.status,
      response.statusText,
      body.ok ? body.value : undefined,
      retryAfter,
    );
    return { kind: RETRIED_STATUSES.has(response.status) ? 'busy' : 'final', error };
  }

  private urlOf(request: HttpRequest): string {
    // Relative to the base, whose path ends with `/`, so a prefix in it is kept.
    const url = new URL(request.path.replace(/^\//, ''), this.options.baseUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.href;
  }

  private initOf(request: HttpRequest): RequestInit {
    const headers = apiHeaders(this.options, 'application/json');
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    return {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    };
  }
}

/** The headers every request to the API carries: what it accepts, the bearer key, the User-Agent. */
export function apiHeaders(options: ResolvedClientOptions, accept: string): Record<string, string> {
  return { accept, authorization: `Bearer ${options.apiKey}`, 'user-agent': options.userAgent };
}

/**
 * A value as one segment of a URL path. `.` and `..` cannot be one (URLs resolve them away, even
 * percent-encoded), nor can an empty string: refused rather than sent to another route.
 */
export function pathSegment(value: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  if (value === '.' || value === '..') {
    throw new TypeError(`${what} '${value}' cannot be addressed in a URL path`);
  }
  return encodeURIComponent(value);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  // An empty body (a 2xx without content) is no value, not an error.
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
