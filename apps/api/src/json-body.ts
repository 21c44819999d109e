import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import { decodeInPlace, isDecodable, scanJsonBytes } from './json-long-strings.js';
import { readRequestBody } from './request-body.js';

/** Deepest nesting of objects and arrays a body may have; the deepest contract needs 4 levels. */
export const MAX_JSON_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * String values at least this long are decoded from the body's bytes rather than by JSON.parse:
 * a document's text, not the fields around it.
 */
export const LONG_STRING_BYTES = 65_536;

/**
 * JSON bodies: strict UTF-8 (invalid bytes are an error, not silently replaced with U+FFFD), at
 * most MAX_JSON_DEPTH levels, then Fastify's own parser (which refuses __proto__ and constructor
 * keys that could pollute prototypes). Long string values are decoded from the bytes and put back
 * into what the parser made of the rest (json-long-strings.ts), to hold a large document once.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const parseText = (request: FastifyRequest, text: string) =>
    new Promise<unknown>((resolve, reject) => {
      parseJson(request, text, (error, value) => (error ? reject(error) : resolve(value)));
    });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', async (request: FastifyRequest, payload: IncomingMessage) => {
    const body = await readRequestBody(request, payload);
    if (!isUtf8(body)) throw new ApiError('invalid_utf8');
    const scan = scanJsonBytes(body, LONG_STRING_BYTES, MAX_JSON_DEPTH);
    if (scan.depth > MAX_JSON_DEPTH) {
      throw new ApiError('nesting_too_deep', `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    const long = scan.longStrings.filter((string) => isDecodable(body, string));
    if (long.length === 0) return parseText(request, utf8.decode(body));
    // Each long string becomes a placeholder no client can guess; the rest is small.
    const marker = `${randomUUID()}:`;
    const parts: string[] = [];
    const values = new Map<string, string>();
    let from = 0;
    for (const [i, string] of long.entries()) {
      parts.push(utf8.decode(body.subarray(from, string.start)), marker, String(i));
      values.set(marker + i, decodeInPlace(body, string));
      from = string.end;
    }
    parts.push(utf8.decode(body.subarray(from)));
    return putBack(await parseText(request, parts.join('')), values);
  });
}

/** `value` with each placeholder string replaced by the string it stands for (in place). */
function putBack(value: unknown, values: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return values.get(value) ?? value;
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = putBack(record[key], values);
  return value;
}
