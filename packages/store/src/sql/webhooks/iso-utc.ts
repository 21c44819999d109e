/**
 * SQL for a timestamptz as JavaScript's toISOString writes it (UTC, milliseconds, `Z`), for
 * timestamps inside JSON built by Postgres, whose own text form is `+00:00` and microseconds.
 */
export function isoUtc(expression: string): string {
  return `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
