import { EmbedqClient, EmbedqError } from '@embedq/client';
import { describe, expect, it } from 'vitest';
import { EmbedqEmbeddings } from './embedq-embeddings.js';
import { fakeEmbedq } from './test-support/fake-embedq.js';

describe('EmbedqEmbeddings', () => {
  it('fails fast on options that cannot work', () => {
    expect(() => new EmbedqEmbeddings({ baseUrl: 'localhost:3000', apiKey: 'k' })).toThrow(TypeError);
    expect(() => new EmbedqEmbeddings({ baseUrl: 'http://localhost:3000', apiKey: '' })).toThrow(TypeError);
    expect(
      () => new EmbedqEmbeddings({ baseUrl: 'http://localhost:3000', apiKey: 'k', batchSize: 0 }),
    ).toThrow(RangeError);
    expect(() => new EmbedqEmbeddings({ baseUrl: 'http://localhost:3000', apiKey: 'k', model: '' })).toThrow(
      TypeError,
    );
    const client = new EmbedqClient({ baseUrl: 'http://localhost:3000', apiKey: 'k' });
    // Both ways at once is ambiguous: which key would be used?
    const both = { client, baseUrl: 'http://localhost:3000', apiKey: 'k' } as never;
    expect(() => new EmbedqEmbeddings(both)).toThrow(/either client or baseUrl/);
  });

  it('embedQuery posts the text to /v1/embeddings with the model, and returns its vector', async () => {
    const fake = fakeEmbedq();
    const embeddings = new EmbedqEmbeddings(fake.connection);
    const vector = await embeddings.embedQuery('soil carbon');
    expect(vector).toHaveLength(384);
    expect(vector.slice(0, 2)).toEqual([0, 'soil carbon'.length]);
    expect(fake.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/v1/embeddings', { input: ['soil carbon'], model: 'all-MiniLM-L6-v2' }],
    ]);
  });

  it('embedDocuments sends batchSize texts per request, in order, and places vectors by index', async () => {
    const fake = fakeEmbedq();
    const embeddings = new EmbedqEmbeddings({ ...fake.connection, batchSize: 128 });
    const texts = Array.from({ length: 300 }, (_, i) => 'x'.repeat(i + 1));
    const vectors = await embeddings.embedDocuments(texts);
    expect(fake.requests.map((r) => r.body.input.length)).toEqual([128, 128, 44]);
    expect(fake.requests.flatMap((r) => r.body.input)).toEqual(texts);
    // The fake answers in reverse order; its vectors start with [index in request, text length].
    expect(vectors.map((vector) => vector[1])).toEqual(texts.map((text) => text.length));
    expect(vectors[130]?.[0]).toBe(2);
    await expect(embeddings.embedDocuments([])).resolves.toEqual([]);
    expect(fake.requests).toHaveLength(3);
  });

  it("uses a client it is given, and rejects with the server's EmbedqError", async () => {
    const fake = fakeEmbedq({ failing: { path: '/v1/embeddings', status: 400, code: 'too_many_inputs' } });
    const client = new EmbedqClient(fake.connection);
    const embeddings = new EmbedqEmbeddings({ client });
    expect(embeddings.client).toBe(client);
    const error = await embeddings.embedDocuments(['a']).catch((e) => e);
    expect(error).toBeInstanceOf(EmbedqError);
    expect(error).toMatchObject({ status: 400, code: 'too_many_inputs' });
    // Not retried on top of the client: one request.
    expect(fake.requests).toHaveLength(1);
  });
});
