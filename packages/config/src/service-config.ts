import { type Env, EnvReader } from './env-reader.js';
import type { DatabaseSsl, EmbeddingConfig, ServiceConfig } from './interfaces.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/embedq';

export function readServiceConfig(env: EnvReader, defaultPoolSize: number): ServiceConfig {
  return {
    redisUrl: env.url('REDIS_URL', DEFAULT_REDIS_URL, ['redis:', 'rediss:']),
    redisTlsVerify: env.boolean('REDIS_TLS_VERIFY', false),
    databaseUrl: env.url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres:', 'postgresql:']),
    databaseSsl: env.oneOf<DatabaseSsl>('DATABASE_SSL', ['auto', 'disable', 'require', 'verify'], 'auto'),
    databasePoolSize: env.integer('DATABASE_POOL_SIZE', defaultPoolSize, { min: 1, max: 100 }),
    queuePrefix: env.string('QUEUE_PREFIX', 'embedq'),
  };
}

export function readEmbeddingConfig(env: EnvReader): EmbeddingConfig {
  return {
    precision: env.oneOf('EMBED_PRECISION', ['int8', 'fp32'], 'int8'),
    engine: env.oneOf('EMBED_ENGINE', ['auto', 'native', 'onnxruntime'], 'auto'),
    sessions: env.optionalInteger('ORT_SESSIONS', { min: 1, max: 16 }),
    threads: env.optionalInteger('ORT_THREADS', { min: 1, max: 64 }),
  };
}

/** The services alone, for tools such as `embedq migrate`. */
export function serviceConfigFromEnv(env: Env): ServiceConfig {
  const read = new EnvReader(env);
  const services = readServiceConfig(read, 2);
  read.done();
  return services;
}
