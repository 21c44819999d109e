import type { BatchKind, BatchStatus, ChunkStatus } from '@embedq/store';
import { WEBHOOK_EVENT_TYPES } from '@embedq/webhooks';
import { API_ERRORS, type ApiErrorCode } from './api-error.js';

/**
 * JSON schemas of every answer, in one place. They are contracts twice over: @fastify/swagger
 * documents them in /openapi.json (which typed clients are checked against), and Fastify
 * serialises answers with them (fast-json-stringify), which DROPS any property not declared here
 * and coerces values to the declared type. So every field a handler returns is declared, with
 * its exact type: `nullable: true` for values that can be null (OpenAPI 3.0's form, rendered as
 * it is; fast-json-stringify writes null for it), `number` for anything that may have a
 * fraction (`integer` would truncate it). test/pipeline/openapi.test.ts compares each served
 * answer with what its handler returned.
 */

// Every value of the store's unions, checked by the compiler both ways.
const BATCH_KINDS = Object.keys({ chunks: true, document: true } satisfies Record<BatchKind, true>);
const BATCH_STATUSES = Object.keys({
  queued: true,
  processing: true,
  completed: true,
  failed: true,
  replaced: true,
  deleted: true,
} satisfies Record<BatchStatus, true>);
const CHUNK_STATUSES = Object.keys({ pending: true, embedded: true, failed: true } satisfies Record<
  ChunkStatus,
  true
>);

const UUID = { type: 'string', format: 'uuid' } as const;
const COUNT = { type: 'integer', minimum: 0 } as const;
const NULLABLE_OFFSET = {
  type: 'integer',
  minimum: 0,
  nullable: true,
  description:
    'UTF-16 offset in the text the chunk was cut from (POST /v1/documents, or `truncation: "split"`); null for a chunk posted as it is.',
} as const;
const HEADING_PATH = {
  type: 'array',
  items: { type: 'string' },
  nullable: true,
  description:
    'Titles of the markdown headings the chunk sits under, outermost first; null when it was not cut from a document.',
} as const;
const METADATA = {
  type: 'object',
  additionalProperties: true,
  description: 'The metadata posted with the chunk (or its document), as it was posted.',
} as const;
const NAMESPACE = { type: 'string' } as const;

const RETRY_AFTER_HEADER = { type: 'integer', description: 'Seconds to wait before retrying.' } as const;

/** 202 of POST /v1/batches and POST /v1/documents: Location names the batch's progress. */
const ACCEPTED_HEADERS = {
  Location: { type: 'string', description: 'The batch: `/v1/batches/{batchId}`.' },
  'Idempotent-Replayed': {
    type: 'string',
    enum: ['true'],
    description: 'Sent when the Idempotency-Key was used before: this is the first answer again.',
  },
} as const;

export const BATCH_ACCEPTED_RESPONSE = {
  description:
    'Accepted: the chunks are stored and their jobs enqueued. Poll Location (GET /v1/batches/{batchId}) for progress.',
  headers: ACCEPTED_HEADERS,
  type: 'object',
  required: ['batchId', 'chunkCount', 'truncatedChunks'],
  properties: {
    batchId: UUID,
    chunkCount: { ...COUNT, description: 'Chunks stored: as posted, or more when `truncation` is `split`.' },
    truncatedChunks: {
      ...COUNT,
      description:
        "Chunks longer than the model's window of 254 word pieces, whose vectors stand for their first 254 (0 with `split`).",
    },
    splitChunks: {
      ...COUNT,
      description: 'Only with `truncation: "split"`: posted chunks longer than the window that were split.',
    },
  },
} as const;

export const DOCUMENT_ACCEPTED_RESPONSE = {
  description:
    'Accepted: the document is split, its chunks stored and their jobs enqueued. Poll Location (GET /v1/batches/{batchId}) for progress.',
  headers: ACCEPTED_HEADERS,
  type: 'object',
  required: ['batchId', 'chunkCount'],
  properties: {
    batchId: UUID,
    chunkCount: { ...COUNT, description: 'Chunks the document was split into.' },
  },
} as const;

