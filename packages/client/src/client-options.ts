import type { Fetch } from './http-transport.js';

/** This package's version, sent in the default User-Agent. */
export const CLIENT_VERSION = '0.1.0';

export const DEFAULT_MAX_RETRIES = 5;

export interface EmbedqClientOptions {
  /** Where the API listens: an absolute http(s) URL, e.g. `https://embedq.example.com`; a path prefix is kept. */
  readonly baseUrl: string | URL;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  readonly apiKey: string;
  /** Default: the global fetch (looked up at each call). */
  readonly fetch?: Fetch | undefined;
  /** Retries of a 429, a 503 or (for idempotent calls) a network failure; default 5, 0 for none. */
  readonly maxRetries?: number | undefined;
  /** Default `embedq-client/<version>`. */
  readonly userAgent?: string | undefined;
  /**
   * waitForBatch follows the server's event stream of the batch (default true); false: it polls
   * GET /v1/batches/:id, as it does anyway where streams cannot be had.
   */
  readonly eventStreams?: boolean | undefined;
}

export interface ResolvedClientOptions {
  /** Ends with `/`, so API paths resolve under any prefix it has. */
  readonly baseUrl: URL;
  readonly apiKey: string;
  readonly fetch: Fetch;
  readonly maxRetries: number;
  readonly userAgent: string;
  readonly eventStreams: boolean;
}

/** The options with their defaults; throws a TypeError or RangeError naming the option that is wrong. */
export function resolveClientOptions(options: EmbedqClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('EmbedqClient needs options: { baseUrl, apiKey }');
  }
  const { apiKey, maxRetries = DEFAULT_MAX_RETRIES, userAgent = `embedq-client/${CLIENT_VERSION}` } = options;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new TypeError('EmbedqClient: apiKey must be a non-empty string');
  }
  // Found here rather than by fetch, which would refuse every request with a less clear error.
  if (/[^\x20-\x7e]/.test(apiKey)) {
    throw new TypeError('EmbedqClient: apiKey must be printable ASCII (it is sent in a header)');
  }
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`EmbedqClient: maxRetries must be an integer >= 0, got ${String(maxRetries)}`);
  }
  if (typeof userAgent !== 'string' || userAgent === '') {
    throw new TypeError('EmbedqClient: userAgent must be a non-empty string');
  }
  const { eventStreams = true } = options;
  if (typeof eventStreams !== 'boolean') throw new TypeError('EmbedqClient: eventStreams must be a boolean');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError('EmbedqClient: fetch must be a function');
  }
  // Looked up at each call, not bound now: a fetch installed or replaced later is the one used.
  const fetch: Fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  return { baseUrl: parseBaseUrl(options.baseUrl), apiKey, fetch, maxRetries, userAgent, eventStreams };
}

function parseBaseUrl(baseUrl: unknown): URL {
  if (typeof baseUrl !== 'string' && !(baseUrl instanceof URL)) {
    throw new TypeError('EmbedqClient: baseUrl must be a string or a URL');
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`EmbedqClient: baseUrl must be an absolute http(s) URL, got '${String(baseUrl)}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`EmbedqClient: baseUrl must be an http(s) URL, got '${url.protocol}'`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError('EmbedqClient: baseUrl must not have a query or a fragment');
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError('EmbedqClient: baseUrl must not hold credentials; pass apiKey');
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}
