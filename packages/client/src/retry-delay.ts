/** The longest wait a Retry-After header can impose: a server asking for more is not waited out. */
export const MAX_RETRY_AFTER_MS = 60_000;

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 10_000;

/**
 * Seconds a Retry-After header asks for: delta-seconds or an HTTP date; undefined when absent or
 * unreadable.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  // Every HTTP date form begins with the day's name; Date.parse alone takes `-3` for a year.
  if (!/^[A-Za-z]/.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1_000));
}

/**
 * Milliseconds before retry number `retry` (0 for the first): the server's Retry-After when it
 * sent one (capped), else exponential backoff with jitter, so clients turned away together do
 * not come back together.
 */
export function retryDelayMs(
  retry: number,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1_000, MAX_RETRY_AFTER_MS);
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** retry);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
