import { describe, expect, it } from 'vitest';
import { isDependencyDown } from './dependency-errors.js';

// Every shape isDependencyDown answers true for, as the libraries throw them (message and code
// copied from pg, pg-pool, ioredis and PostgreSQL), and the errors it must leave to a 500.

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** As ioredis throws it: an AbortError subclass whose `name` is a getter for the class name. */
class MaxRetriesPerRequestError extends Error {
  constructor() {
    super(
      'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
    );
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/** `error` wrapped in `levels` Errors, each the previous one's cause. */
function wrapped(error: unknown, levels: number): unknown {
  let e = error;
  for (let i = 0; i < levels; i++) e = new Error(`wrapper ${i}`, { cause: e });
  return e;
}

describe('isDependencyDown', () => {
  describe('network codes (Node sockets, pg and ioredis connect errors)', () => {
    it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'])(
      '%s',
      (code) => {
        // A message that matches no DOWN_MESSAGES entry, so the code alone decides.
        expect(isDependencyDown(withCode('socket failed', code))).toBe(true);
      },
    );
  });

  describe('PostgreSQL SQLSTATEs', () => {
    it.each([
      ['08000', 'connection_exception'],
      ['08003', 'connection_does_not_exist'],
      ['08006', 'connection_failure'],
      ['08001', 'sqlclient_unable_to_establish_sqlconnection'],
      ['08004', 'sqlserver_rejected_establishment_of_sqlconnection'],
      ['08P01', 'protocol_violation'],
      ['57P01', 'admin_shutdown'],
      ['57P02', 'crash_shutdown'],
      ['57P03', 'cannot_connect_now'],
      ['53300', 'too_many_connections'],
      ['57014', 'query_canceled (statement_timeout)'],
    ])('%s %s', (code) => {
      expect(isDependencyDown(withCode('server said no', code))).toBe(true);
    });

    it.each([
      ['23505', 'unique_violation'],
      ['23503', 'foreign_key_violation'],
      ['42601', 'syntax_error'],
      ['42P01', 'undefined_table'],
      ['22P02', 'invalid_text_representation'],
      ['40001', 'serialization_failure'],
      ['57P04', 'database_dropped: only 57P01-57P03 mean restarting'],
      ['57000', 'operator_intervention (the class, not 57014)'],
      ['53200', 'out_of_memory: only 53300 of class 53'],
      ['5701', 'a prefix of 57014'],
      ['570140', '57014 with more after it'],
      ['X08006', '08xxx not at the start'],
    ])('not %s %s', (code) => {
      expect(isDependencyDown(withCode('server said no', code))).toBe(false);
    });
  });

  it('MaxRetriesPerRequestError (ioredis gave up on a command while Redis is away)', () => {
    const error = new MaxRetriesPerRequestError();
    expect(error.name).toBe('MaxRetriesPerRequestError');
    expect(isDependencyDown(error)).toBe(true);
    // By name alone, whatever the message.
    expect(
      isDependencyDown(Object.assign(new Error('whatever'), { name: 'MaxRetriesPerRequestError' })),
    ).toBe(true);
  });

  describe('messages without a code', () => {
    it.each([
      ['Connection terminated', 'pg: client.end() during a query'],
      ['Connection terminated unexpectedly', 'pg: the server closed the socket'],
      ['Connection is closed.', 'ioredis: a command on a closed connection'],
      ['connect ECONNREFUSED 127.0.0.1:6379', 'a refused connect, code lost by a wrapper'],
      ['Command timed out', 'ioredis commandTimeout: Redis stopped answering'],
      ['timeout exceeded when trying to connect', 'pg-pool connectionTimeoutMillis'],
      [
        "Stream isn't writeable and enableOfflineQueue options is false",
        'ioredis with the offline queue off',
      ],
      ['the database system is starting up', 'PostgreSQL starting'],
      ['the database system is shutting down', 'PostgreSQL stopping'],
      ['the database system is in recovery mode', 'PostgreSQL recovering'],
      ['Query read timeout', 'pg query_timeout: the server stopped answering'],
    ])('%s (%s)', (message) => {
      expect(isDependencyDown(new Error(message))).toBe(true);
    });

    it('matches a message within a longer one', () => {
      expect(isDependencyDown(new Error('enqueue failed: Command timed out after 5000 ms'))).toBe(true);
    });

    it('is case-sensitive: a different message that merely looks alike is not down', () => {
      expect(isDependencyDown(new Error('command timed out'))).toBe(false);
      expect(isDependencyDown(new Error('query timeout'))).toBe(false);
    });
  });

  describe('causes', () => {
    it('finds a down error in a cause', () => {
      expect(isDependencyDown(new Error('enqueue failed', { cause: new Error('Command timed out') }))).toBe(
        true,
      );
      expect(isDependencyDown(new Error('insert failed', { cause: withCode('timeout', '57014') }))).toBe(
        true,
      );
      expect(isDependencyDown(new Error('add failed', { cause: new MaxRetriesPerRequestError() }))).toBe(
        true,
      );
    });

    it('follows causes through plain objects and non-Error values', () => {
      expect(isDependencyDown({ cause: { code: 'ECONNRESET' } })).toBe(true);
      expect(isDependencyDown({ message: 42, cause: { message: 'Query read timeout' } })).toBe(true);
    });

    it('looks at the error and its first 4 causes, and no deeper', () => {
      const down = new Error('Command timed out');
      expect(isDependencyDown(wrapped(down, 4))).toBe(true);
      expect(isDependencyDown(wrapped(down, 5))).toBe(false);
      expect(isDependencyDown(wrapped(withCode('x', '08006'), 4))).toBe(true);
      expect(isDependencyDown(wrapped(withCode('x', '08006'), 5))).toBe(false);
    });

    it('stops on a cycle of causes instead of looping', () => {
      const a = new Error('a') as Error & { cause?: unknown };
      const b = new Error('b', { cause: a });
      a.cause = b;
      expect(isDependencyDown(a)).toBe(false);
    });

    it('is false when no cause is down', () => {
      expect(isDependencyDown(new Error('outer', { cause: new Error('inner') }))).toBe(false);
      expect(isDependencyDown(new Error('outer', { cause: withCode('duplicate key', '23505') }))).toBe(false);
    });
  });

  describe('anything else is a bug (500), not a dependency away', () => {
    it.each([
      ['a plain Error', new Error('boom')],
      [
        'a 23505 unique violation',
        withCode('duplicate key value violates unique constraint "batches_pkey"', '23505'),
      ],
      ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
      ['a RangeError', new RangeError('Invalid array length')],
      ['an error with a numeric code', Object.assign(new Error('numeric'), { code: 8006 })],
      ['an unrelated name', Object.assign(new Error('invalid'), { name: 'ValidationError' })],
      ['undefined', undefined],
      ['null', null],
      ['a string', 'Command timed out'],
      ['a number', 57014],
      ['an empty object', {}],
    ])('%s', (_name, error) => {
      expect(isDependencyDown(error)).toBe(false);
    });
  });
});
