import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errorBody } from './api-error.js';
import { isDependencyDown } from './dependency-errors.js';

/** Seconds a client should wait before retrying when Redis or Postgres is away. */
const RETRY_AFTER_SECONDS = 5;

/** Turns any error into the API's `{ error: { code, message } }` shape with a fitting status. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(e.validation)) return fromValidation(e.validation, e.validationContext ?? 'body');
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('invalid_json', 'the request body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('validation_failed', 'Content-Length does not match the body');
  }
  if (error instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new ApiError('invalid_json');
  }
  if (isDependencyDown(error)) {
    return new ApiError('service_unavailable', undefined, { cause: error, retryAfter: RETRY_AFTER_SECONDS });
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError('validation_failed', e.message ?? undefined);
  }
  return new ApiError('internal', undefined, { cause: error });
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** The first schema violation, with a specific code where one exists. */
function fromValidation(issues: ValidationIssue[], context: string): ApiError {
  const issue = issues[0];
  if (issue === undefined) return new ApiError('validation_failed');
  const where = `${context}${issue.instancePath.replaceAll('/', '.')}`;
  const limit = issue.params?.limit;
  if (/^\/chunks$/.test(issue.instancePath) && issue.keyword === 'maxItems') {
    return new ApiError('too_many_chunks', `${where} has more than ${limit} chunks`);
  }
  if (/^\/input$/.test(issue.instancePath) && issue.keyword === 'maxItems') {
    return new ApiError('too_many_inputs', `${where} has more than ${limit} inputs`);
  }
  if (/\/(text|query|input(\/\d+)?)$/.test(issue.instancePath)) {
    if (issue.keyword === 'maxLength') {
      return new ApiError('text_too_long', `${where} is longer than ${limit} characters`);
    }
    if (issue.keyword === 'minLength') return new ApiError('empty_text', `${where} is empty`);
  }
  if (issue.keyword === 'additionalProperties') {
    return new ApiError(
      'validation_failed',
      `${where} has an unknown field '${issue.params?.additionalProperty}'`,
    );
  }
  return new ApiError('validation_failed', `${where} ${issue.message ?? 'is invalid'}`);
}

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error);
  if (apiError.status >= 500) {
    request.log.error({ err: apiError.cause ?? error, code: apiError.code }, 'request failed');
  }
  if (apiError.retryAfter !== undefined) void reply.header('Retry-After', String(apiError.retryAfter));
  return reply.status(apiError.status).send(errorBody(apiError));
}
