import { createEmbedder, type Embedder } from '@embedq/embedder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Pipeline, startPipeline } from '../support/pipeline.js';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('backpressure');

const post = (pipeline: Pipeline, documentId: string, chunks: number) =>
  call(pipeline.baseUrl, 'POST', '/v1/batches', {
    documentId,
    chunks: Array.from({ length: chunks }, (_, i) => ({ text: `${documentId} chunk ${i}` })),
  });

describe.skipIf(services === undefined)('a limit on chunks waiting to be embedded', () => {
  let embedder: Embedder;
  let pipeline: Pipeline;

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    // No worker at first, so nothing drains until the test says so.
    pipeline = await startPipeline(services, embedder, { env: { MAX_PENDING_CHUNKS: '10' }, worker: false });
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
  });

  const chunkRows = async () =>
    (await pipeline.db.pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM chunks')).rows[0]?.n;

  it('answers 429 with Retry-After past the limit, stores nothing, and admits again once workers drain', async () => {
    expect((await post(pipeline, 'a', 6)).status).toBe(202);
    const refused = await post(pipeline, 'b', 5);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toEqual({
      code: 'too_many_requests',
      message: expect.stringMatching(/limit is 10/),
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await chunkRows()).toBe(6);
    // Exactly up to the limit is fine.
    expect((await post(pipeline, 'c', 4)).status).toBe(202);
    expect((await post(pipeline, 'd', 1)).status).toBe(429);

    await pipeline.startWorker();
    const admitted = await waitFor(
      'the backlog to drain and a new batch to be admitted',
      async () => {
        const response = await post(pipeline, 'b', 5);
        return response.status === 202 ? response : undefined;
      },
      60_000,
      500,
    );
    expect(admitted.body.chunkCount).toBe(5);
    expect(await chunkRows()).toBe(15);
  });
});
