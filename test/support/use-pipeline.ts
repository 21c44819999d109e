import type { Env } from '@embedq/config';
import { createEmbedder, type Embedder } from '@embedq/embedder';
import { afterAll, beforeAll } from 'vitest';
import { call, type Pipeline, startPipeline } from './pipeline.js';
import type { ServiceUrls } from './services.js';
import { started } from './started.js';
import { waitFor } from './wait-for.js';

/** The in-process pipeline of a suite, and what its tests do with it most. */
export interface PipelineFixture {
  /** Set by the suite's beforeAll. */
  readonly pipeline: Pipeline;
  /** The embedder the API and the worker share. */
  readonly embedder: Embedder;
  /** Waits until no chunk of the batch is pending; resolves with its GET /v1/batches/:id answer. */
  // biome-ignore lint/suspicious/noExplicitAny: tests check response bodies field by field
  settled(batchId: string): Promise<any>;
}

/**
 * For suites that run the API and one worker in this process: registers a beforeAll that starts
 * them on the real services (each suite its own database and queues) and an afterAll that tears
 * them down.
 */
export function usePipeline(
  services: ServiceUrls | undefined,
  options: { readonly env?: Env; readonly worker?: boolean } = {},
): PipelineFixture {
  let embedder: Embedder | undefined;
  let pipeline: Pipeline | undefined;

  beforeAll(async () => {
    if (services === undefined) return;
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
    pipeline = await startPipeline(services, embedder, options);
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
  });

  return {
    get pipeline() {
      return started(pipeline, 'the pipeline');
    },
    get embedder() {
      return started(embedder, 'the embedder');
    },
    settled: (batchId) =>
      waitFor(`batch ${batchId} to settle`, async () => {
        const progress = await call(
          started(pipeline, 'the pipeline').baseUrl,
          'GET',
          `/v1/batches/${batchId}`,
        );
        return progress.body.pending === 0 ? progress.body : undefined;
      }),
  };
}
