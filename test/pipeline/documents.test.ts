import { rebuildSource, splitDocument } from '@embedq/chunking';
import { generateSeedChunks } from '@embedq/workload';
import { describe, expect, it } from 'vitest';
import { type ApiResponse, call } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { usePipeline } from '../support/use-pipeline.js';

const services = await servicesOrSkip('documents');

const FACT = 'The calibration constant of the Zorvex-9 spectrometer was measured at 42.7 kelvin.';
/** About 4,000 characters of seed text, then the only sentence that holds the fact. */
const LONG_TEXT = `${generateSeedChunks(14, 77).join(' ')} ${FACT}`;

const MARKDOWN = [
  '# Soil study',
  generateSeedChunks(3, 1).join('\n\n'),
  '## Methods',
  generateSeedChunks(4, 2).join('\n\n'),
  '```python\nfor core in cores:\n    weigh(core)\n```',
  '## Results',
  generateSeedChunks(5, 3).join('\n\n'),
].join('\n\n');

describe.skipIf(services === undefined)('POST /v1/documents: whole documents in, chunks that fit out', () => {
  const fixture = usePipeline(services);
  const count = (text: string) => fixture.embedder.countWordPieces(text);
  const completed = (batchId: string) => fixture.settled(batchId);

  /** Every chunk of a document, page by page. */
  async function allChunks(path: string, limit: number) {
    const chunks = [];
    let after: number | null = -1;
    let pages = 0;
    while (after !== null) {
      const page: ApiResponse = await call(
        fixture.pipeline.baseUrl,
        'GET',
        `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${after >= 0 ? `&after=${after}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.chunks.length).toBeLessThanOrEqual(limit);
      chunks.push(...page.body.chunks);
      after = page.body.nextAfter;
      pages++;
    }
    return { chunks, pages };
  }

  it('splits a markdown document into chunks that fit, each with offsets and heading path, embedded and rebuilt exactly', async () => {
    const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/documents', {
      namespace: 'docs',
      documentId: 'soil',
      text: MARKDOWN,
      contentType: 'text/markdown',
      metadata: { lab: 'b', year: 2024 },
      chunking: { maxTokens: 100 },
    });
    expect(posted.status).toBe(202);
    const expected = splitDocument(MARKDOWN, { contentType: 'text/markdown', maxTokens: 100 }, count);
    expect(posted.body).toEqual({ batchId: expect.any(String), chunkCount: expected.length });
    expect(posted.headers.get('location')).toBe(`/v1/batches/${posted.body.batchId}`);
    const progress = await completed(posted.body.batchId);
    expect(progress).toMatchObject({
      kind: 'document',
      status: 'completed',
      embedded: expected.length,
      truncatedChunks: 0,
    });

    const { chunks, pages } = await allChunks('/v1/documents/soil?namespace=docs', 4);
    expect(pages).toBe(Math.ceil(expected.length / 4));
    expect(chunks).toEqual(
      expected.map((c) => ({
        index: c.index,
        start: c.start,
        end: c.end,
        tokenCount: c.tokenCount,
        headingPath: c.headingPath,
        text: c.text,
        status: 'embedded',
        metadata: { lab: 'b', year: 2024 },
        error: null,
      })),
    );
    expect(rebuildSource(chunks)).toBe(MARKDOWN);
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(100);
    expect(chunks.map((c) => c.headingPath.join(' > '))).toContain('Soil study > Methods');
    const document = await call(fixture.pipeline.baseUrl, 'GET', '/v1/documents/soil?namespace=docs&limit=1');
    expect(document.body).toMatchObject({
      documentId: 'soil',
      namespace: 'docs',
      batchId: posted.body.batchId,
      kind: 'document',
      contentType: 'text/markdown',
      chunkCount: expected.length,
      nextAfter: 0,
    });
  });

  it("stores a large document (its text decoded from the body's bytes) chunk for chunk as the splitter cut it", async () => {
    // Over the parser's long-string size, with escapes, characters of 2, 3 and 4 bytes, and
    // surrogate pairs, so both the body's decoding and the database's cutting by byte offsets show.
    const text = generateSeedChunks(400, 9)
      .map((paragraph, i) => `## Part ${i} 🧬\n\n${paragraph} 𝑥² ≈ 漢 "quoted"\t\\ end.`)
      .join('\n\n');
    expect(Buffer.byteLength(text)).toBeGreaterThan(65_536);
    const posted = await call(fixture.pipeline.baseUrl, 'POST', '/v1/documents', {
      namespace: 'docs',
      documentId: 'large',
      text,
      contentType: 'text/markdown',
    });
    expect(posted.status).toBe(202);
    const expected = splitDocument(text, { contentType: 'text/markdown' }, count);
    expect(posted.body.chunkCount).toBe(expected.length);
    const { chunks } = await allChunks('/v1/documents/large?namespace=docs', 1_000);
    expect(chunks.map((c) => [c.start, c.end, c.text])).toEqual(
      expected.map((c) => [c.start, c.end, c.text]),
    );
    expect(rebuildSource(chunks)).toBe(text);
  });

  it('finds a fact in the last sentence of a long text posted as a document; as one chunk it is counted as truncated', async () => {
    expect(LONG_TEXT.length).toBeGreaterThan(3_500);
    expect(count(LONG_TEXT)).toBeGreaterThan(254);
    const asDocument = await call(fixture.pipeline.baseUrl, 'POST', '/v1/documents', {
      namespace: 'facts',
      documentId: 'long',
      text: LONG_TEXT,
    });
    expect(asDocument.status).toBe(202);
    await completed(asDocument.body.batchId);
    const search = await call(fixture.pipeline.baseUrl, 'POST', '/v1/search', {
      namespace: 'facts',
      query: 'What was the calibration constant of the Zorvex-9 spectrometer?',
      k: 5,
    });
    const top = search.body.results[0];
    expect(top.text).toContain(FACT);
    // The hit says where it is: the fact lies inside its offsets.
    const at = LONG_TEXT.indexOf(FACT);
    expect(top.start).toBeLessThanOrEqual(at);
    expect(top.end).toBeGreaterThanOrEqual(at + FACT.length);
    expect(LONG_TEXT.slice(top.start, top.end)).toBe(top.text);
    expect(top.headingPath).toEqual([]);

    const asChunk = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      namespace: 'facts-cut',
      documentId: 'long',
      chunks: [{ text: LONG_TEXT }, { text: 'A short chunk.' }],
    });
    expect(asChunk.body).toEqual({ batchId: expect.any(String), chunkCount: 2, truncatedChunks: 1 });
    expect(await completed(asChunk.body.batchId)).toMatchObject({ truncatedChunks: 1, embedded: 2 });
  });

  it('re-posting a document with one paragraph changed embeds only the chunks whose text changed', async () => {
    const paragraphs = generateSeedChunks(60, 5);
    const text = paragraphs.join('\n\n');
    const first = await call(fixture.pipeline.baseUrl, 'POST', '/v1/documents', {
      namespace: 'edit',
      documentId: 'd',
      text,
    });
    const before = await completed(first.body.batchId);
    expect(before).toMatchObject({ status: 'completed', reused: 0 });

    const edited = paragraphs.slice();
    edited[30] = 'This paragraph was rewritten entirely by its author.';
    const editedText = edited.join('\n\n');
    const oldTexts = new Set(splitDocument(text, {}, count).map((c) => c.text));
    const newChunks = splitDocument(editedText, {}, count);
    const changed = newChunks.filter((c) => !oldTexts.has(c.text)).length;
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThanOrEqual(3);

    const second = await call(fixture.pipeline.baseUrl, 'POST', '/v1/documents', {
      namespace: 'edit',
      documentId: 'd',
      text: editedText,
    });
    expect(second.status).toBe(202);
    const after = await completed(second.body.batchId);
    expect(after).toMatchObject({
      status: 'completed',
      total: newChunks.length,
      embedded: newChunks.length,
      reused: newChunks.length - changed,
    });
    // The first batch now reads replaced, and only the changed chunks were inferred.
    expect(
      (await call(fixture.pipeline.baseUrl, 'GET', `/v1/batches/${first.body.batchId}`)).body.status,
    ).toBe('replaced');
    const inferred = await fixture.pipeline.db.pool.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM chunk_states WHERE namespace = 'edit' AND document_id = 'd' AND reused = false`,
    );
    expect(inferred.rows[0]?.n).toBe(changed);
  });

  // A long text is hashed apart from the rest of the body: a change anywhere in it still counts.
  it.each([
    ['a short document', 'One short document.', 'Another.'],
    [
      'a long document',
      generateSeedChunks(300, 12).join('\n\n'),
      `${generateSeedChunks(300, 12).join('\n\n')}!`,
    ],
  ])(
    'answers a retried request with the same Idempotency-Key with the first batch: %s',
    async (name, text, changed) => {
      const body = { namespace: 'idem', documentId: name, text };
      const headers = { 'idempotency-key': `key for ${name}` };
      const first = await call(fixture.pipeline.baseUrl, 'POST', '/v1/documents', body, headers);
      expect(first.status).toBe(202);
      const again = await call(fixture.pipeline.baseUrl, 'POST', '/v1/documents', body, headers);
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const other = await call(
        fixture.pipeline.baseUrl,
        'POST',
        '/v1/documents',
        { ...body, text: changed },
        headers,
      );
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe('idempotency_conflict');
    },
  );

  it('answers 404 for an unknown document and 403 for a namespace the key may not use', async () => {
    const unknown = await call(fixture.pipeline.baseUrl, 'GET', '/v1/documents/nope?namespace=docs');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const badPage = await call(fixture.pipeline.baseUrl, 'GET', '/v1/documents/soil?namespace=docs&limit=0');
    expect(badPage.status).toBe(400);
  });
});

describe.skipIf(services === undefined)('no silent truncation in /v1/batches and /v1/embeddings', () => {
  const fixture = usePipeline(services);

  const long = generateSeedChunks(12, 9).join(' ');
  const rowCount = async () =>
    (await fixture.pipeline.db.pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM chunks')).rows[0]
      ?.n;

  it('"truncation": "error" refuses the request with 422 text_too_long naming the chunks, and stores nothing', async () => {
    const before = await rowCount();
    const response = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId: 'd',
      truncation: 'error',
      chunks: [{ text: 'fits' }, { text: long }, { text: 'fits too' }, { text: long }],
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('text_too_long');
    expect(response.body.error.message).toMatch(
      /2 of body\.chunks are longer .* body\.chunks 1 \(\d+\), 3 \(\d+\)/,
    );
    expect(await rowCount()).toBe(before);
  });

  it('"truncation": "split" splits long chunks like a document, keeping their metadata and offsets', async () => {
    const response = await call(fixture.pipeline.baseUrl, 'POST', '/v1/batches', {
      namespace: 'split',
      documentId: 'd',
      truncation: 'split',
      chunks: [
        { text: 'A first chunk.', metadata: { n: 0 } },
        { text: long, metadata: { n: 1 } },
      ],
    });
    expect(response.status).toBe(202);
    const pieces = splitDocument(long, { maxTokens: 254 }, (t) => fixture.embedder.countWordPieces(t));
    expect(response.body).toEqual({
      batchId: expect.any(String),
      chunkCount: 1 + pieces.length,
      truncatedChunks: 0,
      splitChunks: 1,
    });
    expect(await fixture.settled(response.body.batchId)).toMatchObject({
      status: 'completed',
      truncatedChunks: 0,
    });
    const listed = await call(fixture.pipeline.baseUrl, 'GET', '/v1/documents/d?namespace=split');
    expect(
      listed.body.chunks.map((c: { start: number | null; metadata: unknown }) => [c.start, c.metadata]),
    ).toEqual([[null, { n: 0 }], ...pieces.map((p) => [p.start, { n: 1 }])]);
    expect(rebuildSource(listed.body.chunks.slice(1))).toBe(long);
  });

  it('/v1/embeddings lists the inputs it truncated, or refuses them with "truncation": "error"', async () => {
    const body = { model: 'all-MiniLM-L6-v2', input: ['short', long] };
    const answer = await call(fixture.pipeline.baseUrl, 'POST', '/v1/embeddings', body);
    expect(answer.status).toBe(200);
    expect(answer.body.truncated_inputs).toEqual([1]);
    expect(answer.body.data).toHaveLength(2);
    const refused = await call(fixture.pipeline.baseUrl, 'POST', '/v1/embeddings', {
      ...body,
      truncation: 'error',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toEqual({
      code: 'text_too_long',
      message: expect.stringMatching(/body\.input 1 \(\d+\)/),
    });
  });
});
