import type { Fetch } from '@embedq/client';
import { EmbedqEmbeddings, EmbedqVectorStore } from '@embedq/langchain';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { FakeChatModel } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import { TEST_API_KEY } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';

// @embedq/langchain with LangChain's own classes against the real pipeline (API, worker, Redis,
// Postgres): the server embeds what the vector store adds and answers its searches. Only the chat
// model is a stand-in, one that answers with its prompt, so the test sees what retrieval put there.

const services = await servicesOrSkip('langchain');

const PAPERS = [
  { id: 'photosynthesis', field: 'biology', year: 1960 },
  { id: 'higgs', field: 'physics', year: 2012 },
  { id: 'graphene', field: 'materials', year: 2004 },
  { id: 'crispr', field: 'biology', year: 2012 },
] as const;
const TEXTS: Record<(typeof PAPERS)[number]['id'], string> = {
  photosynthesis: 'Photosynthesis converts light energy into chemical energy in chloroplasts.',
  higgs: 'The Higgs boson was observed at the Large Hadron Collider in 2012.',
  graphene: 'Graphene is a single layer of carbon atoms in a hexagonal lattice.',
  crispr: 'CRISPR-Cas9 cuts DNA at a site chosen by a guide RNA.',
};
const papers = () =>
  PAPERS.map(({ id, field, year }) => new Document({ pageContent: TEXTS[id], metadata: { field, year } }));

const REPORT = [
  '# Soil survey',
  'Samples were taken from twelve plots across the valley in spring.',
  '## Methods',
  'Each sample was dried, sieved and weighed before carbon was measured by combustion.',
  '## Results',
  'Organic carbon was highest under the old meadow and lowest on the ploughed terraces.',
].join('\n\n');

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((x, i) => {
    const y = b[i] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  });
  return dot / Math.sqrt(normA * normB);
}

