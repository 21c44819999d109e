import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';

/** Deepest nesting of objects and arrays a body may have; the deepest contract needs 4 levels. */
export const MAX_JSON_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * How deep `json` nests objects and arrays, stopping early past `limit`. A scan rather than a
 * walk of the parsed value: what must be refused is refused before JSON.parse builds it, and
 * nothing later (schema validation, JSON.stringify of metadata) recurses deeper than the limit.
 */
export function nestingDepth(json: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/**
 * JSON bodies: strict UTF-8 (invalid bytes are an error, not silently replaced with U+FFFD), at
 * most MAX_JSON_DEPTH levels, then Fastify's own parser (which refuses __proto__ and constructor
 * keys that could pollute prototypes).
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new ApiError('invalid_utf8'), undefined);
      return;
    }
    if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      done(
        new ApiError('nesting_too_deep', `the body nests deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
      return;
    }
    parseJson(request, text, done);
  });
}
