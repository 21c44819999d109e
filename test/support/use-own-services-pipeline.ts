import type { Env } from '@embedq/config';
import { createEmbedder, type Embedder } from '@embedq/embedder';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type OwnServer, startPostgres, startRedis } from './own-services.js';
import { type Pipeline, startPipeline } from './pipeline.js';
import { started } from './started.js';

/** A fault suite's servers, which it may stop, stall or flush, and the pipeline on them. */
export interface OwnServicesPipeline {
  readonly redis: OwnServer;
  readonly postgres: OwnServer;
  /** A new one for every test (API and one worker in this process). */
  readonly pipeline: Pipeline;
  readonly embedder: Embedder;
}

/**
 * For fault suites: a redis-server and a postgres of the suite's own (never the machine's shared
 * ones) for all its tests, and a pipeline on them started before each test with `env` and torn
 * down after it. A server a failed test left stalled is resumed first.
 */
export function useOwnServicesPipeline(env: Env): OwnServicesPipeline {
  let redis: OwnServer | undefined;
  let postgres: OwnServer | undefined;
  let embedder: Embedder | undefined;
  let pipeline: Pipeline | undefined;

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
  });
  beforeEach(async () => {
    if (redis === undefined || postgres === undefined || embedder === undefined) return;
    pipeline = await startPipeline({ redisUrl: redis.url, databaseUrl: postgres.url }, embedder, { env });
  });
  afterEach(async () => {
    redis?.resume();
    postgres?.resume();
    await pipeline?.close();
    pipeline = undefined;
  });
  afterAll(async () => {
    await embedder?.close();
    await Promise.all([redis?.stop(), postgres?.stop()]);
  });

  return {
    get redis() {
      return started(redis, 'the redis-server');
    },
    get postgres() {
      return started(postgres, 'the postgres server');
    },
    get pipeline() {
      return started(pipeline, 'the pipeline');
    },
    get embedder() {
      return started(embedder, 'the embedder');
    },
  };
}
