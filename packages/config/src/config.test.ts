import { describe, expect, it } from 'vitest';
import { apiConfigFromEnv } from './api-config.js';
import { ConfigError } from './config-error.js';
import { workerConfigFromEnv } from './worker-config.js';

const KEYS = { API_KEYS: 'client-key-0001:*' };

describe('apiConfigFromEnv', () => {
  it('has local defaults', () => {
    const config = apiConfigFromEnv(KEYS);
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
      embedding: { precision: 'int8', engine: 'auto', sessions: undefined, threads: undefined },
      jobs: { jobChunks: 256, interactiveMaxChunks: 256 },
      limits: {
        maxChunksPerRequest: 10_000,
        maxTextLength: 8_000,
        maxDocumentBytes: 5_242_880,
        maxSearchK: 100,
      },
      throughputTarget: 500,
      hnswEfSearch: 200,
      maxPendingChunks: 500_000,
      auth: {
        apiKeys: [{ key: 'client-key-0001', namespaces: '*' }],
        adminKey: undefined,
        rateLimitPerMinute: 1_200,
      },
    });
  });

  it('reads every variable it documents', () => {
    const config = apiConfigFromEnv({
      ...KEYS,
      PORT: '8080',
      REDIS_URL: 'rediss://:secret@redis.example:6380',
      REDIS_TLS_VERIFY: 'true',
      DATABASE_URL: 'postgresql://u:p@db.example/x',
      DATABASE_SSL: 'verify',
      EMBED_PRECISION: 'fp32',
      EMBED_ENGINE: 'onnxruntime',
      ORT_SESSIONS: '3',
      ORT_THREADS: '1',
      MAX_CHUNKS_PER_REQUEST: '100',
      MAX_DOCUMENT_BYTES: '1000000',
      THROUGHPUT_TARGET: '250',
      HNSW_EF_SEARCH: '400',
      LOG_LEVEL: 'debug',
    });
    expect(config.port).toBe(8080);
    expect(config.services).toMatchObject({ redisTlsVerify: true, databaseSsl: 'verify' });
    expect(config.embedding).toEqual({ precision: 'fp32', engine: 'onnxruntime', sessions: 3, threads: 1 });
    expect(config.limits.maxChunksPerRequest).toBe(100);
    expect(config.limits.maxDocumentBytes).toBe(1_000_000);
    expect(config.throughputTarget).toBe(250);
    expect(config.hnswEfSearch).toBe(400);
    expect(config.logLevel).toBe('debug');
  });

  it('names every bad variable at once, without echoing URLs', () => {
    let error: unknown;
    try {
      apiConfigFromEnv({
        PORT: 'eighty',
        EMBED_PRECISION: 'int4',
        EMBED_ENGINE: 'gpu',
        REDIS_URL: 'http://user:pw@x',
        ORT_THREADS: '0',
        ...KEYS,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    // One problem per bad variable, each naming its own variable first.
    expect(problems).toHaveLength(5);
    for (const name of ['PORT', 'EMBED_PRECISION', 'EMBED_ENGINE', 'REDIS_URL', 'ORT_THREADS']) {
      expect(problems.filter((p) => p.startsWith(`${name} `))).toHaveLength(1);
    }
    expect((error as ConfigError).message).not.toContain('pw');
  });

  it('takes a HireFire token only when it is long and plain enough to sit in a path', () => {
    const keys = KEYS;
    expect(apiConfigFromEnv(keys).hirefireToken).toBeUndefined();
    const token = '3f1c2a9e-8d4b-4c6f-9a1e-2b7d5c0e4f11';
    expect(apiConfigFromEnv({ ...keys, HIREFIRE_TOKEN: token }).hirefireToken).toBe(token);
    for (const bad of ['short', 'has spaces in it', 'slash/in/the/token']) {
      expect(() => apiConfigFromEnv({ ...keys, HIREFIRE_TOKEN: bad })).toThrow(
        /HIREFIRE_TOKEN needs at least 12/,
      );
    }
  });
});

describe('API keys', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      apiConfigFromEnv(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems as string[];
    }
  };

  it('binds each key to its namespaces, * to all', () => {
    const config = apiConfigFromEnv({
      API_KEYS: ' tenant-a-key-123:acme ; acme.eu , tenant-b-key-456:beta,ops-key-000000:*',
      ADMIN_API_KEY: 'admin-key-0000000',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(config.auth).toEqual({
      apiKeys: [
        { key: 'tenant-a-key-123', namespaces: ['acme', 'acme.eu'] },
        { key: 'tenant-b-key-456', namespaces: ['beta'] },
        { key: 'ops-key-000000', namespaces: '*' },
      ],
      adminKey: 'admin-key-0000000',
      rateLimitPerMinute: 0,
    });
  });

  it('is required', () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/^API_KEYS is required/)]);
    expect(problemsOf({ API_KEYS: ' , ' })).toEqual(['API_KEYS holds no key']);
  });

  it('names bad entries by position and never echoes a key', () => {
    const problems = problemsOf({
      API_KEYS: 'short:acme,no-namespace-key-1,good-key-00001:bad/ns,good-key-00001:*,good-key-00001:x',
      ADMIN_API_KEY: 'good-key-00001',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^API_KEYS entry 1: a key needs at least 12 characters/),
      expect.stringMatching(/^API_KEYS entry 2 has no namespaces/),
      "API_KEYS entry 3 has invalid namespace(s): 'bad/ns'",
      'API_KEYS entry 5 repeats an earlier key',
      'ADMIN_API_KEY must differ from every key in API_KEYS',
    ]);
    expect(problems.join('\n')).not.toMatch(/short|no-namespace-key|good-key/);
  });
});

describe('workerConfigFromEnv', () => {
  it('takes its id from WORKER_ID, else Heroku DYNO, else host:pid', () => {
    expect(workerConfigFromEnv({ WORKER_ID: 'w1', DYNO: 'worker.1' }).workerId).toBe('w1');
    expect(workerConfigFromEnv({ DYNO: 'worker.1' }).workerId).toBe('worker.1');
    expect(workerConfigFromEnv({}, 42).workerId).toMatch(/:42$/);
  });

  it('defaults to 4 jobs in flight and a 20 s drain, inside Heroku 30 s', () => {
    const config = workerConfigFromEnv({});
    expect(config.concurrency).toBe(4);
    expect(config.shutdownTimeoutMs).toBe(20_000);
  });

  it('delivers webhooks on the Standard Webhooks schedule by default, to public addresses only', () => {
    expect(workerConfigFromEnv({}).webhooks).toEqual({
      allowPrivate: false,
      retryDelaysSeconds: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000],
      timeoutMs: 5_000,
      concurrency: 16,
    });
    expect(apiConfigFromEnv(KEYS).webhooks).toEqual({ allowPrivate: false });
  });

  it('reads the webhook schedule as seconds, fractions allowed, and refuses anything else', () => {
    const config = workerConfigFromEnv({ WEBHOOK_RETRY_DELAYS: '0.5, 2,60', WEBHOOK_ALLOW_PRIVATE: 'true' });
    expect(config.webhooks).toMatchObject({ allowPrivate: true, retryDelaysSeconds: [0.5, 2, 60] });
    for (const bad of ['1,,2', '-1', '5s', '1e3', '700000']) {
      expect(() => workerConfigFromEnv({ WEBHOOK_RETRY_DELAYS: bad }), bad).toThrow(
        /WEBHOOK_RETRY_DELAYS must be comma-separated numbers 0\.\.604800/,
      );
    }
  });
});
