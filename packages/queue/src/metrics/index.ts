export {
  addCounts,
  BATCH_DURATION_BOUNDS_SECONDS,
  bucketIndex,
  LATENCY_BOUNDS_SECONDS,
  quantile,
} from './histogram.js';
export type { FleetBucket, FleetSums, JobFailureSample, JobSample, WorkerHeartbeat } from './interfaces.js';
export {
  BUCKET_SECONDS,
  bucketStart,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TTL_MS,
  metricKeys,
  RETENTION_SECONDS,
} from './metric-keys.js';
export { MetricsPublisher } from './metrics-publisher.js';
export { MetricsReader } from './metrics-reader.js';
