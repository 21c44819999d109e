import type { ApiLimits } from '@embedq/config';

/** JSON schemas of the REST contracts; Fastify validates with them and @fastify/swagger documents them. */

export const NAMESPACE_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
  description: "Scopes documents; default: the API key's only namespace, else 'default'.",
} as const;

export const DOCUMENT_ID_SCHEMA = { type: 'string', minLength: 1, maxLength: 512 } as const;

export function postBatchBody(limits: ApiLimits) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['documentId', 'chunks'],
    properties: {
      namespace: NAMESPACE_SCHEMA,
      documentId: DOCUMENT_ID_SCHEMA,
      chunks: {
        type: 'array',
        minItems: 1,
        maxItems: limits.maxChunksPerRequest,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['text'],
          properties: {
            text: { type: 'string', minLength: 1, maxLength: limits.maxTextLength },
            metadata: { type: 'object', description: `At most ${limits.maxMetadataBytes} bytes as JSON.` },
          },
        },
      },
    },
  } as const;
}

export const BATCH_ID_PARAMS = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

export function searchBody(limits: ApiLimits) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['query'],
    properties: {
      query: { type: 'string', minLength: 1, maxLength: limits.maxTextLength },
      k: { type: 'integer', minimum: 1, maximum: limits.maxSearchK, default: 10 },
      namespace: NAMESPACE_SCHEMA,
      documentId: DOCUMENT_ID_SCHEMA,
    },
  } as const;
}

export function embeddingsBody(limits: ApiLimits) {
  // Lengths and counts are checked by the route, which can name the offending input.
  return {
    type: 'object',
    additionalProperties: false,
    required: ['input', 'model'],
    properties: {
      input: {
        description: `A string or up to ${limits.maxEmbeddingInputs} strings of 1 to ${limits.maxTextLength} characters.`,
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      },
      model: { type: 'string', minLength: 1, maxLength: 256 },
      encoding_format: { type: 'string', enum: ['float', 'base64'], default: 'float' },
      dimensions: { type: 'integer', enum: [384] },
      user: { type: 'string', maxLength: 256 },
    },
  } as const;
}