export const BATCH_PROGRESS_RESPONSE = {
  description: "The batch's progress",
  type: 'object',
  required: [
    'batchId',
    'namespace',
    'documentId',
    'kind',
    'status',
    'total',
    'embedded',
    'failed',
    'pending',
    'reused',
    'truncatedChunks',
    'enqueuedAt',
    'completedAt',
    'chunksPerSec',
    'latencySeconds',
    'latencyHistogram',
    'errors',
  ],
  properties: {
    batchId: UUID,
    namespace: NAMESPACE,
    documentId: { type: 'string' },
    kind: {
      type: 'string',
      enum: BATCH_KINDS,
      description: '`chunks` (POST /v1/batches) or `document` (POST /v1/documents).',
    },
    status: {
      type: 'string',
      enum: BATCH_STATUSES,
      description:
        '`replaced`: a later post of the document replaced it; `deleted`: the document was deleted.',
    },
    total: { ...COUNT, description: 'Chunks in the batch.' },
    embedded: COUNT,
    failed: COUNT,
    pending: COUNT,
    reused: {
      ...COUNT,
      description: 'Embedded chunks whose vector was copied from a chunk with the same text, not inferred.',
    },
    truncatedChunks: {
      ...COUNT,
      description: "Chunks longer than the model's window: their vectors stand for their first word pieces.",
    },
    enqueuedAt: { type: 'string', format: 'date-time' },
    completedAt: {
      type: 'string',
      format: 'date-time',
      nullable: true,
      description: 'When the last chunk was embedded or failed; null while any is pending.',
    },
    chunksPerSec: {
      type: 'number',
      minimum: 0,
      description: 'Embedded chunks per second since enqueue (to completion, or to now while running).',
    },
    latencySeconds: {
      type: 'object',
      nullable: true,
      description:
        "Seconds from enqueue to each chunk's vector, over the embedded chunks; null before the first.",
      required: ['p50', 'p95', 'p99'],
      properties: {
        p50: { type: 'number' },
        p95: { type: 'number' },
        p99: { type: 'number' },
      },
    },
    latencyHistogram: {
      type: 'object',
      description:
        'Embedded chunks by latency: `counts[i]` took at most `bounds[i]` seconds (and more than the bound before); the last count is everything above the last bound.',
      required: ['bounds', 'counts'],
      properties: {
        bounds: { type: 'array', items: { type: 'number' } },
        counts: { type: 'array', items: COUNT },
      },
    },
    errors: {
      type: 'array',
      description: 'A few of the failure reasons, most common first.',
      items: {
        type: 'object',
        required: ['reason', 'chunks'],
        properties: { reason: { type: 'string' }, chunks: COUNT },
      },
    },
  },
} as const;

export const DOCUMENT_PAGE_RESPONSE = {
  description: "A page of the document's chunks, in index order",
  type: 'object',
  required: [
    'namespace',
    'documentId',
    'batchId',
    'kind',
    'contentType',
    'chunkCount',
    'chunks',
    'nextAfter',
  ],
  properties: {
    namespace: NAMESPACE,
    documentId: { type: 'string' },
    batchId: { ...UUID, description: "The batch that holds the document's chunks now (the last accepted)." },
    kind: { type: 'string', enum: BATCH_KINDS },
    contentType: {
      type: 'string',
      nullable: true,
      description: 'The content type it was split as; null for chunks posted to POST /v1/batches.',
    },
    chunkCount: { ...COUNT, description: 'Chunks in the whole document.' },
    chunks: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'index',
          'start',
          'end',
          'tokenCount',
          'headingPath',
          'status',
          'metadata',
          'text',
          'error',
        ],
        properties: {
          index: COUNT,
          start: NULLABLE_OFFSET,
          end: NULLABLE_OFFSET,
          tokenCount: {
            type: 'integer',
            minimum: 0,
            nullable: true,
            description: 'Word pieces of the text ([CLS]/[SEP] excluded, not truncated); null when unknown.',
          },
          headingPath: HEADING_PATH,
          status: { type: 'string', enum: CHUNK_STATUSES },
          metadata: METADATA,
          text: { type: 'string' },
          error: {
            type: 'string',
            nullable: true,
            description: 'Why embedding it failed; null unless it did.',
          },
        },
      },
    },
    nextAfter: {
      type: 'integer',
      nullable: true,
      description: 'The last index of this page when more chunks follow (send it as `after`), else null.',
    },
  },
} as const;

export const DOCUMENT_DELETED_RESPONSE = {
  description: "The document's chunks and vectors are deleted",
  type: 'object',
  required: ['documentId', 'namespace', 'deletedChunks'],
  properties: {
    documentId: { type: 'string' },
    namespace: NAMESPACE,
    deletedChunks: COUNT,
  },
} as const;

