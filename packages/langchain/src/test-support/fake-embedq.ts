import type { BatchProgress, BatchStatus, Fetch, SearchHit } from '@embedq/client';

/** A request as the fake server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  // biome-ignore lint/suspicious/noExplicitAny: tests check request bodies field by field
  readonly body: any;
}

export interface FakeEmbedqOptions {
  /** The final status of the batch of each document id; default `completed`. */
  readonly batchStatus?: (documentId: string) => BatchStatus;
  /** What POST /v1/search answers. */
  readonly hits?: readonly SearchHit[];
  /** Document ids DELETE finds; others answer 404 not_found. Default: every id. */
  readonly stored?: ReadonlySet<string>;
  /** An error answer for every request to this path. */
  readonly failing?: { readonly path: string; readonly status: number; readonly code: string };
}

/**
 * The embedq API in memory, enough for the client's calls: batches and documents are accepted
 * and final at once, searches answer `hits`, embeddings are [index, text length, 0, ...] and
 * come back in reverse order (the client must place them by `index`).
 */
export function fakeEmbedq(options: FakeEmbedqOptions = {}) {
  const requests: SeenRequest[] = [];
  const batches = new Map<string, BatchProgress>();

  const fetch: Fetch = async (url, init) => {
    const parsed = new URL(url);
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const method = init.method ?? 'GET';
    requests.push({ method, path: parsed.pathname, query: parsed.searchParams, body });
    if (options.failing?.path === parsed.pathname) {
      const { status, code } = options.failing;
      return json(status, { error: { code, message: `${code} (fake)` } });
    }
    const route = `${method} ${parsed.pathname}`;
    if (route === 'POST /v1/batches' || route === 'POST /v1/documents') {
      const batchId = `batch-${batches.size + 1}`;
      const chunkCount = body.chunks?.length ?? 1;
      const status = options.batchStatus?.(body.documentId) ?? 'completed';
      batches.set(batchId, progress(batchId, body.documentId, chunkCount, status));
      return json(202, { batchId, chunkCount, truncatedChunks: 0 });
    }
    const batch = /^\/v1\/batches\/([^/]+)$/.exec(parsed.pathname);
    if (method === 'GET' && batch !== null) {
      const found = batches.get(decodeURIComponent(batch[1] as string));
      return found === undefined
        ? json(404, { error: { code: 'not_found', message: 'no batch' } })
        : json(200, found);
    }
    if (route === 'POST /v1/search') return json(200, { results: options.hits ?? [], nextCursor: null });
    if (route === 'POST /v1/embeddings') {
      const inputs: string[] = typeof body.input === 'string' ? [body.input] : body.input;
      const data = inputs.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: [index, text.length, ...new Array(382).fill(0)],
      }));
      return json(200, {
        object: 'list',
        data: data.reverse(),
        model: body.model,
        usage: { prompt_tokens: 1, total_tokens: 1 },
        truncated_inputs: [],
      });
    }
    const document = /^\/v1\/documents\/([^/]+)$/.exec(parsed.pathname);
    if (method === 'DELETE' && document !== null) {
      const documentId = decodeURIComponent(document[1] as string);
      if (options.stored !== undefined && !options.stored.has(documentId)) {
        return json(404, { error: { code: 'not_found', message: `document '${documentId}' not found` } });
      }
      return json(200, { documentId, namespace: 'default', deletedChunks: 1 });
    }
    return json(404, { error: { code: 'not_found', message: `no route ${route}` } });
  };

  /** Client options that reach this fake; waitForBatch polls (the fake has no event streams). */
  const connection = { baseUrl: 'http://embedq.test', apiKey: 'test-key', fetch, eventStreams: false };
  return { fetch, requests, connection };
}

function progress(batchId: string, documentId: string, total: number, status: BatchStatus): BatchProgress {
  const failed = status === 'failed' ? total : 0;
  return {
    batchId,
    namespace: 'default',
    documentId,
    kind: 'chunks',
    status,
    total,
    embedded: total - failed,
    failed,
    pending: 0,
    reused: 0,
    truncatedChunks: 0,
    enqueuedAt: '2026-01-01T00:00:00.000Z',
    completedAt: '2026-01-01T00:00:01.000Z',
    chunksPerSec: 0,
    latencySeconds: null,
    latencyHistogram: { bounds: [1], counts: [total - failed, 0] },
    errors: failed > 0 ? [{ reason: 'text is only whitespace', chunks: failed }] : [],
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A search hit with the server's fields; `overrides` replace any. */
export function searchHit(overrides: Partial<SearchHit> = {}): SearchHit {
  return {
    documentId: 'doc-1',
    chunkIndex: 0,
    score: 0.8,
    vectorScore: 0.8,
    keywordRank: null,
    fusedScore: null,
    text: 'Photosynthesis converts light energy into chemical energy.',
    metadata: { field: 'biology' },
    namespace: 'default',
    start: null,
    end: null,
    headingPath: null,
    ...overrides,
  };
}
