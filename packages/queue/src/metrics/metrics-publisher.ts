import type { Redis } from 'ioredis';
import { failureIncrements, jobIncrements } from './fleet-fields.js';
import type { JobFailureSample, JobSample, WorkerHeartbeat } from './interfaces.js';
import {
  BUCKET_SECONDS,
  bucketStart,
  HEARTBEAT_TTL_MS,
  type MetricKeys,
  metricKeys,
  RETENTION_SECONDS,
  workerField,
} from './metric-keys.js';

/** A bucket outlives the retention by one bucket, so a full window is always there to read. */
const BUCKET_TTL_SECONDS = RETENTION_SECONDS + BUCKET_SECONDS;

/**
 * Writes the fleet's metrics into Redis (see metric-keys.ts): workers add job samples and
 * heartbeats, API processes the backlog they sample. Each call is one round trip.
 */
export class MetricsPublisher {
  readonly #redis: Redis;
  readonly #keys: MetricKeys;
  readonly #heartbeatTtlMs: number;

  constructor(redis: Redis, prefix: string, options: { heartbeatTtlMs?: number } = {}) {
    this.#redis = redis;
    this.#keys = metricKeys(prefix);
    this.#heartbeatTtlMs = options.heartbeatTtlMs ?? HEARTBEAT_TTL_MS;
  }

  async recordJob(sample: JobSample): Promise<void> {
    const bucket = this.#keys.bucket(bucketStart(sample.at ?? Date.now()));
    const multi = this.#redis.multi();
    for (const [field, by] of jobIncrements(sample)) {
      multi.hincrby(bucket, field, by);
      multi.hincrby(this.#keys.totals, field, by);
    }
    multi.hincrby(bucket, workerField(sample.workerId, 'chunks'), sample.chunks);
    multi.hset(bucket, workerField(sample.workerId, 'rss'), sample.rssBytes);
    multi.expire(bucket, BUCKET_TTL_SECONDS);
    await multi.exec();
  }

  async recordFailure(sample: JobFailureSample): Promise<void> {
    const bucket = this.#keys.bucket(bucketStart(sample.at ?? Date.now()));
    const multi = this.#redis.multi();
    for (const [field, by] of failureIncrements(sample)) {
      multi.hincrby(bucket, field, by);
      multi.hincrby(this.#keys.totals, field, by);
    }
    multi.expire(bucket, BUCKET_TTL_SECONDS);
    await multi.exec();
  }

  /** Renews the worker's heartbeat and records its RSS in the current bucket. */
  async heartbeat(beat: WorkerHeartbeat): Promise<void> {
    const key = this.#keys.worker(beat.workerId);
    const bucket = this.#keys.bucket(bucketStart(beat.at));
    await this.#redis
      .multi()
      .hset(key, {
        workerId: beat.workerId,
        hostname: beat.hostname,
        pid: beat.pid,
        startedAt: beat.startedAt,
        rssBytes: beat.rssBytes,
        heapUsedBytes: beat.heapUsedBytes,
        eventLoopLagP99Ms: beat.eventLoopLagP99Ms,
        activeJobs: beat.activeJobs,
        concurrency: beat.concurrency,
        at: beat.at,
      })
      .pexpire(key, this.#heartbeatTtlMs)
      .zadd(this.#keys.workerIndex, beat.at, beat.workerId)
      // The index forgets workers gone for longer than the retention, so it stays bounded too.
      .zremrangebyscore(this.#keys.workerIndex, '-inf', beat.at - RETENTION_SECONDS * 1_000)
      .hset(bucket, workerField(beat.workerId, 'rss'), beat.rssBytes)
      .expire(bucket, BUCKET_TTL_SECONDS)
      .exec();
  }

  /** A worker that stops cleanly leaves the live set at once instead of when its beat expires. */
  async removeWorker(workerId: string): Promise<void> {
    await this.#redis.multi().del(this.#keys.worker(workerId)).zrem(this.#keys.workerIndex, workerId).exec();
  }

  /** The chunks waiting, as an API process saw them (the last sample in a bucket wins). */
  async recordBacklog(chunks: number, at: number = Date.now()): Promise<void> {
    const bucket = this.#keys.bucket(bucketStart(at));
    await this.#redis.multi().hset(bucket, 'backlog', chunks).expire(bucket, BUCKET_TTL_SECONDS).exec();
  }
}
