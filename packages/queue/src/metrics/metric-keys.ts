/**
 * Where the fleet's metrics live in Redis, all under the queue prefix (so one Redis can serve
 * several deployments, and removing a prefix removes its metrics).
 *
 * - `<prefix>:metrics:bucket:<epoch second>`: a hash per BUCKET_SECONDS of time holding the
 *   fleet's sums for that slice (jobs, chunks, tokens, milliseconds, histogram counts) and each
 *   worker's chunks and RSS in it; expires after RETENTION_SECONDS, so memory is bounded by
 *   retention / bucket size, whatever the number of workers or jobs.
 * - `<prefix>:metrics:totals`: the same sums since the metrics began, never reset (Prometheus
 *   counters); a fixed set of fields.
 * - `<prefix>:metrics:worker:<id>`: a worker's heartbeat, expiring unless renewed, so a worker
 *   that died without saying so disappears; `<prefix>:metrics:workers` indexes them by last beat.
 */
export const BUCKET_SECONDS = 5;
export const RETENTION_SECONDS = 3_600;
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** Three missed beats and a worker counts as gone. */
export const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_INTERVAL_MS;

export interface MetricKeys {
  bucket(startSecond: number): string;
  readonly totals: string;
  readonly workerIndex: string;
  worker(workerId: string): string;
}

export function metricKeys(prefix: string): MetricKeys {
  const base = `${prefix}:metrics`;
  return {
    bucket: (startSecond) => `${base}:bucket:${startSecond}`,
    totals: `${base}:totals`,
    workerIndex: `${base}:workers`,
    worker: (workerId) => `${base}:worker:${workerId}`,
  };
}

/** Start (epoch second) of the bucket holding `ms`. */
export function bucketStart(ms: number): number {
  const second = Math.floor(ms / 1_000);
  return second - (second % BUCKET_SECONDS);
}

/** Field of a worker's own figure in a bucket hash; ids may contain ':', so '|' separates. */
export function workerField(workerId: string, name: 'chunks' | 'rss'): string {
  return `w|${workerId}|${name}`;
}
