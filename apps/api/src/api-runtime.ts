import type { ApiConfig } from '@embedq/config';
import {
  createEmbedder,
  type Embedder,
  graphIdentity,
  logInferenceSizing,
  logInferenceThreadEvents,
  readCpuBudget,
  sizeInference,
} from '@embedq/embedder';
import { BatchEventFeed, JobProducer, WebhookQueue } from '@embedq/queue';
import { createPool, lazyModelIdentity } from '@embedq/store';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { type BuildAppOptions, buildApp } from './build-app.js';

/**
 * The API process's embedder: queries are short, so small batches and one session with one
 * thread (a query embeds in ~5 ms on one thread, ~3 ms on two) keep the process small; bulk
 * inference is the worker's. ORT_SESSIONS and ORT_THREADS override them; the start-up log still
 * says what CPU budget (cgroup quota or cores) the process has.
 */
export const API_EMBEDDER_LIMITS = { maxBatchSize: 32, maxBatchTokens: 512 } as const;
const API_DEFAULT_THREADS = 1;
const API_DEFAULT_SESSIONS = 1;

export interface ApiRuntime {
  readonly app: FastifyInstance;
  readonly producer: JobProducer;
  /** Stops accepting requests, finishes those in flight and closes every connection. */
  close(): Promise<void>;
}

export async function startApi(
  config: ApiConfig,
  options: BuildAppOptions & { embedder?: Embedder } = {},
): Promise<ApiRuntime> {
  // The app's logger exists only once the app is built, after the embedder; threads die only
  // once batches run, by which time it is set.
  let log: FastifyBaseLogger | undefined;
  const sizing = sizeInference(config.embedding, readCpuBudget(), {
    sessions: API_DEFAULT_SESSIONS,
    threads: API_DEFAULT_THREADS,
  });
  const embedder =
    options.embedder ??
    (await createEmbedder({
      precision: config.embedding.precision,
      ...API_EMBEDDER_LIMITS,
      sessions: sizing.sessions,
      threads: sizing.threads,
      onInferenceThread: logInferenceThreadEvents(() => log),
    }));
  const pool = createPool({
    url: config.services.databaseUrl,
    ssl: config.services.databaseSsl,
    max: config.services.databasePoolSize,
    applicationName: 'embedq-api',
    hnswEfSearch: config.hnswEfSearch,
    // A request never waits on the database longer than this; it answers 503 instead.
    statementTimeoutMs: 15_000,
  });
  const producer = new JobProducer({
    url: config.services.redisUrl,
    tlsVerify: config.services.redisTlsVerify,
    prefix: config.services.queuePrefix,
  });
  const batchEvents = new BatchEventFeed({
    url: config.services.redisUrl,
    tlsVerify: config.services.redisTlsVerify,
    prefix: config.services.queuePrefix,
  });
  const webhooks = new WebhookQueue(producer.redis, config.services.queuePrefix);
  const identityId = lazyModelIdentity(pool, await graphIdentity(embedder.precision));
  const app = await buildApp(
    { config, pool, producer, embedder, identityId, batchEvents, webhooks },
    options,
  );
  log = app.log;
  // Said once the logger exists, and only of an embedder this process made.
  if (options.embedder === undefined) {
    logInferenceSizing(app.log, sizing, { sessions: 'ORT_SESSIONS', threads: 'ORT_THREADS' });
  }
  pool.on('error', (error) => app.log.warn({ err: error }, 'idle database connection failed'));
  let closing: Promise<void> | undefined;
  return {
    app,
    producer,
    close: () => {
      closing ??= (async () => {
        await app.close();
        await batchEvents.close();
        await webhooks.close();
        await producer.close();
        await pool.end();
        if (options.embedder === undefined) await embedder.close();
      })();
      return closing;
    },
  };
}
