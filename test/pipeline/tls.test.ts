import { createEmbedder, type Embedder } from '@embedq/embedder';
import { JobProducer } from '@embedq/queue';
import { createPool } from '@embedq/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnServer, startPostgres, startRedis } from '../support/own-services.js';
import { call, type Pipeline, startPipeline } from '../support/pipeline.js';
import { waitFor } from '../support/wait-for.js';

// Heroku Redis hands out rediss:// URLs with a self-signed certificate and Heroku Postgres
// requires SSL; both are reproduced here with servers of the test's own.
describe('TLS Redis and SSL-only Postgres, from the URLs alone', () => {
  let redis: OwnServer;
  let postgres: OwnServer;
  let embedder: Embedder;
  let pipeline: Pipeline | undefined;

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis({ tls: true }), startPostgres({ ssl: true })]);
    embedder = await createEmbedder({ maxBatchTokens: 1024 });
  });
  afterAll(async () => {
    await pipeline?.close();
    await embedder?.close();
    await Promise.all([redis?.stop(), postgres?.stop()]);
  });

  it('connects to rediss:// with a self-signed certificate, and refuses it when asked to verify', async () => {
    const producer = new JobProducer({ url: redis.url, tlsVerify: false });
    await expect(producer.ping()).resolves.toBeUndefined();
    await producer.close();

    const strict = new JobProducer({ url: redis.url, tlsVerify: true });
    await expect(strict.ping()).rejects.toThrow();
    await strict.close();
  });

  it('uses SSL for sslmode=require and for DATABASE_SSL=require; the server refuses plain connections', async () => {
    for (const [url, ssl] of [
      [`${postgres.url}?sslmode=require`, 'auto'],
      [postgres.url, 'require'],
    ] as const) {
      const pool = createPool({ url, ssl, max: 1, applicationName: 'tls-test' });
      const result = await pool.query<{ ssl: boolean }>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      expect(result.rows[0]?.ssl).toBe(true);
      await pool.end();
    }
    const plain = createPool({ url: postgres.url, ssl: 'auto', max: 1, applicationName: 'tls-test' });
    await expect(plain.query('SELECT 1')).rejects.toThrow(/no pg_hba.conf entry|SSL off/);
    await plain.end();
  });

  it('runs the whole pipeline over both', async () => {
    pipeline = await startPipeline(
      { redisUrl: redis.url, databaseUrl: `${postgres.url}?sslmode=require` },
      embedder,
    );
    const posted = await call(pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId: 'tls',
      chunks: [{ text: 'Encrypted all the way.' }, { text: 'Both hops use TLS.' }],
    });
    expect(posted.status).toBe(202);
    const done = await waitFor('the batch over TLS', async () => {
      const progress = await call(pipeline!.baseUrl, 'GET', `/v1/batches/${posted.body.batchId}`);
      return progress.body.status === 'completed' ? progress.body : undefined;
    });
    expect(done).toMatchObject({ embedded: 2, failed: 0 });
  });
});