export const SEARCH_RESPONSE = {
  description: 'The best chunks for the query, best first',
  type: 'object',
  required: ['results', 'nextCursor'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'documentId',
          'chunkIndex',
          'score',
          'text',
          'metadata',
          'namespace',
          'start',
          'end',
          'headingPath',
          'vectorScore',
          'keywordRank',
          'fusedScore',
        ],
        properties: {
          documentId: { type: 'string' },
          chunkIndex: COUNT,
          score: {
            type: 'number',
            description:
              "The mode's score, to 6 decimals: `vectorScore` in vector mode, `keywordRank` in keyword mode.",
          },
          vectorScore: {
            type: 'number',
            description: 'Cosine similarity to the query (1 = same direction).',
          },
          keywordRank: {
            type: 'number',
            nullable: true,
            description: "ts_rank_cd of the chunk's words for the query's; null when they do not match.",
          },
          fusedScore: {
            type: 'number',
            nullable: true,
            description: 'Hybrid mode: the reciprocal-rank-fusion score; null in the other modes.',
          },
          text: { type: 'string' },
          metadata: METADATA,
          namespace: NAMESPACE,
          start: NULLABLE_OFFSET,
          end: NULLABLE_OFFSET,
          headingPath: HEADING_PATH,
        },
      },
    },
    nextCursor: {
      type: 'string',
      nullable: true,
      description:
        'Send as `cursor` with the same search for the next page; null when this page is the last (fewer than k hits, or offset 1,000 reached).',
    },
  },
} as const;

export const EMBEDDINGS_RESPONSE = {
  description: "OpenAI's embeddings answer, plus `truncated_inputs`",
  type: 'object',
  required: ['object', 'data', 'model', 'usage', 'truncated_inputs'],
  properties: {
    object: { type: 'string', enum: ['list'] },
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['object', 'index', 'embedding'],
        properties: {
          object: { type: 'string', enum: ['embedding'] },
          index: COUNT,
          embedding: {
            description:
              '384 numbers with `encoding_format: "float"`; with `"base64"`, their little-endian float32 bytes in base64.',
            anyOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string' }],
          },
        },
      },
    },
    model: { type: 'string' },
    usage: {
      type: 'object',
      required: ['prompt_tokens', 'total_tokens'],
      properties: { prompt_tokens: COUNT, total_tokens: COUNT },
    },
    truncated_inputs: {
      type: 'array',
      items: COUNT,
      description:
        "Not in OpenAI's answer: indexes of the inputs longer than the model's window, embedded from their first 254 word pieces.",
    },
  },
} as const;

export const HEALTH_RESPONSE = {
  description: 'The process answers',
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok'] } },
} as const;

function readiness(status: 'ready' | 'unavailable', description: string) {
  return {
    description,
    ...(status === 'unavailable' ? { headers: { 'Retry-After': RETRY_AFTER_HEADER } } : {}),
    type: 'object',
    required: ['status', 'checks'],
    properties: {
      status: { type: 'string', enum: [status] },
      checks: {
        type: 'object',
        description:
          '`ok`, `down: <error code or name>`, or `no answer within 2000 ms`, for each dependency.',
        required: ['redis', 'postgres', 'model'],
        properties: {
          redis: { type: 'string' },
          postgres: { type: 'string' },
          model: { type: 'string' },
        },
      },
    },
  } as const;
}

export const READY_RESPONSE = readiness('ready', 'Redis, Postgres and the model answer');
export const NOT_READY_RESPONSE = readiness(
  'unavailable',
  'A dependency does not answer (named in `checks`); the details are in the log',
);

/** Statuses an error answer can have. */
export type ErrorStatus = (typeof API_ERRORS)[ApiErrorCode]['status'];

const ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[];

/** Every error answer: `{ "error": { "code", "message" } }`. */
export const ERROR_RESPONSE = {
  description: 'An error; clients match on `error.code`, `error.message` is for people.',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: ERROR_CODES },
        message: { type: 'string' },
      },
    },
  },
} as const;

const ERROR_MEANINGS: Record<ErrorStatus, string> = {
  400: 'The request is not valid',
  401: 'No API key, or one that is not valid',
  403: 'The key may not do this (the admin key on /v1, or a namespace the key is not bound to)',
  404: 'Not found',
  409: "The namespace's vectors come from another model identity than the server's",
  413: 'Too large',
  415: 'Not JSON',
  422: 'Refused',
  429: 'Too many requests, or too many chunks waiting to be embedded; retry after Retry-After seconds',
  500: 'Internal error (the message says no more)',
  503: 'Redis or Postgres is unavailable; retry after Retry-After seconds',
};

