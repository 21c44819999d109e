import { createPool, withClient } from '@embedq/store';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesOrSkip } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('withClient against a real PostgreSQL');

describe.skipIf(services === undefined)('withClient', () => {
  let pool: pg.Pool;
  let admin: pg.Pool;

  beforeAll(() => {
    if (services === undefined) return;
    pool = createPool({
      url: services.databaseUrl,
      ssl: 'auto',
      max: 2,
      applicationName: 'embedq-with-client',
    });
    admin = createPool({
      url: services.databaseUrl,
      ssl: 'auto',
      max: 1,
      applicationName: 'embedq-test-admin',
    });
  });
  afterAll(async () => {
    await pool?.end();
    await admin?.end();
  });

  it('returns what the callback returns and gives the client back to the pool', async () => {
    const value = await withClient(
      pool,
      async (client) => (await client.query<{ n: number }>('SELECT 7 AS n')).rows[0]?.n,
    );
    expect(value).toBe(7);
    expect(pool.idleCount).toBeGreaterThanOrEqual(1);
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  it('survives the connection dropping while the caller waits elsewhere, and destroys that client', async () => {
    let lostPid: number | undefined;
    const outcome = await withClient(pool, async (client) => {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      lostPid = pid;
      // The server ends this backend while no query is running on it, as a restart would. The
      // client emits 'error'; unhandled, that would crash the process (and fail this test).
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await waitFor(
        'the backend to end',
        async () => {
          const alive = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
          return alive.rowCount === 0 ? true : undefined;
        },
        5_000,
      );
      return client.query('SELECT 1').then(
        () => 'query worked',
        (error: Error) => `query failed: ${error.message}`,
      );
    });
    expect(outcome).toMatch(/^query failed: /);
    // The broken client was destroyed, not returned: the pool's next client (the last one
    // released, if it had been kept) is a working new backend.
    const next = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(next.rows[0]?.pid).not.toBe(lostPid);
  });

  it('destroys a client whose running query the server ended, before its socket is seen to close', async () => {
    let lostPid: number | undefined;
    const outcome = await withClient(pool, async (client) => {
      lostPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const running = client.query('SELECT pg_sleep(30)').then(
        () => 'query finished',
        (error: Error) => `query failed: ${error.message}`,
      );
      await waitFor(
        'the sleep to be running',
        async () => {
          const active = await admin.query(
            "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'",
            [lostPid],
          );
          return active.rowCount === 1 ? true : undefined;
        },
        5_000,
      );
      await admin.query('SELECT pg_terminate_backend($1)', [lostPid]);
      return running;
    });
    // The server's FATAL answer reaches the running query first; pg keeps the client queryable
    // until it reads the socket's end, which has not happened when the next query starts below.
    expect(outcome).toMatch(/^query failed: terminating connection/);
    const next = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(next.rows[0]?.pid).not.toBe(lostPid);
  });

  it('releases the client when the callback throws', async () => {
    await expect(
      withClient(pool, async () => {
        throw new Error('caller failed');
      }),
    ).rejects.toThrow('caller failed');
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });
});
