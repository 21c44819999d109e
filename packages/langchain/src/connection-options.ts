import { EmbedqClient, type EmbedqClientOptions } from '@embedq/client';

/**
 * Where the embedq API is: `{ baseUrl, apiKey }` (and any other EmbedqClient option), or a client
 * the application already has, so one client's retries and settings serve everything.
 */
export type EmbedqConnectionOptions =
  | (EmbedqClientOptions & { readonly client?: undefined })
  | { readonly client: EmbedqClient; readonly baseUrl?: undefined; readonly apiKey?: undefined };

/**
 * The client the options name, or a new one; throws a TypeError naming the option that is wrong
 * (the client checks baseUrl and apiKey), so a misconfigured app fails at start, not at its first query.
 */
export function clientOf(options: EmbedqConnectionOptions, owner: string): EmbedqClient {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${owner} needs options: { baseUrl, apiKey } or { client }`);
  }
  if (options.client === undefined) return new EmbedqClient(options);
  if (options.baseUrl !== undefined || options.apiKey !== undefined) {
    throw new TypeError(`${owner}: pass either client or baseUrl and apiKey, not both`);
  }
  // Duck-typed: an app may hold a client from another copy of @embedq/client, where instanceof fails.
  if (typeof options.client !== 'object' || typeof options.client.search !== 'function') {
    throw new TypeError(`${owner}: client must be an EmbedqClient`);
  }
  return options.client;
}

/** The namespace option: undefined (the API key's only namespace, else `default`) or a non-empty string. */
export function namespaceOf(namespace: unknown, owner: string): string | undefined {
  if (namespace === undefined) return undefined;
  if (typeof namespace !== 'string' || namespace === '') {
    throw new TypeError(`${owner}: namespace must be a non-empty string`);
  }
  return namespace;
}
