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
export {
  DEFAULT_TOKENS_PER_CHUNK,
  DOWNSCALE_STABILIZATION_SECONDS,
  MIN_BUSY_WORKER_SECONDS,
  type PlanBucket,
  type PlanObservations,
  type PlanSettings,
  planReadSeconds,
  planWorkers,
  RATE_SECONDS,
  SPECIAL_TOKENS_PER_CHUNK,
  type WorkerPlan,
} from './plan-workers.js';
export {
  planSettingsOf,
  readWorkerPlan,
  type WorkerPlanReading,
  type WorkerPlanSources,
} from './read-worker-plan.js';
