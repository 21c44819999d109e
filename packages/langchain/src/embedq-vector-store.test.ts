import { type EmbedqClient, EmbedqError } from '@embedq/client';
import { Document } from '@langchain/core/documents';
import { VectorStoreRetriever } from '@langchain/core/vectorstores';
import { describe, expect, it } from 'vitest';
import { BatchNotCompletedError } from './batch-not-completed-error.js';
import { EmbedqEmbeddings } from './embedq-embeddings.js';
import { EmbedqVectorStore } from './embedq-vector-store.js';
import { fakeEmbedq, searchHit } from './test-support/fake-embedq.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const PAPERS = [
  new Document({
    pageContent: 'Photosynthesis converts light into chemical energy.',
    metadata: { field: 'bio' },
  }),
  new Document({ pageContent: 'The Higgs boson was observed at the LHC.', metadata: { field: 'physics' } }),
];

describe('EmbedqVectorStore', () => {
  it('fails fast on options that cannot work', () => {
    const base = { baseUrl: 'http://localhost:3000', apiKey: 'k' };
    expect(() => new EmbedqVectorStore({ baseUrl: 'not a url', apiKey: 'k' })).toThrow(TypeError);
    expect(() => new EmbedqVectorStore({ ...base, apiKey: ' ' })).toThrow(TypeError);
    expect(() => new EmbedqVectorStore({ ...base, namespace: '' })).toThrow(/namespace/);
    expect(() => new EmbedqVectorStore({ ...base, maxChunksPerBatch: 0 })).toThrow(RangeError);
    expect(() => new EmbedqVectorStore(undefined as never)).toThrow(/needs options/);
    expect(() => new EmbedqVectorStore({ client: {} as EmbedqClient })).toThrow(/EmbedqClient/);
  });

  it("is LangChain's 'embedq' store, its embeddings the server's, and keeps the API key out of lc_kwargs", () => {
    const store = new EmbedqVectorStore({
      baseUrl: 'http://localhost:3000',
      apiKey: 'secret',
      namespace: 'sci',
    });
    expect(store._vectorstoreType()).toBe('embedq');
    expect(store.lc_namespace).toEqual(['langchain', 'vectorstores', 'embedq']);
    expect(store.embeddings).toBeInstanceOf(EmbedqEmbeddings);
    expect(store.embeddings.client).toBe(store.client);
    expect(store.lc_kwargs).toEqual({ namespace: 'sci' });
    expect(JSON.stringify(store)).not.toContain('secret');
  });

  it('adds Documents as chunks of one batch, waits for it, and returns the generated id of each', async () => {
    const fake = fakeEmbedq();
    const store = new EmbedqVectorStore({ ...fake.connection, namespace: 'science' });
    const ids = await store.addDocuments(PAPERS);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(UUID);
    expect(ids[1]).toBe(ids[0]);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/batches',
      'GET /v1/batches/batch-1',
    ]);
    expect(fake.requests[0]?.body).toEqual({
      namespace: 'science',
      documentId: ids[0],
      chunks: [
        { text: PAPERS[0]?.pageContent, metadata: { field: 'bio' } },
        { text: PAPERS[1]?.pageContent, metadata: { field: 'physics' } },
      ],
    });

    // A second call gets a new id: posting the first again would replace its chunks.
    const [again] = await store.addDocuments(PAPERS.slice(0, 1));
    expect(again).toMatch(UUID);
    expect(again).not.toBe(ids[0]);
  });

  it('groups Documents by their ids, one batch each, and waits for every batch', async () => {
    const fake = fakeEmbedq();
    const store = new EmbedqVectorStore(fake.connection);
    const documents = [
      new Document({ pageContent: 'a', metadata: { documentId: 'report' } }),
      new Document({ pageContent: 'b', id: 'memo' }),
      new Document({ pageContent: 'c', metadata: { documentId: 'report' } }),
    ];
    await expect(store.addDocuments(documents)).resolves.toEqual(['report', 'memo', 'report']);
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.body?.documentId ?? ''}`.trim())).toEqual([
      'POST /v1/batches report',
      'POST /v1/batches memo',
      'GET /v1/batches/batch-1',
      'GET /v1/batches/batch-2',
    ]);
    expect(fake.requests[0]?.body.chunks.map((c: { text: string }) => c.text)).toEqual(['a', 'c']);
    await expect(store.addDocuments(documents, { ids: ['x'] })).rejects.toThrow(/one id per document/);
    await expect(store.addDocuments([])).resolves.toEqual([]);
    expect(fake.requests).toHaveLength(4);
  });

  it('rejects with BatchNotCompletedError when a batch ends failed or replaced', async () => {
    const fake = fakeEmbedq({
      batchStatus: (id) => (id === 'bad' ? 'failed' : id === 'raced' ? 'replaced' : 'completed'),
    });
    const store = new EmbedqVectorStore(fake.connection);
    const failed = await store.addDocuments(PAPERS, { ids: ['good', 'bad'] }).catch((e) => e);
    expect(failed).toBeInstanceOf(BatchNotCompletedError);
    expect(failed.progress).toMatchObject({ documentId: 'bad', status: 'failed', failed: 1 });
    expect(failed.message).toBe(
      "batch batch-2 of document 'bad' ended failed: 1 of 1 chunks failed: text is only whitespace (1)",
    );
    await expect(store.addDocuments(PAPERS.slice(0, 1), { ids: ['raced'] })).rejects.toThrow(
      "batch batch-3 of document 'raced' ended replaced",
    );
    await expect(store.addDocuments(PAPERS, { timeoutMs: -1 })).rejects.toThrow(RangeError);
  });

  it('with split, posts each Document whole to /v1/documents for the server to split', async () => {
    const fake = fakeEmbedq();
    const store = new EmbedqVectorStore({ ...fake.connection, namespace: 'reports' });
    const report = new Document({ pageContent: '# Soil\n\nCarbon.', id: 'soil', metadata: { team: 'soil' } });
    const ids = await store.addDocuments([report, PAPERS[0] as Document], {
      split: { contentType: 'text/markdown', chunking: { maxTokens: 64 } },
    });
    expect(ids[0]).toBe('soil');
    expect(ids[1]).toMatch(UUID);
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => [r.path, r.body])).toEqual([
      [
        '/v1/documents',
        {
          namespace: 'reports',
          documentId: 'soil',
          text: '# Soil\n\nCarbon.',
          metadata: { team: 'soil' },
          contentType: 'text/markdown',
          chunking: { maxTokens: 64 },
        },
      ],
      [
        '/v1/documents',
        {
          namespace: 'reports',
          documentId: ids[1],
          text: PAPERS[0]?.pageContent,
          metadata: { field: 'bio' },
          contentType: 'text/markdown',
          chunking: { maxTokens: 64 },
        },
      ],
    ]);
    const before = fake.requests.length;
    await expect(store.addDocuments(PAPERS, { ids: ['same', 'same'], split: true })).rejects.toThrow(
      "two documents have the id 'same'",
    );
    expect(fake.requests).toHaveLength(before);
  });

  it('searches by query text with the filter, namespace and defaults, and maps hits to Documents and scores', async () => {
    const hits = [
      searchHit({ documentId: 'p', chunkIndex: 1, score: 0.9, text: 'first', metadata: { field: 'bio' } }),
      searchHit({ documentId: 'q', chunkIndex: 0, score: 0.5, text: 'second', metadata: {} }),
    ];
    const fake = fakeEmbedq({ hits });
    const store = new EmbedqVectorStore({
      ...fake.connection,
      namespace: 'science',
      searchDefaults: { mode: 'hybrid', minScore: 0.01 },
    });
    const scored = await store.similaritySearchWithScore('light energy', 2, { field: { $in: ['bio'] } });
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/search',
      body: {
        query: 'light energy',
        k: 2,
        namespace: 'science',
        filter: { field: { $in: ['bio'] } },
        mode: 'hybrid',
        minScore: 0.01,
      },
    });
    expect(scored.map(([document, score]) => [document.id, document.pageContent, score])).toEqual([
      ['p', 'first', 0.9],
      ['q', 'second', 0.5],
    ]);
    expect(scored[0]?.[0].metadata).toMatchObject({
      field: 'bio',
      embedq: { documentId: 'p', chunkIndex: 1 },
    });

    const documents = await store.similaritySearch('light energy');
    expect(documents.map((document) => document.pageContent)).toEqual(['first', 'second']);
    expect(fake.requests[1]?.body).toMatchObject({ query: 'light energy', k: 4 });
  });

  it('asRetriever() retrieves through the server search with its k and filter; mmr is refused', async () => {
    const fake = fakeEmbedq({ hits: [searchHit({ text: 'retrieved' })] });
    const store = new EmbedqVectorStore(fake.connection);
    const retriever = store.asRetriever({ k: 3, filter: { year: { $gte: 2020 } } });
    expect(retriever).toBeInstanceOf(VectorStoreRetriever);
    const documents = await retriever.invoke('what converts light?');
    expect(documents.map((document) => document.pageContent)).toEqual(['retrieved']);
    expect(fake.requests.map((r) => [r.path, r.body])).toEqual([
      ['/v1/search', { query: 'what converts light?', k: 3, filter: { year: { $gte: 2020 } } }],
    ]);
    await expect(store.asRetriever({ searchType: 'mmr' }).invoke('q')).rejects.toThrow(
      /does not support max marginal relevance search/,
    );
  });

  it('deletes each id once, skips ids that are gone, and passes other errors on', async () => {
    const fake = fakeEmbedq({ stored: new Set(['a', 'b/c']) });
    const store = new EmbedqVectorStore({ ...fake.connection, namespace: 'science' });
    await store.delete({ ids: ['a', 'a', 'b/c', 'gone'] });
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.query}`)).toEqual([
      'DELETE /v1/documents/a namespace=science',
      'DELETE /v1/documents/b%2Fc namespace=science',
      'DELETE /v1/documents/gone namespace=science',
    ]);
    await expect(store.delete({} as never)).rejects.toThrow(/takes \{ ids \}/);

    const failing = fakeEmbedq({ failing: { path: '/v1/documents/a', status: 403, code: 'forbidden' } });
    const refused = new EmbedqVectorStore(failing.connection).delete({ ids: ['a'] });
    await expect(refused).rejects.toBeInstanceOf(EmbedqError);
  });

  it('refuses vectors, saying why', async () => {
    const store = new EmbedqVectorStore(fakeEmbedq().connection);
    await expect(store.addVectors([[0.1]], PAPERS.slice(0, 1))).rejects.toThrow(/embeds on the server/);
    await expect(store.similaritySearchVectorWithScore([0.1], 1)).rejects.toThrow(/accepts no vectors/);
  });

  it('fromTexts makes a store holding the texts, each with its metadata', async () => {
    const fake = fakeEmbedq();
    const store = await EmbedqVectorStore.fromTexts(
      ['a', 'b'],
      [{ n: 1 }, { n: 2 }],
      undefined,
      fake.connection,
    );
    expect(store).toBeInstanceOf(EmbedqVectorStore);
    expect(fake.requests[0]?.body.chunks).toEqual([
      { text: 'a', metadata: { n: 1 } },
      { text: 'b', metadata: { n: 2 } },
    ]);
  });
});