const ERROR_HEADERS: Partial<Record<ErrorStatus, Record<string, object>>> = {
  401: { 'WWW-Authenticate': { type: 'string', description: '`Bearer`.' } },
  429: { 'Retry-After': RETRY_AFTER_HEADER },
  503: { 'Retry-After': RETRY_AFTER_HEADER },
};

/** ERROR_RESPONSE for one status: its codes are those of API_ERRORS with that status. */
function errorResponse(status: ErrorStatus) {
  const codes = ERROR_CODES.filter((code) => API_ERRORS[code].status === status);
  const headers = ERROR_HEADERS[status];
  return {
    ...ERROR_RESPONSE,
    description: `${ERROR_MEANINGS[status]}: \`error.code\` is ${codes.map((c) => `\`${c}\``).join(', ')}.`,
    ...(headers === undefined ? {} : { headers }),
    properties: {
      error: {
        ...ERROR_RESPONSE.properties.error,
        properties: { ...ERROR_RESPONSE.properties.error.properties, code: { type: 'string', enum: codes } },
      },
    },
  } as const;
}

/** The error answers of `statuses`, keyed by status, for a route's `schema.response`. */
export function errorResponses(...statuses: ErrorStatus[]): Record<number, ReturnType<typeof errorResponse>> {
  return Object.fromEntries(statuses.map((status) => [status, errorResponse(status)]));
}

/** Errors of every /v1 route: the schema, the key, the rate limit, a bug, Redis or Postgres away. */
export const V1_ERRORS = [400, 401, 403, 429, 500, 503] as const satisfies readonly ErrorStatus[];
/** Errors of a request with a body: too large, not JSON. */
export const BODY_ERRORS = [413, 415] as const satisfies readonly ErrorStatus[];

const TIMESTAMP = { type: 'string', format: 'date-time' } as const;
const NULLABLE_TIMESTAMP = { type: 'string', format: 'date-time', nullable: true } as const;

const WEBHOOK_PROPERTIES = {
  id: UUID,
  namespace: NAMESPACE,
  url: { type: 'string' },
  events: { type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] } },
  description: { type: 'string', nullable: true },
  enabled: { type: 'boolean', description: 'False once disabled after failing through every retry.' },
  createdAt: TIMESTAMP,
  lastSuccessAt: {
    ...NULLABLE_TIMESTAMP,
    description: 'The last delivery the endpoint answered with a 2xx.',
  },
  disabledAt: NULLABLE_TIMESTAMP,
  disabledReason: { type: 'string', nullable: true },
} as const;
const WEBHOOK_REQUIRED = [
  'id',
  'namespace',
  'url',
  'events',
  'description',
  'enabled',
  'createdAt',
  'lastSuccessAt',
  'disabledAt',
  'disabledReason',
];

export const WEBHOOK_RESPONSE = {
  description: 'The webhook (never its secret)',
  type: 'object',
  required: WEBHOOK_REQUIRED,
  properties: WEBHOOK_PROPERTIES,
} as const;

export const WEBHOOK_CREATED_RESPONSE = {
  description: 'Registered. `secret` signs every delivery and is shown only here.',
  headers: { Location: { type: 'string', description: 'The webhook: `/v1/webhooks/{id}`.' } },
  type: 'object',
  required: [...WEBHOOK_REQUIRED, 'secret'],
  properties: {
    ...WEBHOOK_PROPERTIES,
    secret: {
      type: 'string',
      description:
        '`whsec_` and a base64 key: verify `webhook-signature` with it (Standard Webhooks). Store it now: it is never shown again.',
    },
  },
} as const;

export const WEBHOOK_LIST_RESPONSE = {
  description: "The webhooks of the key's namespaces (or of the one asked for), oldest first",
  type: 'object',
  required: ['webhooks'],
  properties: { webhooks: { type: 'array', items: WEBHOOK_RESPONSE } },
} as const;

/** One delivery of a webhook: an event sent (or to be sent) to it. */
const WEBHOOK_DELIVERY = {
  type: 'object',
  required: [
    'id',
    'eventType',
    'status',
    'attempts',
    'createdAt',
    'nextAttemptAt',
    'lastAttemptAt',
    'lastStatusCode',
    'lastError',
    'deliveredAt',
    'attemptLog',
    'payload',
  ],
  properties: {
    id: { type: 'string', description: 'The `webhook-id` header, the same on every attempt.' },
    eventType: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] },
    status: {
      type: 'string',
      enum: ['pending', 'delivered', 'failed'],
      description: '`pending`: an attempt is due at `nextAttemptAt`; `failed`: every retry failed.',
    },
    attempts: COUNT,
    createdAt: TIMESTAMP,
    nextAttemptAt: NULLABLE_TIMESTAMP,
    lastAttemptAt: NULLABLE_TIMESTAMP,
    lastStatusCode: { type: 'integer', nullable: true },
    lastError: { type: 'string', nullable: true, description: 'Why the last attempt got no answer.' },
    deliveredAt: NULLABLE_TIMESTAMP,
    attemptLog: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'statusCode', 'error', 'ms'],
        properties: {
          at: TIMESTAMP,
          statusCode: { type: 'integer', nullable: true },
          error: { type: 'string', nullable: true },
          ms: COUNT,
        },
      },
    },
    payload: {
      type: 'object',
      additionalProperties: true,
      description: 'The body sent: `{ type, timestamp, data }`.',
    },
  },
} as const;

export const WEBHOOK_DELIVERIES_RESPONSE = {
  description: "The webhook's deliveries, newest first",
  type: 'object',
  required: ['deliveries'],
  properties: { deliveries: { type: 'array', items: WEBHOOK_DELIVERY } },
} as const;

export const WEBHOOK_DELIVERY_RETRIED_RESPONSE = {
  ...WEBHOOK_DELIVERY,
  description: 'Pending again: its next attempt is due now, with the same webhook-id and body',
} as const;

const REEMBEDDING = {
  type: 'object',
  required: ['id', 'namespace', 'from', 'to', 'fromIdentityId', 'toIdentityId', 'state'],
  properties: {
    id: { type: 'integer' },
    namespace: NAMESPACE,
    from: {
      type: 'string',
      description: 'The identity search used before: `model precision sha256-prefix`.',
    },
    to: { type: 'string', description: 'The identity being embedded with.' },
    fromIdentityId: { type: 'integer' },
    toIdentityId: { type: 'integer' },
    state: { type: 'string', enum: ['running', 'paused', 'switched', 'cancelled'] },
    keepSeconds: {
      type: 'integer',
      nullable: true,
      description: 'Seconds the old vectors are kept after the switch; null: until pruned.',
    },
    createdAt: TIMESTAMP,
    stateSince: TIMESTAMP,
    switchedAt: NULLABLE_TIMESTAMP,
    prunedAt: NULLABLE_TIMESTAMP,
    totalChunks: COUNT,
    doneChunks: COUNT,
    failedChunks: COUNT,
    countedAt: NULLABLE_TIMESTAMP,
    chunksPerSecond: { type: 'number', nullable: true },
    etaSeconds: { type: 'integer', nullable: true },
  },
} as const;

/** 202 of POST /admin/reembeddings, 200 of GET /admin/reembeddings. */
export const REEMBEDDINGS_RESPONSE = {
  type: 'object',
  required: ['reembeddings'],
  properties: { reembeddings: { type: 'array', items: REEMBEDDING } },
} as const;

/** 200 of POST /admin/reembeddings/{namespace}/{pause,resume,cancel}. */
export const REEMBEDDING_RESPONSE = {
  type: 'object',
  required: ['reembedding'],
  properties: { reembedding: REEMBEDDING },
} as const;

/** 200 of GET /admin/models. */
export const MODELS_RESPONSE = {
  type: 'object',
  required: ['identities', 'reembeddings'],
  properties: {
    identities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'model', 'precision', 'graphSha256', 'namespaces'],
        properties: {
          id: { type: 'integer' },
          model: { type: 'string' },
          precision: { type: 'string' },
          graphSha256: { type: 'string', nullable: true },
          createdAt: TIMESTAMP,
          namespaces: {
            type: 'array',
            items: {
              type: 'object',
              required: ['namespace', 'vectors', 'failed', 'active'],
              properties: {
                namespace: NAMESPACE,
                vectors: COUNT,
                failed: COUNT,
                active: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
    reembeddings: { type: 'array', items: REEMBEDDING },
  },
} as const;

/** 200 of POST /admin/models/{identity}/prune. */
export const PRUNE_RESPONSE = {
  type: 'object',
  required: ['deleted', 'namespaces'],
  properties: { deleted: COUNT, namespaces: { type: 'array', items: NAMESPACE } },
} as const;
