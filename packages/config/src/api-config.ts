import { type Env, EnvReader } from './env-reader.js';
import type { ApiConfig, LogLevel } from './interfaces.js';
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
      maxMetadataBytes: read.integer('MAX_METADATA_BYTES', 8_192, { min: 2, max: 1_048_576 }),
      bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 32 * 1_048_576, { min: 1_024, max: 1_073_741_824 }),
      maxEmbeddingInputs: read.integer('MAX_EMBEDDING_INPUTS', 128, { min: 1, max: 2_048 }),
      maxSearchK: read.integer('MAX_SEARCH_K', 100, { min: 1, max: 1_000 }),
    },
    throughputTarget: read.integer('THROUGHPUT_TARGET', 500, { min: 1 }),
  };
  read.done();
  return config;
}
