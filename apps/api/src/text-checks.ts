import { ApiError } from './api-error.js';

// With the u flag, a surrogate pair is one code point, so only a lone surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * What JSON schema cannot say about strings: Postgres text and jsonb cannot hold NUL, and a lone
 * surrogate cannot be stored as UTF-8.
 */
export function checkString(value: string, where: string): void {
  if (value.includes('\u0000')) throw new ApiError('nul_character', `${where} contains a NUL character`);
  if (LONE_SURROGATE.test(value)) throw new ApiError('invalid_unicode', `${where} contains a lone surrogate`);
}

/** Metadata must serialise to at most `maxBytes` of UTF-8 and hold no NUL or lone surrogate. */
export function checkMetadata(metadata: unknown, maxBytes: number, where: string): void {
  const json = JSON.stringify(metadata);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes) {
    throw new ApiError('metadata_too_large', `${where} is ${bytes} bytes as JSON; the limit is ${maxBytes}`);
  }
  // JSON.stringify escapes NUL as \u0000 and lone surrogates as \udXXX.
  if (json.includes('\\u0000')) throw new ApiError('nul_character', `${where} contains a NUL character`);
  if (/\\ud[89a-f][0-9a-f]{2}/i.test(json)) {
    throw new ApiError('invalid_unicode', `${where} contains a lone surrogate`);
  }
}
