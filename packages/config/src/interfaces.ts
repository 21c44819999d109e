/**
 * Configuration of every embedq process, read from the environment once at start.
 *
 * Glossary: a *chunk* is one text to embed; a *batch* is the chunks of one document posted in one
 * request; a *job* is a range of a batch's chunks that one worker embeds in one go; a *namespace*
 * scopes documents (tenants, projects); an *embedding* is a chunk's 384-dim unit vector.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type Precision = 'int8' | 'fp32';

/**
 * How to use TLS with Postgres. `auto` (default): off for a server on this machine, on for any
 * other host without verifying its certificate (Heroku Postgres requires SSL and its URLs carry
 * no `sslmode`); `sslmode` in the URL wins over `auto`.
 */
export type DatabaseSsl = 'auto' | 'disable' | 'require' | 'verify';

/** Where the shared services are. */
export interface ServiceConfig {
  /** `REDIS_URL`, default `redis://127.0.0.1:6379`; `rediss://` turns TLS on. */
  readonly redisUrl: string;
  /**
   * `REDIS_TLS_VERIFY`, default false: Heroku Redis serves a self-signed certificate, so a
   * `rediss://` connection encrypts without verifying it unless this is true.
   */
  readonly redisTlsVerify: boolean;
  /** `DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/embedq`. */
  readonly databaseUrl: string;
  /** `DATABASE_SSL`, default `auto`. */
  readonly databaseSsl: DatabaseSsl;
  /** `DATABASE_POOL_SIZE`, default 10 (api) or 4 (worker). */
  readonly databasePoolSize: number;
  /** `QUEUE_PREFIX`, default `embedq`: the Redis key prefix of every queue (one Redis, several deployments). */
  readonly queuePrefix: string;
}

/** How a process embeds. */
export interface EmbeddingConfig {
  /** `EMBED_PRECISION`, default `int8`. */
  readonly precision: Precision;
  /**
   * `EMBED_ENGINE`: what runs the int8 graph. `auto` (default): embedq's native kernels (AVX-512
   * VNNI, else AVX2) where the addon was built and sessions have one thread each, else ONNX
   * Runtime; `native` fails to start where it cannot run; `onnxruntime` never uses it.
   */
  readonly engine: 'auto' | 'native' | 'onnxruntime';
  /** `ORT_SESSIONS`: inference sessions (ONNX Runtime's or the native engine's) run side by side; default: worker 2 (1 on a budget of one CPU), API 1. */
  readonly sessions: number | undefined;
  /** `ORT_THREADS`: ONNX Runtime intra-op threads per session; default: the CPU budget (cgroup quota, else `os.availableParallelism()`) / sessions (API: 1). */
  readonly threads: number | undefined;
}

/** How batches become jobs: shared by the API (which enqueues) and the CLI. */
export interface JobPlanConfig {
  /** `JOB_CHUNKS`, default 256: chunks per job. Smaller jobs retry less work and hold less memory (two are in flight per worker). */
  readonly jobChunks: number;
  /**
   * `INTERACTIVE_MAX_CHUNKS`, default 256: batches of at most this many chunks go to the
   * interactive queue, which workers serve before bulk work, so they are not stuck behind a bulk load.
   */
  readonly interactiveMaxChunks: number;
}

/** Request limits of the REST API; each gives a clear 4xx when exceeded. */
export interface ApiLimits {
  /** `MAX_CHUNKS_PER_REQUEST`, default 10,000. */
  readonly maxChunksPerRequest: number;
  /** `MAX_TEXT_LENGTH`, default 8,000 characters (code points). */
  readonly maxTextLength: number;
  /** `MAX_DOCUMENT_BYTES`, default 5 MiB: the text of one `POST /v1/documents`, in UTF-8 bytes. */
  readonly maxDocumentBytes: number;
  /** `MAX_METADATA_BYTES`, default 8,192: a chunk's metadata as JSON, in UTF-8 bytes. */
  readonly maxMetadataBytes: number;
  /** `BODY_LIMIT_BYTES`, default 32 MiB: the largest request body accepted. */
  readonly bodyLimitBytes: number;
  /** `MAX_EMBEDDING_INPUTS`, default 128: inputs per synchronous `POST /v1/embeddings`. */
  readonly maxEmbeddingInputs: number;
  /** `MAX_SEARCH_K`, default 100. */
  readonly maxSearchK: number;
  /**
   * `REQUEST_TIMEOUT_MS`, default 30,000: longest a client may take to send a request, headers
   * and body (slow clients cannot hold connections open); Heroku's router gives up at 30 s too.
   */
  readonly requestTimeoutMs: number;
}

