import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isQueryReadTimeout, withClient } from './with-client.js';

/**
 * A pool handing out one client that records what it was released with; its `connection` emits
 * the server's messages, as pg's does.
 */
function fakePool(): {
  pool: pg.Pool;
  client: EventEmitter & { connection: EventEmitter };
  released: unknown[];
} {
  const released: unknown[] = [];
  const client = Object.assign(new EventEmitter(), {
    connection: new EventEmitter(),
    release: (error?: unknown) => {
      released.push(error);
    },
  });
  const pool = { connect: async () => client } as unknown as pg.Pool;
  return { pool, client, released };
}

describe('withClient', () => {
  it('returns a client to the pool after success and after an ordinary error', async () => {
    const { pool, released } = fakePool();
    expect(await withClient(pool, async () => 42)).toBe(42);
    const sqlError = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(
      withClient(pool, async () => {
        throw sqlError;
      }),
    ).rejects.toBe(sqlError);
    expect(released).toEqual([undefined, undefined]);
  });

  it('destroys a client whose query timed out client-side (still outstanding on the connection)', async () => {
    const { pool, released } = fakePool();
    const timeout = new Error('Query read timeout');
    await expect(
      withClient(pool, async () => {
        throw timeout;
      }),
    ).rejects.toBe(timeout);
    expect(released).toEqual([timeout]);
  });

  it('destroys a client whose connection dropped while checked out', async () => {
    const { pool, client, released } = fakePool();
    const dropped = new Error('Connection terminated unexpectedly');
    await withClient(pool, async () => {
      client.emit('error', dropped);
    });
    expect(released).toEqual([dropped]);
    expect(client.listenerCount('error')).toBe(0);
  });

  it('destroys a client the server answered with a FATAL error, and keeps one after an ERROR', async () => {
    const { pool, client, released } = fakePool();
    await withClient(pool, async () => {
      client.connection.emit('errorMessage', { severity: 'ERROR', code: '23505' });
    });
    await withClient(pool, async () => {
      client.connection.emit('errorMessage', { severity: 'FATAL', code: '57P01' });
    });
    expect(released[0]).toBeUndefined();
    expect(released[1]).toEqual(new Error('the server ended this connection'));
    expect(client.connection.listenerCount('errorMessage')).toBe(0);
  });
});

describe('isQueryReadTimeout', () => {
  it("is pg's query_timeout error and nothing else", () => {
    expect(isQueryReadTimeout(new Error('Query read timeout'))).toBe(true);
    expect(isQueryReadTimeout(new Error('Command timed out'))).toBe(false);
    expect(isQueryReadTimeout(Object.assign(new Error('canceling statement'), { code: '57014' }))).toBe(
      false,
    );
    expect(isQueryReadTimeout('Query read timeout')).toBe(false);
    expect(isQueryReadTimeout(undefined)).toBe(false);
  });
});
