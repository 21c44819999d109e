import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { expectEachChunkEmbeddedOnce, postLoad, waitForEmbedded } from '../support/load-driver.js';
import { TEST_API_KEY } from '../support/pipeline.js';
import { useOwnServicesPipeline } from '../support/use-own-services-pipeline.js';
import { waitFor } from '../support/wait-for.js';

// "Too slow": a server that keeps its connections open and answers nothing (SIGSTOP), the case a
// refused connection does not cover. Redis and Postgres are the test's own; every request made
// while one is stalled must answer within a bound derived from the configured timeouts, and a
// hang fails the test (the client gives up at that bound) instead of waiting for vitest.

/** Producer commandTimeout (packages/queue/src/redis-options.ts): a Redis command's longest wait. */
const REDIS_COMMAND_TIMEOUT_MS = 5_000;
/**
 * The longest a request waits on a Postgres that does not answer: a query on an open connection
 * waits out the API pool's client-side query_timeout, 20 s (packages/store/src/create-pool.ts:
 * statementTimeoutMs 15 s from apps/api/src/api-runtime.ts, + 5 s; the server-side
 * statement_timeout cannot fire in a stopped server); a new connection waits out the pool's
 * connectionTimeoutMillis, 10 s, which is shorter.
 */
const POSTGRES_QUERY_TIMEOUT_MS = 20_000;
/** /readyz gives each check this long (CHECK_TIMEOUT_MS in apps/api/src/routes/health.ts). */
const READY_CHECK_TIMEOUT_MS = 2_000;
/** For everything besides the wait: the rest of the request, inference, a loaded 2-core machine. */
const MARGIN_MS = 3_000;

const REDIS_BOUND_MS = REDIS_COMMAND_TIMEOUT_MS + MARGIN_MS;
const POSTGRES_BOUND_MS = POSTGRES_QUERY_TIMEOUT_MS + MARGIN_MS;
const READY_BOUND_MS = READY_CHECK_TIMEOUT_MS + MARGIN_MS;
/** A request that does not need the stalled server. */
const UNAFFECTED_BOUND_MS = MARGIN_MS;

interface TimedResponse {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests check response bodies field by field
  readonly body: any;
  readonly ms: number;
}

/** A JSON request that fails the test when no answer comes within `limitMs` (a hang). */
async function timedCall(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  limitMs: number,
): Promise<TimedResponse> {
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(limitMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : JSON.parse(text),
      ms: performance.now() - started,
    };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      throw new Error(`${method} ${path}: no answer within ${limitMs} ms`);
    }
    throw error;
  }
}