describe.skipIf(services === undefined)('@embedq/langchain against the pipeline', () => {
  const fixture = usePipeline(services);
  const connection = (fetch?: Fetch) => ({
    baseUrl: fixture.pipeline.baseUrl,
    apiKey: TEST_API_KEY,
    ...(fetch === undefined ? {} : { fetch }),
  });
  /** Requests as `METHOD /path`, through the real fetch. */
  const recording = () => {
    const requests: string[] = [];
    const fetch: Fetch = (url, init) => {
      requests.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
      return globalThis.fetch(url, init);
    };
    return { requests, fetch };
  };

  it('adds documents and waits, then finds the right one first, with its score and metadata', async () => {
    const store = new EmbedqVectorStore({ ...connection(), namespace: 'lc-papers' });
    const ids = await store.addDocuments(papers(), { ids: PAPERS.map((paper) => paper.id) });
    expect(ids).toEqual(['photosynthesis', 'higgs', 'graphene', 'crispr']);

    // No waiting here: addDocuments resolved once the server had embedded every chunk.
    const scored = await store.similaritySearchWithScore('Which particle was discovered at the LHC?', 3);
    expect(scored).toHaveLength(3);
    const [best, second] = scored;
    expect(best?.[0]).toMatchObject({
      id: 'higgs',
      pageContent: TEXTS.higgs,
      metadata: {
        field: 'physics',
        year: 2012,
        embedq: { documentId: 'higgs', chunkIndex: 0, namespace: 'lc-papers', score: best?.[1] },
      },
    });
    expect(best?.[1]).toBeGreaterThan(second?.[1] ?? 1);
    expect(best?.[1]).toBeLessThanOrEqual(1);

    const plants = await store.similaritySearch('How do plants turn sunlight into energy?', 1);
    expect(plants.map((document) => document.id)).toEqual(['photosynthesis']);
  });

  it("restricts results with the server's metadata filter", async () => {
    const store = new EmbedqVectorStore({ ...connection(), namespace: 'lc-filters' });
    await store.addDocuments(papers(), { ids: PAPERS.map((paper) => paper.id) });
    const question = 'Which particle was discovered at the LHC?';

    const biology = await store.similaritySearchWithScore(question, 4, { field: 'biology' });
    expect(biology.map(([document]) => document.id).sort()).toEqual(['crispr', 'photosynthesis']);
    expect(biology.every(([document]) => document.metadata.field === 'biology')).toBe(true);

    const recentBiology = await store.similaritySearch(question, 4, {
      $and: [{ field: { $in: ['biology', 'materials'] } }, { year: { $gte: 2000 } }],
    });
    expect(recentBiology.map((document) => document.id).sort()).toEqual(['crispr', 'graphene']);
  });

  it('in three lines, adds documents without ids under one generated id, and deletes them together', async () => {
    const store = new EmbedqVectorStore({ ...connection(), namespace: 'lc-three-lines' });
    const ids = await store.addDocuments(papers());
    const found = await store.similaritySearch('gene editing with a guide RNA', 1);

    expect(new Set(ids).size).toBe(1);
    expect(found.map((document) => [document.id, document.pageContent])).toEqual([[ids[0], TEXTS.crispr]]);
    expect(found[0]?.metadata.embedq.chunkIndex).toBe(3);
    await store.delete({ ids });
    await expect(store.similaritySearch('gene editing with a guide RNA', 4)).resolves.toEqual([]);
  });

  it('delete removes a document and leaves the others', async () => {
    const store = new EmbedqVectorStore({ ...connection(), namespace: 'lc-delete' });
    await store.addDocuments(papers(), { ids: PAPERS.map((paper) => paper.id) });
    await store.delete({ ids: ['higgs', 'higgs', 'never-added'] });
    const left = await store.similaritySearch('Which particle was discovered at the LHC?', 4);
    expect(left.map((document) => document.id).sort()).toEqual(['crispr', 'graphene', 'photosynthesis']);
  });

  it('with split, has the server split a whole markdown text and finds the right section', async () => {
    const store = new EmbedqVectorStore({ ...connection(), namespace: 'lc-split' });
    const report = new Document({ pageContent: REPORT, id: 'soil-survey', metadata: { team: 'soil' } });
    const ids = await store.addDocuments([report], {
      split: { contentType: 'text/markdown', chunking: { maxTokens: 32, overlapTokens: 0 } },
      timeoutMs: 60_000,
    });
    expect(ids).toEqual(['soil-survey']);
    const [best] = await store.similaritySearch('How was the carbon in the samples measured?', 1);
    expect(best).toMatchObject({ id: 'soil-survey', metadata: { team: 'soil' } });
    expect(best?.pageContent).toContain('combustion');
    expect(best?.metadata.embedq.headingPath).toContain('Methods');
    expect(REPORT.slice(best?.metadata.embedq.start, best?.metadata.embedq.end)).toBe(best?.pageContent);
  });

  it('asRetriever() feeds the retrieved context to the chat model in a retrieval chain', async () => {
    const { requests, fetch } = recording();
    const store = new EmbedqVectorStore({ ...connection(fetch), namespace: 'lc-chain' });
    await store.addDocuments(papers(), { ids: PAPERS.map((paper) => paper.id) });

    const formatDocuments = (documents: DocumentInterface[]) =>
      documents.map((document) => document.pageContent).join('\n\n');
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', 'Answer the question from this context only:\n\n{context}'],
      ['human', '{question}'],
    ]);
    const chain = (retriever: ReturnType<typeof store.asRetriever>) =>
      RunnableSequence.from([
        { context: retriever.pipe(formatDocuments), question: new RunnablePassthrough() },
        prompt,
        // Answers with the messages it was sent: the prompt, the retrieved context in it.
        new FakeChatModel({}),
        new StringOutputParser(),
      ]);

    requests.length = 0;
    const answer = await chain(store.asRetriever({ k: 1 })).invoke(
      'Which particle was observed at the Large Hadron Collider?',
    );
    expect(requests).toEqual(['POST /v1/search']);
    expect(answer).toContain(`context only:\n\n${TEXTS.higgs}`);
    expect(answer).toContain('Which particle was observed at the Large Hadron Collider?');
    for (const id of ['photosynthesis', 'graphene', 'crispr'] as const)
      expect(answer).not.toContain(TEXTS[id]);

    // The retriever's filter reaches the server: only biology may answer a physics question.
    const filtered = await chain(store.asRetriever({ k: 2, filter: { field: 'biology' } })).invoke(
      'Which particle was observed at the Large Hadron Collider?',
    );
    expect(filtered).toContain(TEXTS.photosynthesis);
    expect(filtered).toContain(TEXTS.crispr);
    expect(filtered).not.toContain(TEXTS.higgs);
  });

  it('EmbedqEmbeddings embeds with the server model: 384 numbers, near duplicates nearer than unrelated text', async () => {
    const embeddings = new EmbedqEmbeddings(connection());
    const query = await embeddings.embedQuery('A cat is sleeping on the warm windowsill.');
    expect(query).toHaveLength(384);
    expect(query.every((x) => Number.isFinite(x))).toBe(true);

    const [near, unrelated, same] = await embeddings.embedDocuments([
      'The cat was asleep on the sunny window ledge.',
      'Quarterly revenue grew by eight percent after the merger.',
      'A cat is sleeping on the warm windowsill.',
    ]);
    expect(cosine(query, near ?? [])).toBeGreaterThan(cosine(query, unrelated ?? []) + 0.3);
    // The same text embedded alone and in a list: the same vector, up to quantization.
    expect(cosine(query, same ?? [])).toBeGreaterThan(0.99);

    const many = await new EmbedqEmbeddings({ ...connection(), batchSize: 2 }).embedDocuments(
      Object.values(TEXTS),
    );
    expect(many.map((vector) => vector.length)).toEqual([384, 384, 384, 384]);

    // A vector store's embeddings are the same model over the same client.
    const store = new EmbedqVectorStore(connection());
    expect(cosine(await store.embeddings.embedQuery(TEXTS.higgs), many[1] ?? [])).toBeGreaterThan(0.99);
  });
});
