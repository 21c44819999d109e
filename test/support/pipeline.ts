import { type ApiRuntime, startApi } from '@embedq/api';
import { apiConfigFromEnv, type Env, workerConfigFromEnv } from '@embedq/config';
import type { Embedder } from '@embedq/embedder';
import { createLogger, startWorker, type WorkerRuntime } from '@embedq/worker';
import { deleteQueueKeys, uniqueQueuePrefix } from './queue-prefix.js';
import type { ServiceUrls } from './services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface Pipeline {
  readonly db: TestDatabase;
  readonly api: ApiRuntime;
  /** http://127.0.0.1:<port> of the listening API. */
  readonly baseUrl: string;
  readonly env: Env;
  /** Undefined when started with `worker: false`. */
  worker: WorkerRuntime | undefined;
  startWorker(extra?: Env): Promise<WorkerRuntime>;
  close(): Promise<void>;
}

/**
 * The API (listening on a free port) and, unless told otherwise, one worker in this process,
 * against the real Redis and a fresh Postgres database, on queues of their own.
 */
export async function startPipeline(
  services: ServiceUrls,
  embedder: Embedder,
  options: { env?: Env; worker?: boolean } = {},
): Promise<Pipeline> {
  const db = await createTestDatabase(services.databaseUrl);
  const prefix = uniqueQueuePrefix();
  const env: Env = {
    REDIS_URL: services.redisUrl,
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    ...options.env,
  };
  const config = apiConfigFromEnv(env);
  const api = await startApi(config, { embedder, logger: false });
  const address = await api.app.listen({ port: 0, host: '127.0.0.1' });
  const workers: WorkerRuntime[] = [];
  const pipeline: Pipeline = {
    db,
    api,
    baseUrl: address,
    env,
    worker: undefined,
    startWorker: async (extra = {}) => {
      const workerConfig = workerConfigFromEnv({ ...env, ...extra });
      const worker = await startWorker({
        config: workerConfig,
        logger: createLogger(workerConfig.logLevel, workerConfig.workerId),
        embedder,
      });
      workers.push(worker);
      return worker;
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.close(5_000)));
      await api.close();
      await db.drop();
      await deleteQueueKeys(services.redisUrl, prefix);
    },
  };
  if (options.worker !== false) pipeline.worker = await pipeline.startWorker();
  return pipeline;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests check response bodies field by field
  readonly body: any;
}

/** JSON request to the pipeline's API; returns status, headers and parsed body. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}
