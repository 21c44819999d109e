import type { RedisOptions } from 'ioredis';
import type { QueueConnectionOptions } from './interfaces.js';

/**
 * ioredis options for a URL. `rediss://` turns TLS on; Heroku Redis serves a self-signed
 * certificate, so verification is off unless asked for. `role` picks what happens when Redis is
 * away: a producer (the API) fails fast so the request can answer 503, a consumer (a worker)
 * waits and reconnects by itself, as BullMQ requires of workers.
 */
export function redisOptions(
  connection: QueueConnectionOptions,
  role: 'producer' | 'consumer',
): RedisOptions {
  const url = new URL(connection.url);
  const tls = url.protocol === 'rediss:';
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname,
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    db: Number.isInteger(db) ? db : 0,
    ...(tls ? { tls: { rejectUnauthorized: connection.tlsVerify } } : {}),
    connectTimeout: 10_000,
    ...(role === 'producer'
      ? { maxRetriesPerRequest: 1, commandTimeout: 5_000 }
      : { maxRetriesPerRequest: null }),
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 5_000),
  };
}
