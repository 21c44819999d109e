import type { ApiConfig } from '@embedq/config';
import {
  createEmbedder,
  type Embedder,
  engineFor,
  type GraphKey,
  GraphSet,
  graphFile,
  graphIdentity,
  localGraphs,
  logInferenceEngine,
  logInferenceSizing,
  logInferenceThreadEvents,
  type Precision,
  readCpuBudget,
  sizeInference,
  UNRECORDED_GRAPHS,
} from '@embedq/embedder';
import { BatchEventFeed, JobProducer, WebhookQueue } from '@embedq/queue';
import { createPool, lazyModelIdentity, localGraphResolver, readNamespaceIdentity } from '@embedq/store';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { type BuildAppOptions, buildApp } from './build-app.js';

/**
 * The API process's embedder: queries are short, so small batches and one session with one
 * thread (a query embeds in ~5 ms on one thread, ~3 ms on two) keep the process small; bulk
 * inference is the worker's. ORT_SESSIONS and ORT_THREADS override them; the start-up log still
 * says what CPU budget (cgroup quota or cores) the process has.
 */
export const API_EMBEDDER_LIMITS = { maxBatchSize: 32, maxBatchTokens: 256 } as const;
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
  const openGraph = (graph: GraphKey) =>
    createEmbedder({
      precision: graphFile(graph).precision,
      graph,
      engine: engineFor(graph, config.embedding.engine),
      ...API_EMBEDDER_LIMITS,
      sessions: sizing.sessions,
      threads: sizing.threads,
      onInferenceThread: logInferenceThreadEvents(() => log),
    });
  const embedder = options.embedder ?? (await openGraph(config.embedding.precision));
  // A namespace re-embedded with another precision is searched with that graph: loaded on its
  // first query, released after a minute without one.
  const graphs = new GraphSet({
    primary: embedder,
    open: openGraph,
    onChange: (event) => log?.info(event, `query graph ${event.action}`),
  });
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
  const identityId = lazyModelIdentity(
    pool,
    await graphIdentity(embedder.precision),
    // A model folder without that graph has nothing to adopt them with.
    await graphIdentity(UNRECORDED_GRAPHS[embedder.precision]).catch(() => undefined),
  );
  const localGraph = (precision: string) => graphIdentity(precision as Precision);
  const graphOf = localGraphResolver(pool, (precision) => localGraphs(precision as Precision));
  const withQueryGraph = async <T>(
    namespace: string,
    fn: (e: Embedder, identityId: number) => Promise<T>,
  ) => {
    const active = await readNamespaceIdentity(pool, namespace);
    const own = await identityId();
    if (active === undefined || active.id === own) return fn(embedder, own);
    const key = (await graphOf(active.id)) as GraphKey;
    return graphs.use(key, (graph) => fn(graph, active.id));
  };
  const app = await buildApp(
    { config, pool, producer, embedder, identityId, withQueryGraph, localGraph, batchEvents, webhooks },
    options,
  );
  log = app.log;
  // Said once the logger exists, and only of an embedder this process made.
  if (options.embedder === undefined) {
    logInferenceSizing(app.log, sizing, { sessions: 'ORT_SESSIONS', threads: 'ORT_THREADS' });
    const own = config.embedding.precision;
    logInferenceEngine(app.log, embedder.engine, own, engineFor(own, config.embedding.engine));
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
        await graphs.close();
        if (options.embedder === undefined) await embedder.close();
      })();
      return closing;
    },
  };
}
