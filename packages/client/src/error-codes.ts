import type { ExpectNone, UnlistedValues } from './field-list.js';

/** The codes the server answers errors with, in `{ "error": { "code", "message" } }`. */
export type ServerErrorCode =
  | 'invalid_json'
  | 'invalid_utf8'
  | 'nesting_too_deep'
  | 'validation_failed'
  | 'too_many_chunks'
  | 'empty_text'
  | 'text_too_long'
  | 'nul_character'
  | 'invalid_unicode'
  | 'metadata_too_large'
  | 'invalid_chunking'
  | 'invalid_filter'
  | 'invalid_cursor'
  | 'too_many_inputs'
  | 'invalid_webhook_url'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'model_not_found'
  | 'model_mismatch'
  | 'unknown_identity'
  | 'unknown_namespace'
  | 'already_active'
  | 'reembedding_open'
  | 'no_reembedding'
  | 'identity_in_use'
  | 'idempotency_conflict'
  | 'no_chunks'
  | 'too_many_webhooks'
  | 'delivery_not_retryable'
  | 'payload_too_large'
  | 'document_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'service_unavailable'
  | 'internal';

export const SERVER_ERROR_CODES = [
  'invalid_json',
  'invalid_utf8',
  'nesting_too_deep',
  'validation_failed',
  'too_many_chunks',
  'empty_text',
  'text_too_long',
  'nul_character',
  'invalid_unicode',
  'metadata_too_large',
  'invalid_chunking',
  'invalid_filter',
  'invalid_cursor',
  'too_many_inputs',
  'invalid_webhook_url',
  'unauthorized',
  'forbidden',
  'not_found',
  'model_not_found',
  'model_mismatch',
  'unknown_identity',
  'unknown_namespace',
  'already_active',
  'reembedding_open',
  'no_reembedding',
  'identity_in_use',
  'idempotency_conflict',
  'no_chunks',
  'too_many_webhooks',
  'delivery_not_retryable',
  'payload_too_large',
  'document_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'service_unavailable',
  'internal',
] as const satisfies readonly ServerErrorCode[];
type _ServerErrorCodesListed = ExpectNone<UnlistedValues<ServerErrorCode, typeof SERVER_ERROR_CODES>>;

/**
 * Codes the client gives errors the server did not describe: the network failed, waitForBatch
 * ran out of time, a 2xx answer was not JSON, or an error answer had no `error.code`
 * (`http_<status>`).
 */
export type ClientErrorCode = 'network_error' | 'timeout' | 'invalid_response' | `http_${number}`;

/**
 * An error's code. A newer server may answer with a code this version does not list, so any
 * string can arrive; the known ones complete in editors and narrow in a `switch`.
 */
export type EmbedqErrorCode = ServerErrorCode | ClientErrorCode | (string & {});