/** An API key and the namespaces it may read and write (`*`: every namespace). */
export interface ApiKeyGrant {
  readonly key: string;
  readonly namespaces: readonly string[] | '*';
}

/** Who may call the API. Keys are compared in constant time and never logged. */
export interface AuthConfig {
  /** `API_KEYS` (required): comma-separated `<key>:<namespace>[;<namespace>...]`, `*` = every namespace. */
  readonly apiKeys: readonly ApiKeyGrant[];
  /** `ADMIN_API_KEY`: opens `/admin/*` and `/metrics`; unset, nobody may open them. */
  readonly adminKey: string | undefined;
  /** `RATE_LIMIT_PER_MINUTE`, default 1,200: requests per key per minute, per API process; 0 turns it off. */
  readonly rateLimitPerMinute: number;
}

/** Webhooks: where they may point and how deliveries are attempted. */
export interface WebhookConfig {
  /**
   * `WEBHOOK_ALLOW_PRIVATE`, default false: webhook URLs may be plain http and reach loopback,
   * private, link-local and metadata addresses. For tests and private networks only: with it an
   * API user can make the workers call internal services.
   */
  readonly allowPrivate: boolean;
}

/** How the workers deliver webhooks. */
export interface WebhookDeliveryConfig extends WebhookConfig {
  /**
   * `WEBHOOK_RETRY_DELAYS`, default `5,300,1800,7200,18000,36000,36000`: seconds before each
   * retry after a failed attempt (the Standard Webhooks schedule: eight attempts over about
   * 27.6 hours); after the last, the delivery is given up.
   */
  readonly retryDelaysSeconds: readonly number[];
  /** `WEBHOOK_TIMEOUT_MS`, default 5,000: one attempt, connect to last byte. */
  readonly timeoutMs: number;
  /** `WEBHOOK_CONCURRENCY`, default 16: attempts in flight per worker process. */
  readonly concurrency: number;
}

/**
 * How many workers the load needs (the dashboard's card, `embedq_workers_needed`, `embedq plan`):
 * ceil((arrival + backlog / SLA) / (utilisation x per-worker rate)), all in model tokens/s.
 */
export interface PlannerConfig {
  /** `LATENCY_SLA_SECONDS`, default 60: a backlog should drain within this long. */
  readonly latencySlaSeconds: number;
  /**
   * `PLANNER_UTILISATION`, default 0.8: the share of a worker's measured rate to plan on; the
   * rest absorbs bursts and uneven jobs (a queue's wait grows without bound as it nears 1).
   */
  readonly utilisation: number;
  /**
   * `WORKER_TOKENS_PER_SEC`, default 13,000: one worker's rate (model tokens/s) when no recent
   * metrics bucket had the workers busy to measure it: 200 chunks/s, the low end of a 2-core
   * worker, x 65.6 tokens per seed chunk (63.6 word pieces + [CLS] and [SEP]); measured on a
   * 2-core host at 190 chunks/s: 12,200-13,100.
   */
  readonly workerTokensPerSec: number;
  /** `PLANNER_WINDOW_SECONDS`, default 300: the arrival rate averages over this long. */
  readonly windowSeconds: number;
  /** `PLANNER_MIN_WORKERS`, default 0: never plan fewer (0 lets an idle fleet scale to zero). */
  readonly minWorkers: number;
}

