import { createHash } from 'node:crypto';
import { ApiError } from './api-error.js';

/** The deepest page a search reaches: `offset` (or a cursor's) is at most this. */
export const MAX_SEARCH_OFFSET = 1_000;

/**
 * A search cursor: where the next page starts and a fingerprint of the search it belongs to, as
 * base64url JSON. Not secret and not signed: a client that edits one only gets another page of
 * its own search. The fingerprint keeps a cursor from paging a different search.
 */
interface CursorBody {
  readonly o: number;
  readonly f: string;
}

/** Everything that decides a search's ranking, in a fixed order. */
export function searchFingerprint(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

export function encodeSearchCursor(nextOffset: number, fingerprint: string): string {
  const body: CursorBody = { o: nextOffset, f: fingerprint };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The offset a cursor resumes at; a 400 invalid_cursor for one that is malformed or another search's. */
export function decodeSearchCursor(cursor: string, fingerprint: string): number {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new ApiError('invalid_cursor', 'body.cursor is not a cursor this API returned');
  }
  const offset = body?.o;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > MAX_SEARCH_OFFSET) {
    throw new ApiError('invalid_cursor', 'body.cursor is not a cursor this API returned');
  }
  if (body.f !== fingerprint) {
    throw new ApiError(
      'invalid_cursor',
      'body.cursor belongs to another search: send the same query, namespace, mode, k, filter and options with it',
    );
  }
  return offset;
}
