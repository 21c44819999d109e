import type { Redis } from 'ioredis';
import { parseFleetSums } from './fleet-fields.js';
import type { FleetBucket, FleetSums, WorkerHeartbeat } from './interfaces.js';
import { BUCKET_SECONDS, bucketStart, HEARTBEAT_TTL_MS, type MetricKeys, metricKeys } from './metric-keys.js';

/** Reads what MetricsPublisher wrote, summed over every worker that wrote it. */
export class MetricsReader {
  readonly #redis: Redis;
  readonly #keys: MetricKeys;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#keys = metricKeys(prefix);
  }

  /** Every bucket from `fromMs` to `toMs` (both included), oldest first; empty buckets are zeros. */
  async buckets(fromMs: number, toMs: number): Promise<FleetBucket[]> {
    const starts: number[] = [];
    for (let start = bucketStart(fromMs); start <= bucketStart(toMs); start += BUCKET_SECONDS) {
      starts.push(start);
    }
    const pipeline = this.#redis.pipeline();
    for (const start of starts) pipeline.hgetall(this.#keys.bucket(start));
    const replies = (await pipeline.exec()) ?? [];
    return starts.map((start, i) => {
      const [error, hash] = replies[i] ?? [null, {}];
      if (error) throw error;
      return parseBucket(start, hash as Record<string, string>);
    });
  }

  /** The fleet's sums since the metrics began (Prometheus counters). */
  async totals(): Promise<FleetSums> {
    return parseFleetSums(await this.#redis.hgetall(this.#keys.totals));
  }

  /** Workers whose heartbeat has not expired, by id. */
  async liveWorkers(now: number = Date.now()): Promise<WorkerHeartbeat[]> {
    const ids = await this.#redis.zrangebyscore(this.#keys.workerIndex, now - HEARTBEAT_TTL_MS, '+inf');
    if (ids.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.#keys.worker(id));
    const replies = (await pipeline.exec()) ?? [];
    const workers: WorkerHeartbeat[] = [];
    for (const [error, hash] of replies) {
      if (error) throw error;
      const beat = parseHeartbeat(hash as Record<string, string>);
      if (beat !== undefined) workers.push(beat);
    }
    return workers.sort((a, b) => a.workerId.localeCompare(b.workerId));
  }
}

function parseBucket(start: number, hash: Record<string, string>): FleetBucket {
  const workers = new Map<string, { chunks: number; rssBytes: number | undefined }>();
  for (const [field, value] of Object.entries(hash)) {
    if (!field.startsWith('w|')) continue;
    const cut = field.lastIndexOf('|');
    const id = field.slice(2, cut);
    const entry = workers.get(id) ?? { chunks: 0, rssBytes: undefined };
    if (field.endsWith('|chunks')) entry.chunks = Number(value);
    else entry.rssBytes = Number(value);
    workers.set(id, entry);
  }
  return {
    start,
    ...parseFleetSums(hash),
    backlog: hash.backlog === undefined ? undefined : Number(hash.backlog),
    workers,
  };
}

function parseHeartbeat(hash: Record<string, string>): WorkerHeartbeat | undefined {
  // An expired key reads as an empty hash.
  if (hash.workerId === undefined) return undefined;
  const num = (field: string) => Number(hash[field] ?? 0);
  return {
    workerId: hash.workerId,
    hostname: hash.hostname ?? '',
    pid: num('pid'),
    startedAt: num('startedAt'),
    rssBytes: num('rssBytes'),
    heapUsedBytes: num('heapUsedBytes'),
    eventLoopLagP99Ms: num('eventLoopLagP99Ms'),
    activeJobs: num('activeJobs'),
    concurrency: num('concurrency'),
    at: num('at'),
  };
}
