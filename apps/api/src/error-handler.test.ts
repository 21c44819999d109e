import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { isDependencyDown } from './dependency-errors.js';
import { toApiError } from './error-handler.js';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('toApiError', () => {
  it('keeps ApiErrors as they are', () => {
    const error = new ApiError('text_too_long', 'body.chunks.0.text is too long');
    expect(toApiError(error)).toBe(error);
  });

  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['postgres shutting down', withCode('terminating connection due to administrator command', '57P01')],
    ['postgres connection failure', withCode('connection failure', '08006')],
    ['a closed Redis connection', new Error('Connection is closed.')],
    ['a wrapped cause', new Error('enqueue failed', { cause: withCode('reset', 'ECONNRESET') })],
  ])('answers 503 with Retry-After for %s', (_name, error) => {
    const apiError = toApiError(error);
    expect(apiError.code).toBe('service_unavailable');
    expect(apiError.status).toBe(503);
    expect(apiError.retryAfter).toBeGreaterThan(0);
  });

  it('answers 500 without details for anything else', () => {
    const apiError = toApiError(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(apiError.code).toBe('internal');
    expect(apiError.message).toBe('internal error');
  });

  it('maps Fastify body errors to stable codes', () => {
    expect(toApiError(withCode('too large', 'FST_ERR_CTP_BODY_TOO_LARGE')).code).toBe('payload_too_large');
    expect(toApiError(withCode('bad type', 'FST_ERR_CTP_INVALID_MEDIA_TYPE')).code).toBe(
      'unsupported_media_type',
    );
    expect(toApiError(new SyntaxError('Unexpected end of JSON input')).code).toBe('invalid_json');
  });

  it('names the offending field of a schema violation', () => {
    const error = Object.assign(new Error('validation'), {
      validation: [{ keyword: 'maxLength', instancePath: '/chunks/3/text', params: { limit: 8000 } }],
      validationContext: 'body',
    });
    expect(toApiError(error)).toMatchObject({
      code: 'text_too_long',
      message: 'body.chunks.3.text is longer than 8000 characters',
    });
  });
});

describe('isDependencyDown', () => {
  it('is false for ordinary errors and SQL mistakes', () => {
    expect(isDependencyDown(new Error('boom'))).toBe(false);
    expect(isDependencyDown(withCode('syntax error at or near', '42601'))).toBe(false);
    expect(isDependencyDown(undefined)).toBe(false);
  });
});
