import { describe, expect, it } from 'vitest';
import { apiConfigFromEnv } from './api-config.js';
import { ConfigError } from './config-error.js';
import { workerConfigFromEnv } from './worker-config.js';

describe('apiConfigFromEnv', () => {
  it('has local defaults', () => {
    const config = apiConfigFromEnv({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      services: {
        redisUrl: 'redis://127.0.0.1:6379',
        databaseUrl: 'postgres://postgres@127.0.0.1:5432/embedq',
        databaseSsl: 'auto',
        redisTlsVerify: false,
        queuePrefix: 'embedq',
      },
      embedding: { precision: 'int8', threads: undefined },
      jobs: { jobChunks: 256, interactiveMaxChunks: 256 },
      limits: { maxChunksPerRequest: 10_000, maxTextLength: 8_000, maxSearchK: 100 },
      throughputTarget: 500,
    });
  });

  it('reads every variable it documents', () => {
    const config = apiConfigFromEnv({
      PORT: '8080',
      REDIS_URL: 'rediss://:secret@redis.example:6380',
      REDIS_TLS_VERIFY: 'true',
      DATABASE_URL: 'postgresql://u:p@db.example/x',
      DATABASE_SSL: 'verify',
      EMBED_PRECISION: 'fp32',
      ORT_THREADS: '1',
      MAX_CHUNKS_PER_REQUEST: '100',
      THROUGHPUT_TARGET: '250',
      LOG_LEVEL: 'debug',
    });
    expect(config.port).toBe(8080);
    expect(config.services).toMatchObject({ redisTlsVerify: true, databaseSsl: 'verify' });
    expect(config.embedding).toEqual({ precision: 'fp32', threads: 1 });
    expect(config.limits.maxChunksPerRequest).toBe(100);
    expect(config.throughputTarget).toBe(250);
    expect(config.logLevel).toBe('debug');
  });

  it('names every bad variable at once, without echoing URLs', () => {
    let error: unknown;
    try {
      apiConfigFromEnv({
        PORT: 'eighty',
        EMBED_PRECISION: 'int4',
        REDIS_URL: 'http://user:pw@x',
        ORT_THREADS: '0',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT[\s\S]*ORT_THREADS|PORT/);
    expect((error as ConfigError).message).not.toContain('pw');
  });
});

describe('workerConfigFromEnv', () => {
  it('takes its id from WORKER_ID, else Heroku DYNO, else host:pid', () => {
    expect(workerConfigFromEnv({ WORKER_ID: 'w1', DYNO: 'worker.1' }).workerId).toBe('w1');
    expect(workerConfigFromEnv({ DYNO: 'worker.1' }).workerId).toBe('worker.1');
    expect(workerConfigFromEnv({}, 42).workerId).toMatch(/:42$/);
  });

  it('defaults to 2 jobs in flight and a 20 s drain, inside Heroku 30 s', () => {
    const config = workerConfigFromEnv({});
    expect(config.concurrency).toBe(2);
    expect(config.shutdownTimeoutMs).toBe(20_000);
  });
});