describe('Redis or Postgres stalled (SIGSTOP) during a load', () => {
  const own = useOwnServicesPipeline({
    RECONCILE_INTERVAL_MS: '1000',
    RECONCILE_GRACE_SECONDS: '2',
    JOB_CHUNKS: '32',
    INTERACTIVE_MAX_CHUNKS: '0',
  });

  /** A batch accepted before the stall, for GET /v1/batches/:id; and work still waiting. */
  const acceptedBatchWithWorkInFlight = async (): Promise<string> => {
    const found = await own.pipeline.db.pool.query<{ id: string; pending: number }>(
      `SELECT (SELECT id FROM batches ORDER BY created_at LIMIT 1) AS id,
              (SELECT count(*)::integer FROM chunk_states WHERE status = 'pending') AS pending`,
    );
    const row = found.rows[0];
    expect(row?.pending).toBeGreaterThan(0);
    return row?.id as string;
  };

  const expectUnavailable = (response: TimedResponse, boundMs: number) => {
    expect(response.ms).toBeLessThan(boundMs);
    expect([response.status, response.body?.error?.code]).toEqual([503, 'service_unavailable']);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  };

  it('Redis stalled: 503 with Retry-After within the command timeout, /readyz names redis, then every accepted chunk embedded once', async () => {
    const load = await postLoad(own.pipeline.baseUrl, {
      name: 'redis-stall',
      documents: 4,
      chunksPerDocument: 100,
      between: async (accepted) => {
        if (accepted !== 2) return;
        const batchId = await acceptedBatchWithWorkInFlight();
        own.redis.pause();
        try {
          const [posted, progress, search, ready] = await Promise.all([
            timedCall(
              own.pipeline.baseUrl,
              'POST',
              '/v1/batches',
              { documentId: 'posted-while-redis-stalled', chunks: [{ text: 'not stored' }] },
              REDIS_BOUND_MS,
            ),
            timedCall(own.pipeline.baseUrl, 'GET', `/v1/batches/${batchId}`, undefined, UNAFFECTED_BOUND_MS),
            timedCall(
              own.pipeline.baseUrl,
              'POST',
              '/v1/search',
              { query: 'stalled', k: 3 },
              UNAFFECTED_BOUND_MS,
            ),
            timedCall(own.pipeline.baseUrl, 'GET', '/readyz', undefined, READY_BOUND_MS),
          ]);
          // Enqueueing needs Redis: refused, as the command timeout ends the wait.
          expectUnavailable(posted, REDIS_BOUND_MS);
          // Progress and search need only Postgres: answered as usual.
          expect([progress.status, progress.body.batchId]).toEqual([200, batchId]);
          expect(search.status).toBe(200);
          expect(Array.isArray(search.body.results)).toBe(true);
          expect(ready.ms).toBeLessThan(READY_BOUND_MS);
          expect(ready.status).toBe(503);
          expect(Number(ready.headers.get('retry-after'))).toBeGreaterThan(0);
          expect([ready.body.checks.redis, ready.body.checks.postgres]).toEqual([
            `no answer within ${READY_CHECK_TIMEOUT_MS} ms`,
            'ok',
          ]);
        } finally {
          own.redis.resume();
        }
      },
    });
    // The load posts only before and after the stall, so each document is accepted at once.
    expect(load.statuses).toEqual([202, 202, 202, 202]);
    await waitForEmbedded(own.pipeline.db.pool, 400, 60_000);
    await expectEachChunkEmbeddedOnce(own.pipeline.db.pool, load.accepted);
  });

  it('Postgres stalled (postmaster and backends): 503 with Retry-After within the query timeout, /readyz names postgres, then every accepted chunk embedded once', async () => {
    const load = await postLoad(own.pipeline.baseUrl, {
      name: 'postgres-stall',
      documents: 4,
      chunksPerDocument: 100,
      between: async (accepted) => {
        if (accepted !== 2) return;
        const batchId = await acceptedBatchWithWorkInFlight();
        // Open, idle connections in the API's pool, as a busy API has: the stall must find some,
        // so that queries on them wait for an answer (stopping only the postmaster would leave
        // these answering, and the test would see 200s). Concurrent requests open them; a fast
        // progress query can be answered on one connection before the next request needs one,
        // so they are sent again until at least three are open (one goes to the POST below).
        await waitFor('the API to hold idle database connections', async () => {
          await Promise.all(
            Array.from({ length: 8 }, () =>
              timedCall(
                own.pipeline.baseUrl,
                'GET',
                `/v1/batches/${batchId}`,
                undefined,
                UNAFFECTED_BOUND_MS,
              ),
            ),
          );
          return (await idleApiConnections(own.pipeline.db.pool)) >= 3 ? true : undefined;
        });
        // A POST caught mid-transaction by the stall: it waits for its document's lock, held here,
        // when the server stops answering. (Its ROLLBACK once queued behind the unanswered
        // statement: two query timeouts, 40 s, and the API's 30 s socket timeout dropped it.)
        const holder = new pg.Client({ connectionString: own.pipeline.db.url });
        await holder.connect();
        await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [
          JSON.stringify(['default', 'in-flight-when-postgres-stalled']),
        ]);
        const inFlight = timedCall(
          own.pipeline.baseUrl,
          'POST',
          '/v1/batches',
          { documentId: 'in-flight-when-postgres-stalled', chunks: [{ text: 'not stored either' }] },
          POSTGRES_BOUND_MS,
        );
        // Awaited below; until then a failure elsewhere must not leave its rejection unhandled.
        inFlight.catch(() => undefined);
        await waitForLockWait(own.pipeline.db.pool);
        const idle = await idleApiConnections(own.pipeline.db.pool);
        expect(idle).toBeGreaterThanOrEqual(2);
        own.postgres.pause();
        try {
          // More requests than idle connections: some query on an open connection (query_timeout),
          // the others need a new one or wait for one (connectionTimeoutMillis).
          const stalledGets = Array.from({ length: idle + 1 }, () =>
            timedCall(own.pipeline.baseUrl, 'GET', `/v1/batches/${batchId}`, undefined, POSTGRES_BOUND_MS),
          );
          const [posted, search, ready, caught, ...progress] = await Promise.all([
            timedCall(
              own.pipeline.baseUrl,
              'POST',
              '/v1/batches',
              { documentId: 'posted-while-postgres-stalled', chunks: [{ text: 'not stored' }] },
              POSTGRES_BOUND_MS,
            ),
            timedCall(
              own.pipeline.baseUrl,
              'POST',
              '/v1/search',
              { query: 'stalled', k: 3 },
              POSTGRES_BOUND_MS,
            ),
            timedCall(own.pipeline.baseUrl, 'GET', '/readyz', undefined, READY_BOUND_MS),
            inFlight,
            ...stalledGets,
          ]);
          expectUnavailable(posted, POSTGRES_BOUND_MS);
          expectUnavailable(search, POSTGRES_BOUND_MS);
          for (const response of progress) expectUnavailable(response, POSTGRES_BOUND_MS);
          expectUnavailable(caught, POSTGRES_BOUND_MS);
          expect(ready.ms).toBeLessThan(READY_BOUND_MS);
          expect(ready.status).toBe(503);
          expect(Number(ready.headers.get('retry-after'))).toBeGreaterThan(0);
          expect([ready.body.checks.redis, ready.body.checks.postgres]).toEqual([
            'ok',
            `no answer within ${READY_CHECK_TIMEOUT_MS} ms`,
          ]);
        } finally {
          own.postgres.resume();
          await holder.end();
        }
      },
    });
    // The load posts only before and after the stall, so each document is accepted at once.
    expect(load.statuses).toEqual([202, 202, 202, 202]);
    await waitForEmbedded(own.pipeline.db.pool, 400, 60_000);
    await expectEachChunkEmbeddedOnce(own.pipeline.db.pool, load.accepted);
  });
});

/** The API's open connections that wait for a query (checked in to its pool). */
async function idleApiConnections(db: pg.Pool): Promise<number> {
  const idle = await db.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM pg_stat_activity
      WHERE application_name = 'embedq-api' AND datname = current_database() AND state = 'idle'`,
  );
  return idle.rows[0]?.n ?? 0;
}

/** Waits until a connection of the API waits for an advisory lock. */
async function waitForLockWait(db: pg.Pool): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const waiting = await db.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM pg_stat_activity
        WHERE application_name = 'embedq-api' AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
    );
    if ((waiting.rows[0]?.n ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error('the in-flight POST never waited for its lock');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
