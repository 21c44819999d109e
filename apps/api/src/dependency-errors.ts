/**
 * Whether an error means Redis or Postgres is unreachable or restarting, so the request should
 * be retried later (503) rather than reported as a bug (500).
 */
export function isDependencyDown(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code)) return true;
      // Postgres: 08xxx connection exceptions, 57P01-57P03 shutdown / cannot connect now,
      // 53300 too many connections, 57014 statement timeout (the database is overloaded).
      if (/^08|^57P0[123]$|^53300$|^57014$/.test(code)) return true;
    }
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && DOWN_MESSAGES.some((m) => message.includes(m))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

const DOWN_MESSAGES = [
  'Connection terminated',
  'Connection is closed',
  'connect ECONNREFUSED',
  'Command timed out',
  'timeout exceeded when trying to connect',
  "Stream isn't writeable",
  'the database system is',
  'Query read timeout',
];
