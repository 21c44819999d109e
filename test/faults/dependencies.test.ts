import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  expectEachChunkEmbeddedOnce,
  postLoad,
  statusCounts,
  waitForEmbedded,
} from '../support/load-driver.js';
import { call } from '../support/pipeline.js';
import { useOwnServicesPipeline } from '../support/use-own-services-pipeline.js';

/**
 * How soon a request needing a server that is away must be refused: Redis, the producer's 5 s
 * command timeout (packages/queue/src/redis-options.ts); Postgres, the pool's 10 s connection
 * timeout (packages/store/src/create-pool.ts); /readyz, its 2 s per check
 * (apps/api/src/routes/health.ts); each + 3 s for a loaded 2-core machine. A refused connection
 * is usually answered at once; these bound the slowest way it may still be right.
 */
const DOWN_BOUND_MS = { redis: 5_000 + 3_000, postgres: 10_000 + 3_000 } as const;
const READY_BOUND_MS = 2_000 + 3_000;

// Faults on servers of the test's own (never the machine's shared ones): Redis restarted (it keeps
// nothing on disk, so a restart also loses every job) or flushed, Postgres restarted, each in the
// middle of a load. The API must answer 503 (never 500 or a hang) while one is away, and once
// it is back every accepted chunk must end embedded exactly once.
describe('Redis and Postgres going away during a load', () => {
  // A fast reconciler, so jobs Redis lost are found again within seconds, not minutes.
  const own = useOwnServicesPipeline({
    RECONCILE_INTERVAL_MS: '1000',
    RECONCILE_GRACE_SECONDS: '2',
    JOB_LOCK_MS: '5000',
    JOB_CHUNKS: '64',
    INTERACTIVE_MAX_CHUNKS: '0',
  });

  // Chunks waiting when the fault strikes: the ones whose jobs it can lose.
  const expectWorkInFlight = async () => {
    const pending = await own.pipeline.db.pool.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM chunk_states WHERE status = 'pending'`,
    );
    expect(pending.rows[0]?.n).toBeGreaterThan(0);
  };

  const refusedWhileDown = async (down: 'redis' | 'postgres') => {
    let started = performance.now();
    const posted = await call(own.pipeline.baseUrl, 'POST', '/v1/batches', {
      documentId: 'posted-while-down',
      chunks: [{ text: 'not stored' }],
    });
    // Refused in seconds, not after the client's patience: a 503 a minute late is a hang.
    expect(performance.now() - started).toBeLessThan(DOWN_BOUND_MS[down]);
    expect([posted.status, posted.body?.error?.code]).toEqual([503, 'service_unavailable']);
    expect(Number(posted.headers.get('retry-after'))).toBeGreaterThan(0);
    started = performance.now();
    const ready = await call(own.pipeline.baseUrl, 'GET', '/readyz');
    expect(performance.now() - started).toBeLessThan(READY_BOUND_MS);
    expect(ready.status).toBe(503);
    expect(ready.body.checks[down]).toMatch(/^down|^no answer/);
    expect(ready.body.checks[down === 'redis' ? 'postgres' : 'redis']).toBe('ok');
  };

  it('Redis restarted (and every job lost): 503 while it is away, then every accepted chunk embedded once', async () => {
    const load = await postLoad(own.pipeline.baseUrl, {
      name: 'redis-restart',
      documents: 6,
      chunksPerDocument: 200,
      // Right after the restart the API may still answer 503 for a moment; nothing else.
      retryOn: [503],
      between: async (accepted) => {
        if (accepted !== 2) return;
        await expectWorkInFlight();
        await own.redis.down('SIGKILL');
        try {
          await refusedWhileDown('redis');
        } finally {
          // Back up even when a check failed, so the suite's teardown is not left waiting on it.
          await own.redis.up();
        }
      },
    });
    expect(load.statuses.filter((s) => s !== 202 && s !== 503)).toEqual([]);
    expect(statusCounts(load.statuses)[202]).toBe(6);
    await waitForEmbedded(own.pipeline.db.pool, 1_200);
    await expectEachChunkEmbeddedOnce(own.pipeline.db.pool, load.accepted);
  });

  it('Redis flushed: every accepted chunk embedded once', async () => {
    const load = await postLoad(own.pipeline.baseUrl, {
      name: 'redis-flush',
      documents: 6,
      chunksPerDocument: 200,
      between: async (accepted) => {
        if (accepted !== 3) return;
        await expectWorkInFlight();
        const client = new Redis(own.redis.url);
        await client.flushall();
        await client.quit();
      },
    });
    expect(statusCounts(load.statuses)).toEqual({ 202: 6 });
    await waitForEmbedded(own.pipeline.db.pool, 1_200);
    await expectEachChunkEmbeddedOnce(own.pipeline.db.pool, load.accepted);
  });

  it('Postgres restarted: 503 while it is away, then every accepted chunk embedded once', async () => {
    const load = await postLoad(own.pipeline.baseUrl, {
      name: 'postgres-restart',
      documents: 6,
      chunksPerDocument: 200,
      // Right after the restart the API may still answer 503 for a moment; nothing else.
      retryOn: [503],
      between: async (accepted) => {
        if (accepted !== 2) return;
        await expectWorkInFlight();
        await own.postgres.down('SIGINT');
        try {
          await refusedWhileDown('postgres');
          const started = performance.now();
          const progress = await call(
            own.pipeline.baseUrl,
            'GET',
            '/v1/batches/00000000-0000-4000-8000-000000000000',
          );
          expect(performance.now() - started).toBeLessThan(DOWN_BOUND_MS.postgres);
          expect([progress.status, progress.body?.error?.code]).toEqual([503, 'service_unavailable']);
        } finally {
          await own.postgres.up();
        }
      },
    });
    expect(load.statuses.filter((s) => s !== 202 && s !== 503)).toEqual([]);
    expect(statusCounts(load.statuses)[202]).toBe(6);
    await waitForEmbedded(own.pipeline.db.pool, 1_200);
    await expectEachChunkEmbeddedOnce(own.pipeline.db.pool, load.accepted);
  });
});
