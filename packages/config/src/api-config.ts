import { MIN_KEY_LENGTH, parseApiKeys } from './api-keys.js';
import { type Env, EnvReader } from './env-reader.js';
import type { ApiConfig, AuthConfig, LogLevel } from './interfaces.js';
import { readPlannerConfig } from './planner-config.js';
import { readEmbeddingConfig, readServiceConfig } from './service-config.js';

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The API's configuration; throws a ConfigError naming every bad variable. */
export function apiConfigFromEnv(env: Env): ApiConfig {
  const read = new EnvReader(env);
  const config: ApiConfig = {
    port: read.integer('PORT', 3000, { min: 0, max: 65535 }),
    host: read.string('HOST', '0.0.0.0'),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    services: readServiceConfig(read, 10),
    embedding: readEmbeddingConfig(read),
    jobs: {
      jobChunks: read.integer('JOB_CHUNKS', 256, { min: 1, max: 10_000 }),
      interactiveMaxChunks: read.integer('INTERACTIVE_MAX_CHUNKS', 256, { min: 0, max: 100_000 }),
    },
    limits: {
      maxChunksPerRequest: read.integer('MAX_CHUNKS_PER_REQUEST', 10_000, { min: 1, max: 1_000_000 }),
      maxTextLength: read.integer('MAX_TEXT_LENGTH', 8_000, { min: 1, max: 1_000_000 }),
      maxDocumentBytes: read.integer('MAX_DOCUMENT_BYTES', 5 * 1_048_576, { min: 1, max: 1_073_741_824 }),
      maxMetadataBytes: read.integer('MAX_METADATA_BYTES', 8_192, { min: 2, max: 1_048_576 }),
      bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 32 * 1_048_576, { min: 1_024, max: 1_073_741_824 }),
      maxEmbeddingInputs: read.integer('MAX_EMBEDDING_INPUTS', 128, { min: 1, max: 2_048 }),
      maxSearchK: read.integer('MAX_SEARCH_K', 100, { min: 1, max: 1_000 }),
      requestTimeoutMs: read.integer('REQUEST_TIMEOUT_MS', 30_000, { min: 1_000, max: 600_000 }),
    },
    auth: readAuthConfig(read),
    maxPendingChunks: read.integer('MAX_PENDING_CHUNKS', 500_000, { min: 1 }),
    throughputTarget: read.integer('THROUGHPUT_TARGET', 500, { min: 1 }),
    hnswEfSearch: read.integer('HNSW_EF_SEARCH', 200, { min: 10, max: 1_000 }),
    webhooks: { allowPrivate: read.boolean('WEBHOOK_ALLOW_PRIVATE', false) },
    planner: readPlannerConfig(read),
    hirefireToken: readHirefireToken(read),
  };
  read.done();
  return config;
}

/** The token is all that guards the path HireFire calls, so it must not be guessable. */
function readHirefireToken(read: EnvReader): string | undefined {
  const token = read.optionalString('HIREFIRE_TOKEN');
  if (token !== undefined && !new RegExp(`^[A-Za-z0-9_-]{${MIN_KEY_LENGTH},}$`).test(token)) {
    read.problem(`HIREFIRE_TOKEN needs at least ${MIN_KEY_LENGTH} letters, digits, '-' or '_'`);
  }
  return token;
}

function readAuthConfig(read: EnvReader): AuthConfig {
  const raw = read.optionalString('API_KEYS');
  let apiKeys: AuthConfig['apiKeys'] = [];
  if (raw === undefined) {
    read.problem(
      'API_KEYS is required: comma-separated <key>:<namespace>[;<namespace>...] (* = every namespace)',
    );
  } else {
    const parsed = parseApiKeys(raw);
    for (const problem of parsed.problems) read.problem(problem);
    if (parsed.grants.length === 0 && parsed.problems.length === 0) read.problem('API_KEYS holds no key');
    apiKeys = parsed.grants;
  }
  const adminKey = read.optionalString('ADMIN_API_KEY');
  if (adminKey !== undefined && adminKey.length < MIN_KEY_LENGTH) {
    read.problem(`ADMIN_API_KEY needs at least ${MIN_KEY_LENGTH} characters`);
  }
  if (adminKey !== undefined && apiKeys.some((grant) => grant.key === adminKey)) {
    read.problem('ADMIN_API_KEY must differ from every key in API_KEYS');
  }
  return {
    apiKeys,
    adminKey,
    rateLimitPerMinute: read.integer('RATE_LIMIT_PER_MINUTE', 1_200, { min: 0 }),
  };
}
