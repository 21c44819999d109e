/**
 * Milliseconds to wait after attempt `attempt` (1-based) failed before the next, from a schedule of
 * seconds per retry; undefined when the schedule has no retry left.
 */
export function retryDelayMs(delaysSeconds: readonly number[], attempt: number): number | undefined {
  const seconds = delaysSeconds[attempt - 1];
  return seconds === undefined ? undefined : Math.round(seconds * 1_000);
}
