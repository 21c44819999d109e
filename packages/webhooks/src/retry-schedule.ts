/**
 * Seconds to wait after each failed attempt before the next, as the Standard Webhooks
 * specification suggests: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. Eight attempts over about
 * 27.6 hours; the last failure gives the delivery up.
 */
export const DEFAULT_RETRY_DELAYS_SECONDS: readonly number[] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

/** Milliseconds before attempt `attempt + 1` after attempt `attempt` (1-based) failed; undefined: none left. */
export function retryDelayMs(delaysSeconds: readonly number[], attempt: number): number | undefined {
  const seconds = delaysSeconds[attempt - 1];
  return seconds === undefined ? undefined : Math.round(seconds * 1_000);
}
