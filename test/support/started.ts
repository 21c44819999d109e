/**
 * What a suite fixture set up in its beforeAll/beforeEach, or a clear error when a test reads it
 * before then (or after a failed setup).
 */
export function started<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Error(`${what} starts in the suite's setup, which has not run (or failed)`);
  return value;
}