export interface ApiConfig {
  /** `PORT`, default 3000. */
  readonly port: number;
  /** `HOST`, default `0.0.0.0` (Heroku and containers route to every interface). */
  readonly host: string;
  /** `LOG_LEVEL`, default `info`. */
  readonly logLevel: LogLevel;
  readonly services: ServiceConfig;
  readonly embedding: EmbeddingConfig;
  readonly jobs: JobPlanConfig;
  readonly limits: ApiLimits;
  readonly auth: AuthConfig;
  /**
   * `MAX_PENDING_CHUNKS`, default 500,000: accepted chunks not yet embedded, across every
   * namespace; beyond it `POST /v1/batches` answers 429 until the workers catch up.
   */
  readonly maxPendingChunks: number;
  /** `THROUGHPUT_TARGET`, default 500 chunks/s across the fleet. */
  readonly throughputTarget: number;
  /**
   * `HNSW_EF_SEARCH`, default 200: candidates each HNSW search keeps (pgvector's
   * hnsw.ef_search). Higher finds more of the true nearest and takes longer.
   */
  readonly hnswEfSearch: number;
  readonly webhooks: WebhookConfig;
  readonly planner: PlannerConfig;
  /**
   * `HIREFIRE_TOKEN`: set, the API answers HireFire's checkups at `/hirefire/<token>/info` with
   * the embedding queues' job queue latency (the oldest job's wait); unset, that path is a 404.
   */
  readonly hirefireToken: string | undefined;
}

export interface WorkerConfig {
  /** `LOG_LEVEL`, default `info`. */
  readonly logLevel: LogLevel;
  readonly services: ServiceConfig;
  readonly embedding: EmbeddingConfig;
  /**
   * `WORKER_CONCURRENCY`, default 4: bulk jobs in flight per process. They keep the CPU busy
   * while a job reads its texts or writes its vectors, and their chunks share inference batches
   * (one at a time), which pads less the more jobs are in flight: over the 10k seed chunks in
   * 256-chunk jobs, 1.067x padded tokens with one job, 1.039x with two, 1.020x with four.
   */
  readonly concurrency: number;
  /** `SHUTDOWN_TIMEOUT_MS`, default 20,000: on SIGTERM, how long to let running jobs finish (Heroku kills at 30 s). */
  readonly shutdownTimeoutMs: number;
  /** `WORKER_ID`, default `$DYNO` (Heroku) or `<hostname>:<pid>`. */
  readonly workerId: string;
  /**
   * `JOB_LOCK_MS`, default 30,000: a running job's lock, renewed while the worker lives; when a
   * worker dies (SIGKILL, a crashed dyno) its jobs go back to the queue within about twice this.
   */
  readonly jobLockMs: number;
  readonly reconcile: ReconcileConfig;
  readonly reembed: ReembedConfig;
  /**
   * `GRAPH_IDLE_MS`, default 60,000: another precision's graph, loaded for a re-embedding (or a
   * namespace switched to it), is released after this long unused.
   */
  readonly extraGraphIdleMs: number;
  readonly webhooks: WebhookDeliveryConfig;
}

/** The re-embedding driver, which feeds running re-embeddings' jobs and switches them over. */
export interface ReembedConfig {
  /** `REEMBED_INTERVAL_MS`, default 5,000: how often each worker tries a pass (one runs at a time across all); 0 turns it off. */
  readonly intervalMs: number;
  /** `JOB_CHUNKS`, default 256: chunks per re-embedding job, aligned as the API plans jobs. */
  readonly jobChunks: number;
}

/** The reconciler, which re-enqueues chunks left pending with no live job (after a Redis flush, a lost job). */
export interface ReconcileConfig {
  /** `RECONCILE_INTERVAL_MS`, default 60,000: how often each worker tries a pass (one runs at a time across all); 0 turns it off. */
  readonly intervalMs: number;
  /** `RECONCILE_GRACE_SECONDS`, default 60: batches younger than this are not looked at. */
  readonly graceSeconds: number;
  /** `JOB_CHUNKS`, default 256: must match the API's, so ranges line up with its jobs. */
  readonly jobChunks: number;
}
