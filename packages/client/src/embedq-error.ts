import type { EmbedqErrorCode } from './error-codes.js';

export interface EmbedqErrorInit {
  readonly code: EmbedqErrorCode;
  readonly message: string;
  /** The HTTP status; undefined when no answer came (network_error, timeout). */
  readonly status?: number | undefined;
  /** Seconds, from the answer's Retry-After header. */
  readonly retryAfter?: number | undefined;
  readonly cause?: unknown;
}

/**
 * Every failure of a call, but an abort (which rejects with the signal's reason): an error answer
 * (`status` and the server's `code` and `message`), a network failure (`network_error`, the
 * failure as `cause`) or a waitForBatch timeout (`timeout`).
 */
export class EmbedqError extends Error {
  override readonly name = 'EmbedqError';
  readonly code: EmbedqErrorCode;
  readonly status: number | undefined;
  readonly retryAfter: number | undefined;

  constructor(init: EmbedqErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.retryAfter = init.retryAfter;
  }
}

/**
 * The EmbedqError of an error answer: the server's `{ "error": { "code", "message" } }` when the
 * body is that, else `http_<status>` and the status text.
 */
export function errorFromAnswer(
  status: number,
  statusText: string,
  body: unknown,
  retryAfter: number | undefined,
): EmbedqError {
  const described = serverError(body);
  return new EmbedqError({
    status,
    retryAfter,
    code: described?.code ?? `http_${status}`,
    message: described?.message ?? `HTTP ${status}${statusText === '' ? '' : ` ${statusText}`}`,
  });
}

function serverError(body: unknown): { code: string; message: string } | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = body.error;
  if (typeof error !== 'object' || error === null) return undefined;
  if (!('code' in error) || typeof error.code !== 'string' || error.code === '') return undefined;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : error.code;
  return { code: error.code, message };
}
