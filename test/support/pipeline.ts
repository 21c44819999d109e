import { type ApiRuntime, startApi } from '@embedq/api';
import { apiConfigFromEnv, type Env, workerConfigFromEnv } from '@embedq/config';
import type { Embedder } from '@embedq/embedder';
import { createLogger, startWorker, type WorkerRuntime } from '@embedq/worker';
import { deleteQueueKeys, uniqueQueuePrefix } from './queue-prefix.js';
import type { ServiceUrls } from './services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** The pipeline's API key for every namespace, sent by `call` unless a test sends its own. */
export const TEST_API_KEY = 'test-client-key-all-namespaces';
export const TEST_ADMIN_KEY = 'test-admin-key-0000';

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
  options: { env?: Env; worker?: boolean; logStream?: NodeJS.WritableStream } = {},
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
    API_KEYS: `${TEST_API_KEY}:*`,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    ...options.env,
  };
  const config = apiConfigFromEnv(env);
  const api = await startApi(config, {
    embedder,
    ...(options.logStream === undefined ? { logger: false } : { logStream: options.logStream }),
  });
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

/**
 * JSON request to the pipeline's API with TEST_API_KEY; an `authorization` header replaces it
 * (an empty one sends none). Returns status, headers and parsed body.
 */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: withAuthorization({
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    }),
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

function withAuthorization(headers: Record<string, string>): Record<string, string> {
  const given = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization');
  if (given === undefined) return { ...headers, authorization: `Bearer ${TEST_API_KEY}` };
  if (headers[given] !== '') return headers;
  const { [given]: _omitted, ...rest } = headers;
  return rest;
}
