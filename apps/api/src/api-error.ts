/**
 * Every error the API answers with, by stable code. Clients match on `code`; `message` is for
 * people. Bodies are always `{ "error": { "code", "message" } }`.
 */
export const API_ERRORS = {
  invalid_json: { status: 400, message: 'the request body is not valid JSON' },
  invalid_utf8: { status: 400, message: 'the request body is not valid UTF-8' },
  nesting_too_deep: { status: 400, message: 'the request body nests too deeply' },
  validation_failed: { status: 400, message: 'the request does not match the schema' },
  too_many_chunks: { status: 400, message: 'too many chunks in one request' },
  empty_text: { status: 400, message: 'a text is empty' },
  text_too_long: { status: 422, message: 'a text is longer than the model reads' },
  nul_character: { status: 400, message: 'a string contains a NUL character' },
  invalid_unicode: { status: 400, message: 'a string contains a lone surrogate (invalid UTF-16)' },
  metadata_too_large: { status: 400, message: 'metadata is too large' },
  invalid_chunking: { status: 400, message: 'the chunking options are not valid' },
  invalid_filter: { status: 400, message: 'the search filter is not valid' },
  invalid_cursor: { status: 400, message: 'the search cursor is not valid' },
  too_many_inputs: { status: 400, message: 'too many inputs' },
  invalid_webhook_url: { status: 400, message: 'the webhook URL is not allowed' },
  unauthorized: { status: 401, message: 'missing or invalid API key' },
  forbidden: { status: 403, message: 'this key may not do that' },
  not_found: { status: 404, message: 'not found' },
  model_not_found: { status: 404, message: 'unknown model' },
  model_mismatch: {
    status: 409,
    message: "the namespace's vectors come from another model than the one this server embeds queries with",
  },
  unknown_identity: { status: 404, message: 'no such model identity' },
  unknown_namespace: { status: 404, message: 'no such namespace' },
  already_active: { status: 409, message: 'the namespace already uses that model identity' },
  reembedding_open: { status: 409, message: 'the namespace has a re-embedding open' },
  no_reembedding: { status: 409, message: 'the namespace has no re-embedding in that state' },
  identity_in_use: { status: 409, message: 'the model identity is active or being re-embedded to' },
  idempotency_conflict: { status: 422, message: 'the Idempotency-Key was used for a different request' },
  no_chunks: { status: 422, message: 'the document holds no text the model reads' },
  too_many_webhooks: { status: 422, message: 'the namespace has as many webhooks as it may' },
  delivery_not_retryable: {
    status: 422,
    message: 'only a failed delivery of an enabled webhook can be sent again',
  },
  payload_too_large: { status: 413, message: 'the request body is too large' },
  document_too_large: { status: 413, message: 'the document is too large' },
  unsupported_media_type: { status: 415, message: 'send JSON with Content-Type: application/json' },
  too_many_requests: { status: 429, message: 'too many requests; retry later' },
  service_unavailable: { status: 503, message: 'a dependency is unavailable; retry later' },
  internal: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  /** Seconds, sent as Retry-After (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(code: ApiErrorCode, message?: string, options?: { cause?: unknown; retryAfter?: number }) {
    super(message ?? API_ERRORS[code].message, options?.cause === undefined ? {} : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = API_ERRORS[code].status;
    this.retryAfter = options?.retryAfter;
  }
}

export interface ErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string };
}

export function errorBody(error: ApiError): ErrorBody {
  return { error: { code: error.code, message: error.message } };
}
