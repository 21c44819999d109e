import { CHUNKING_LIMITS, CONTENT_TYPES } from '@embedq/chunking';
import type { ApiLimits } from '@embedq/config';
import { MAX_SEARCH_OFFSET } from './search-cursor.js';

/** JSON schemas of the REST contracts; Fastify validates with them and @fastify/swagger documents them. */

export const NAMESPACE_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
  description: "Scopes documents; default: the API key's only namespace, else 'default'.",
} as const;

/** Not `.` or `..`: URLs resolve those away, so GET and DELETE /v1/documents/:id could never reach them. */
export const DOCUMENT_ID_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 512,
  not: { enum: ['.', '..'] },
} as const;

/** What to do with a text longer than the model's window (254 word pieces). */
export type TruncationMode = 'truncate' | 'error' | 'split';

function truncationSchema(modes: readonly TruncationMode[]) {
  return {
    type: 'string',
    enum: modes,
    default: 'truncate',
    description:
      "A text longer than the model's window of 254 word pieces: `truncate` embeds its first 254 and counts it, `error` refuses the request (422 text_too_long, naming the texts)" +
      (modes.includes('split') ? ', `split` splits it like a plain-text document.' : '.'),
  } as const;
}

export function postBatchBody(limits: ApiLimits) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['documentId', 'chunks'],
    properties: {
      namespace: NAMESPACE_SCHEMA,
      documentId: DOCUMENT_ID_SCHEMA,
      truncation: truncationSchema(['truncate', 'error', 'split']),
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

export function postDocumentBody(limits: ApiLimits) {
  const { minMaxTokens, maxMaxTokens, defaultMaxTokens, defaultOverlapTokens } = CHUNKING_LIMITS;
  return {
    type: 'object',
    additionalProperties: false,
    required: ['documentId', 'text'],
    properties: {
      namespace: NAMESPACE_SCHEMA,
      documentId: DOCUMENT_ID_SCHEMA,
      text: {
        type: 'string',
        minLength: 1,
        description: `The whole document, at most ${limits.maxDocumentBytes} bytes of UTF-8.`,
      },
      metadata: {
        type: 'object',
        description: `Copied onto every chunk; at most ${limits.maxMetadataBytes} bytes as JSON.`,
      },
      contentType: { type: 'string', enum: CONTENT_TYPES, default: 'text/plain' },
      chunking: {
        type: 'object',
        additionalProperties: false,
        properties: {
          maxTokens: {
            type: 'integer',
            minimum: minMaxTokens,
            maximum: maxMaxTokens,
            default: defaultMaxTokens,
            description: 'Most word pieces in one chunk, [CLS] and [SEP] not counted.',
          },
          overlapTokens: {
            type: 'integer',
            minimum: 0,
            maximum: Math.floor(maxMaxTokens / 2),
            default: defaultOverlapTokens,
            description:
              "Word pieces of the previous chunk's end that a chunk begins with; at most half of maxTokens.",
          },
        },
      },
    },
  } as const;
}

/** GET /v1/documents/:id: numbers arrive as strings (types are not coerced), so they are patterns. */
export const DOCUMENT_PAGE_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    namespace: NAMESPACE_SCHEMA,
    limit: {
      type: 'string',
      pattern: '^[0-9]{1,4}$',
      description: 'Chunks per page, 1 to 1000; default 100.',
    },
    after: {
      type: 'string',
      pattern: '^[0-9]{1,9}$',
      description: "The previous page's nextAfter: this page starts after that chunk index.",
    },
  },
} as const;

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
      offset: {
        type: 'integer',
        minimum: 0,
        maximum: MAX_SEARCH_OFFSET,
        default: 0,
        description:
          "Hits to skip: the next page is offset + k. Or send the previous answer's `nextCursor` as `cursor`.",
      },
      cursor: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
        description:
          "The previous page's `nextCursor`, with the same search otherwise: the next page. Not with `offset`.",
      },
      minScore: {
        type: 'number',
        description: "Drop hits whose score (the mode's: cosine, keyword rank or fused) is below this.",
      },
      mode: {
        type: 'string',
        enum: ['vector', 'keyword', 'hybrid'],
        default: 'vector',
        description:
          '`vector`: nearest by cosine similarity. `keyword`: PostgreSQL full-text search of the query (websearch syntax: "quoted phrases", -exclusions, or), best ts_rank_cd first. `hybrid`: both, fused by reciprocal rank.',
      },
      fusion: {
        type: 'object',
        additionalProperties: false,
        description:
          'Hybrid mode: score = vectorWeight / (k + vector rank) + keywordWeight / (k + keyword rank).',
        properties: {
          k: { type: 'number', minimum: 1, maximum: 10_000, default: 60 },
          vectorWeight: { type: 'number', minimum: 0, maximum: 1_000, default: 1 },
          keywordWeight: { type: 'number', minimum: 0, maximum: 1_000, default: 1 },
        },
      },
      exact: {
        type: 'boolean',
        default: false,
        description:
          'Rank by cosine similarity over every chunk that passes (a sequential scan) instead of the HNSW index: the true nearest, slower on large namespaces. For measuring recall.',
      },
      namespace: NAMESPACE_SCHEMA,
      documentId: DOCUMENT_ID_SCHEMA,
      filter: {
        type: 'object',
        description:
          'Mongo-like conditions over metadata keys (dots reach nested objects) and the fields documentId, chunkIndex, start, end, headingPath: `{ "year": { "$gte": 2023 }, "lab": { "$in": ["b", "c"] } }`. Operators $eq, $ne, $in, $nin, $gt, $gte, $lt, $lte, $exists, $and, $or; a plain value means $eq. At most 16 KB, 8 levels, 1,000 values per $in.',
      },
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
      truncation: truncationSchema(['truncate', 'error']),
    },
  } as const;
}
