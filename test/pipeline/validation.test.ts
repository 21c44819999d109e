import { createEmbedder, type Embedder } from '@embedq/embedder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline, TEST_API_KEY } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';

const services = await servicesOrSkip('request validation');

// Small limits, so every one of them is cheap to cross.
const LIMITS = {
  MAX_CHUNKS_PER_REQUEST: '5',
  MAX_TEXT_LENGTH: '50',
  MAX_METADATA_BYTES: '64',
  BODY_LIMIT_BYTES: '4096',
  MAX_EMBEDDING_INPUTS: '3',
  MAX_SEARCH_K: '20',
  MAX_DOCUMENT_BYTES: '200',
};

/** A body of text and raw bytes, for encodings JSON.stringify cannot produce. */
const utf8Body = (before: string, bytes: number[], after: string): Buffer =>
  Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);

const AUTH = { authorization: `Bearer ${TEST_API_KEY}` };
const chunk = (text: string, metadata?: unknown) => (metadata === undefined ? { text } : { text, metadata });
const batch = (chunks: unknown, extra: Record<string, unknown> = {}) => ({
  documentId: 'doc',
  chunks,
  ...extra,
});

interface Case {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  /** An object is sent as JSON; a string or Buffer is sent as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
}

const doc = (extra: Record<string, unknown> = {}) => ({
  documentId: 'doc',
  text: 'A short document.',
  ...extra,
});

const CASES: Case[] = [
  {
    name: 'batch: the documentId ..',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('a')], { documentId: '..' }),
    status: 400,
    code: 'validation_failed',
  },
  // POST /v1/documents
  ...(
    [
      ['empty text', doc({ text: '' }), 400, 'empty_text'],
      ['whitespace-only text', doc({ text: ' \n\t\u00a0 ' }), 400, 'empty_text'],
      ['text over MAX_DOCUMENT_BYTES', doc({ text: 'é'.repeat(101) }), 413, 'document_too_large'],
      ['NUL in the text', doc({ text: 'a\u0000b' }), 400, 'nul_character'],
      ['text that yields no chunk', doc({ text: '\u200b\u200b' }), 422, 'no_chunks'],
      ['maxTokens below the range', doc({ chunking: { maxTokens: 15 } }), 400, 'validation_failed'],
      ['maxTokens above the window', doc({ chunking: { maxTokens: 255 } }), 400, 'validation_failed'],
      ['maxTokens not an integer', doc({ chunking: { maxTokens: 64.5 } }), 400, 'validation_failed'],
      ['maxTokens a string', doc({ chunking: { maxTokens: '64' } }), 400, 'validation_failed'],
      [
        'overlap past half of maxTokens',
        doc({ chunking: { maxTokens: 64, overlapTokens: 33 } }),
        400,
        'invalid_chunking',
      ],
      [
        'overlap >= maxTokens',
        doc({ chunking: { maxTokens: 64, overlapTokens: 64 } }),
        400,
        'invalid_chunking',
      ],
      ['negative overlap', doc({ chunking: { overlapTokens: -1 } }), 400, 'validation_failed'],
      ['an unknown chunking option', doc({ chunking: { separators: ['\n'] } }), 400, 'validation_failed'],
      ['an unknown content type', doc({ contentType: 'text/html' }), 400, 'validation_failed'],
      ['metadata over its limit', doc({ metadata: { note: 'n'.repeat(80) } }), 400, 'metadata_too_large'],
      ['metadata not an object', doc({ metadata: 'x' }), 400, 'validation_failed'],
      ['no text', { documentId: 'doc' }, 400, 'validation_failed'],
      ['the documentId .', doc({ documentId: '.' }), 400, 'validation_failed'],
      ['the documentId .. (no URL can address it)', doc({ documentId: '..' }), 400, 'validation_failed'],
    ] as const
  ).map(([name, body, status, code]) => ({
    name: `document: ${name}`,
    method: 'POST' as const,
    url: '/v1/documents',
    body,
    status,
    code,
  })),
  {
    name: 'document: lone surrogate in the text',
    method: 'POST',
    url: '/v1/documents',
    body: '{"documentId":"d","text":"a\\udc00b"}',
    status: 400,
    code: 'invalid_unicode',
  },
  {
    name: 'document: invalid UTF-8',
    method: 'POST',
    url: '/v1/documents',
    body: utf8Body('{"documentId":"d","text":"a', [0xc3, 0x28], '"}'),
    status: 400,
    code: 'invalid_utf8',
  },
  {
    name: 'batch: an unknown truncation mode',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x')], { truncation: 'cut' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'document page: limit out of range',
    method: 'GET',
    url: '/v1/documents/doc?limit=1001',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'document page: after not a number',
    method: 'GET',
    url: '/v1/documents/doc?after=x',
    status: 400,
    code: 'validation_failed',
  },
  // POST /v1/batches
  {
    name: 'more chunks than allowed',
    method: 'POST',
    url: '/v1/batches',
    body: batch(Array(6).fill(chunk('x'))),
    status: 400,
    code: 'too_many_chunks',
  },
  {
    name: 'no chunks',
    method: 'POST',
    url: '/v1/batches',
    body: batch([]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'chunks not an array',
    method: 'POST',
    url: '/v1/batches',
    body: batch({ text: 'x' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'empty text',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('')]),
    status: 400,
    code: 'empty_text',
  },
  {
    name: 'text too long',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('a'.repeat(51))]),
    status: 422,
    code: 'text_too_long',
  },
  {
    name: 'text not a string',
    method: 'POST',
    url: '/v1/batches',
    body: batch([{ text: 42 }]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'NUL in a text',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('a\u0000b')]),
    status: 400,
    code: 'nul_character',
  },
  {
    name: 'NUL in the document id',
    method: 'POST',
    url: '/v1/batches',
    body: { documentId: 'd\u0000', chunks: [chunk('x')] },
    status: 400,
    code: 'nul_character',
  },
  {
    name: 'lone surrogate in a text',
    method: 'POST',
    url: '/v1/batches',
    body: '{"documentId":"d","chunks":[{"text":"a\\ud800b"}]}',
    status: 400,
    code: 'invalid_unicode',
  },
  {
    name: 'metadata not an object',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x', [1, 2])]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'metadata too large',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x', { note: 'n'.repeat(80) })]),
    status: 400,
    code: 'metadata_too_large',
  },
  {
    name: 'NUL inside metadata',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x', { a: { b: 'c\u0000' } })]),
    status: 400,
    code: 'nul_character',
  },
  {
    name: 'body over the size limit',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x', { pad: 'p'.repeat(5000) })]),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    url: '/v1/batches',
    body: '{"documentId": "d", "chunks": [',
    status: 400,
    code: 'invalid_json',
  },
  { name: 'empty body', method: 'POST', url: '/v1/batches', body: '', status: 400, code: 'invalid_json' },
  {
    name: 'not JSON',
    method: 'POST',
    url: '/v1/batches',
    body: 'documentId=d',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'no document id',
    method: 'POST',
    url: '/v1/batches',
    body: { chunks: [chunk('x')] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an unknown field',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x')], { priority: 'high' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an unknown chunk field',
    method: 'POST',
    url: '/v1/batches',
    body: batch([{ text: 'x', vector: [1] }]),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a namespace with a slash',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x')], { namespace: 'a/b' }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an overlong Idempotency-Key',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x')]),
    headers: { 'idempotency-key': 'k'.repeat(256) },
    status: 400,
    code: 'validation_failed',
  },
  // GET /v1/batches/:id, DELETE /v1/documents/:id, unknown routes
  {
    name: 'a batch id that is not a UUID',
    method: 'GET',
    url: '/v1/batches/123',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'an unknown batch',
    method: 'GET',
    url: '/v1/batches/00000000-0000-4000-8000-000000000000',
    status: 404,
    code: 'not_found',
  },
  {
    name: 'an unknown document',
    method: 'DELETE',
    url: '/v1/documents/nope',
    status: 404,
    code: 'not_found',
  },
  { name: 'an unknown route', method: 'GET', url: '/v2/anything', status: 404, code: 'not_found' },
  // Bytes and structure that JSON schema never sees.
  {
    name: 'invalid UTF-8 in a text',
    method: 'POST',
    url: '/v1/batches',
    body: utf8Body('{"documentId":"d","chunks":[{"text":"caf', [0xe9], '"}]}'),
    status: 400,
    code: 'invalid_utf8',
  },
  {
    name: 'an overlong UTF-8 encoding of a slash',
    method: 'POST',
    url: '/v1/search',
    body: utf8Body('{"query":"a', [0xc0, 0xaf], 'b"}'),
    status: 400,
    code: 'invalid_utf8',
  },
  {
    name: 'a surrogate encoded as UTF-8 bytes',
    method: 'POST',
    url: '/v1/embeddings',
    body: utf8Body('{"model":"all-MiniLM-L6-v2","input":"', [0xed, 0xa0, 0x80], '"}'),
    status: 400,
    code: 'invalid_utf8',
  },
  {
    name: 'metadata nested 40 deep',
    method: 'POST',
    url: '/v1/batches',
    body: `{"documentId":"d","chunks":[{"text":"x","metadata":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}]}`,
    status: 400,
    code: 'nesting_too_deep',
  },
  {
    name: 'an unknown field nested 1,000 deep',
    method: 'POST',
    url: '/v1/search',
    body: `{"query":"x","x":${'['.repeat(1000)}${']'.repeat(1000)}}`,
    status: 400,
    code: 'nesting_too_deep',
  },
  {
    name: 'a __proto__ key in metadata',
    method: 'POST',
    url: '/v1/batches',
    body: '{"documentId":"d","chunks":[{"text":"x","metadata":{"__proto__":{"admin":true}}}]}',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'a lone surrogate in a metadata key',
    method: 'POST',
    url: '/v1/batches',
    body: '{"documentId":"d","chunks":[{"text":"x","metadata":{"\\udc00":1}}]}',
    status: 400,
    code: 'invalid_unicode',
  },
  {
    name: 'a NUL in a metadata key',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x', { 'a\u0000': 1 })]),
    status: 400,
    code: 'nul_character',
  },
  {
    name: 'a lone surrogate in the document id',
    method: 'POST',
    url: '/v1/batches',
    body: '{"documentId":"d\\ud800","chunks":[{"text":"x"}]}',
    status: 400,
    code: 'invalid_unicode',
  },
  {
    name: 'SQL in the namespace',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x')], { namespace: "x'; DROP TABLE chunks; --" }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'SQL in a document id to delete',
    method: 'DELETE',
    url: `/v1/documents/${encodeURIComponent("x' OR '1'='1")}`,
    status: 404,
    code: 'not_found',
  },
  {
    name: 'the namespace as a number',
    method: 'POST',
    url: '/v1/batches',
    body: batch([chunk('x')], { namespace: 7 }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'the document id as an array',
    method: 'POST',
    url: '/v1/batches',
    body: { documentId: ['d'], chunks: [chunk('x')] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'chunks as null',
    method: 'POST',
    url: '/v1/batches',
    body: batch(null),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a JSON array as the body',
    method: 'POST',
    url: '/v1/batches',
    body: [batch([chunk('x')])],
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'a JSON string as the body',
    method: 'POST',
    url: '/v1/search',
    body: '"what is a boson"',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'search as text/plain',
    method: 'POST',
    url: '/v1/search',
    body: 'what is a boson',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'embeddings as a form',
    method: 'POST',
    url: '/v1/embeddings',
    body: 'input=x&model=all-MiniLM-L6-v2',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'search with k as a fraction',
    method: 'POST',
    url: '/v1/search',
    body: { query: 'x', k: 1.5 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'search with an unknown field',
    method: 'POST',
    url: '/v1/search',
    body: { query: 'x', where: { namespace: 'other' } },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'search with a NUL in the query',
    method: 'POST',
    url: '/v1/search',
    body: { query: 'a\u0000b' },
    status: 400,
    code: 'nul_character',
  },
  {
    name: 'a search body over the size limit',
    method: 'POST',
    url: '/v1/search',
    body: { query: 'x', documentId: 'd'.repeat(5000) },
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'embeddings with a lone surrogate',
    method: 'POST',
    url: '/v1/embeddings',
    body: '{"model":"all-MiniLM-L6-v2","input":["ok","\\udfff"]}',
    status: 400,
    code: 'invalid_unicode',
  },
  {
    name: 'an unknown query parameter on delete',
    method: 'DELETE',
    url: '/v1/documents/doc?cascade=true',
    status: 400,
    code: 'validation_failed',
  },

  // POST /v1/search
  {
    name: 'search without a query',
    method: 'POST',
    url: '/v1/search',
    body: { k: 3 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'search with an empty query',
    method: 'POST',
    url: '/v1/search',
    body: { query: '' },
    status: 400,
    code: 'empty_text',
  },
  ...(
    [
      ['an unknown operator', { year: { $regex: '^20' } }, 'invalid_filter'],
      ['an operator on the wrong type', { year: { $gt: [2020] } }, 'invalid_filter'],
      [
        '$in with more than 1,000 values',
        { year: { $in: Array.from({ length: 1001 }, () => 1) } },
        'invalid_filter',
      ],
      [
        'nesting deeper than 8',
        JSON.parse(`${'{"$and":['.repeat(8)}{"a":1}${']}'.repeat(8)}`),
        'invalid_filter',
      ],
      ['a key with NUL', { 'a\u0000': 1 }, 'invalid_filter'],
      ['a key over 256 characters', { ['k'.repeat(257)]: 1 }, 'invalid_filter'],
      ['a filter that is not an object', [{ a: 1 }], 'validation_failed'],
    ] as const
  ).map(([name, filter, code]) => ({
    name: `search filter: ${name}`,
    method: 'POST' as const,
    url: '/v1/search',
    body: { query: 'q', filter },
    status: 400,
    code,
  })),
  {
    name: 'search with an unknown mode',
    method: 'POST',
    url: '/v1/search',
    body: { query: 'q', mode: 'fuzzy' },
    status: 400,
    code: 'validation_failed',
  },
  ...(
    [
      ['a negative fusion weight', { vectorWeight: -1 }],
      ['a fusion weight that is not a number', { keywordWeight: 'high' }],
      ['a fusion constant below 1', { k: 0 }],
      ['an unknown fusion field', { alpha: 0.5 }],
    ] as const
  ).map(([name, fusion]) => ({
    name: `hybrid search with ${name}`,
    method: 'POST' as const,
    url: '/v1/search',
    body: { query: 'q', mode: 'hybrid', fusion },
    status: 400,
    code: 'validation_failed',
  })),
  ...(
    [
      ['an offset past 1,000', { offset: 1001 }],
      ['a negative offset', { offset: -1 }],
      ['a minScore that is not a number', { minScore: 'high' }],
      ['an empty cursor', { cursor: '' }],
      ['exact that is not a boolean', { exact: 'yes' }],
    ] as const
  ).map(([name, extra]) => ({
    name: `search with ${name}`,
    method: 'POST' as const,
    url: '/v1/search',
    body: { query: 'q', ...extra },
    status: 400,
    code: 'validation_failed',
  })),
  ...[
    ['a cursor that is not base64url JSON', 'not a cursor!'],
    [
      'a cursor with an offset past 1,000',
      Buffer.from(JSON.stringify({ o: 1001, f: 'x' })).toString('base64url'),
    ],
    ['a cursor of another search', Buffer.from(JSON.stringify({ o: 10, f: 'x' })).toString('base64url')],
  ].map(([name, cursor]) => ({
    name: `search with ${name}`,
    method: 'POST' as const,
    url: '/v1/search',
    body: { query: 'q', cursor },
    status: 400,
    code: 'invalid_cursor',
  })),
  {
    name: 'hybrid search with no words',
    method: 'POST',
    url: '/v1/search',
    body: { query: ' ', mode: 'hybrid' },
    status: 400,
    code: 'empty_text',
  },
  {
    name: 'keyword search with no words',
    method: 'POST',
    url: '/v1/search',
    body: { query: '   ', mode: 'keyword' },
    status: 400,
    code: 'empty_text',
  },
  {
    name: 'search with a long query',
    method: 'POST',
    url: '/v1/search',
    body: { query: 'q'.repeat(51) },
    status: 422,
    code: 'text_too_long',
  },
  {
    name: 'search with k over the limit',
    method: 'POST',
    url: '/v1/search',
    body: { query: 'q', k: 21 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'search with k = 0',
    method: 'POST',
    url: '/v1/search',
    body: { query: 'q', k: 0 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'search with k as a string',
    method: 'POST',
    url: '/v1/search',
    body: { query: 'q', k: '5' },
    status: 400,
    code: 'validation_failed',
  },
  // POST /v1/embeddings
  {
    name: 'embeddings with too many inputs',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'all-MiniLM-L6-v2', input: ['a', 'b', 'c', 'd'] },
    status: 400,
    code: 'too_many_inputs',
  },
  {
    name: 'embeddings with an empty input',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'all-MiniLM-L6-v2', input: ['a', ''] },
    status: 400,
    code: 'empty_text',
  },
  {
    name: 'embeddings with a long input',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'all-MiniLM-L6-v2', input: 'a'.repeat(51) },
    status: 422,
    code: 'text_too_long',
  },
  {
    name: 'embeddings with an empty list',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'all-MiniLM-L6-v2', input: [] },
    status: 400,
    code: 'empty_text',
  },
  {
    name: 'embeddings of token ids',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'all-MiniLM-L6-v2', input: [101, 102] },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'embeddings without a model',
    method: 'POST',
    url: '/v1/embeddings',
    body: { input: 'a' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'embeddings of another model',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'text-embedding-3-small', input: 'a' },
    status: 404,
    code: 'model_not_found',
  },
  {
    name: 'embeddings with other dimensions',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'all-MiniLM-L6-v2', input: 'a', dimensions: 512 },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'embeddings with an unknown encoding',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'all-MiniLM-L6-v2', input: 'a', encoding_format: 'hex' },
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'embeddings with a NUL',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'all-MiniLM-L6-v2', input: 'a\u0000' },
    status: 400,
    code: 'nul_character',
  },
];

describe.skipIf(services === undefined)('request limits and validation', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    pipeline = await startPipeline(services, embedder, { env: LIMITS, worker: false });
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
  });

  async function rowCounts(): Promise<{ batches: number; chunks: number }> {
    const result = await pipeline.db.pool.query<{ batches: number; chunks: number }>(
      'SELECT (SELECT count(*) FROM batches)::integer AS batches, (SELECT count(*) FROM chunks)::integer AS chunks',
    );
    return result.rows[0]!;
  }

  it.each(CASES)('$name: $status $code, nothing stored', async (c) => {
    const before = await rowCounts();
    const response = await pipeline.api.app.inject({
      method: c.method,
      url: c.url,
      headers: {
        ...AUTH,
        ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...c.headers,
      },
      ...(c.body === undefined
        ? {}
        : {
            payload: typeof c.body === 'string' || Buffer.isBuffer(c.body) ? c.body : JSON.stringify(c.body),
          }),
    });
    expect({ status: response.statusCode, body: response.json() }).toEqual({
      status: c.status,
      body: { error: { code: c.code, message: expect.any(String) } },
    });
    expect(await rowCounts()).toEqual(before);
  });

  it('stores text with quotes, markup and SQL verbatim', async () => {
    const text = `<script>alert(1)</script>'); DROP TABLE chunks;--`;
    const metadata = { t: `O'Brien <b>`, q: ['"x"', '\\'] };
    const response = await pipeline.api.app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: AUTH,
      payload: { documentId: `doc "1"; DELETE`, chunks: [{ text, metadata }] },
    });
    expect(response.statusCode).toBe(202);
    const stored = await pipeline.db.pool.query<{ text: string; metadata: unknown; document_id: string }>(
      'SELECT text, metadata, document_id FROM chunks',
    );
    expect(stored.rows).toEqual([{ text, metadata, document_id: `doc "1"; DELETE` }]);
  });

  it('accepts exactly the limits', async () => {
    const response = await pipeline.api.app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: AUTH,
      payload: batch(Array.from({ length: 5 }, (_, i) => chunk(`${i}`.padEnd(50, 'x'), { n: i }))),
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ chunkCount: 5 });
  });
});
