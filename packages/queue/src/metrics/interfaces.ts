import type { QueueKind } from '../interfaces.js';

/** What a worker reports when a job has written its vectors. */
export interface JobSample {
  readonly workerId: string;
  readonly queue: QueueKind;
  /** Chunks given a vector by the job. */
  readonly chunks: number;
  /** Word pieces run through the model (no padding). */
  readonly tokens: number;
  /** The job's share of ONNX Runtime time (concurrent jobs share inference batches). */
  readonly inferenceMs: number;
  readonly readMs: number;
  readonly writeMs: number;
  /**
   * Duration of each inference batch (ONNX Runtime run) the job led, milliseconds: a batch shared
   * by several jobs is listed by one, so over all jobs each batch counts once.
   */
  readonly batchMs: readonly number[];
  /** Enqueue to the start of this attempt. */
  readonly queueWaitMs: number;
  /** Enqueue to vectors written: every chunk of the job shares it. */
  readonly latencyMs: number;
  /** The worker's resident set size when the job ended. */
  readonly rssBytes: number;
  /** When the job ended; defaults to now. */
  readonly at?: number;
}

/** A failed attempt; `final` when no retry follows (its chunks are marked failed). */
export interface JobFailureSample {
  readonly workerId: string;
  readonly queue: QueueKind;
  readonly chunks: number;
  readonly final: boolean;
  readonly at?: number;
}

/** A worker's periodic sign of life, with what the dashboard shows about it. */
export interface WorkerHeartbeat {
  readonly workerId: string;
  readonly hostname: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** p99 of the event loop's delay since the previous beat (inference blocks the loop). */
  readonly eventLoopLagP99Ms: number;
  readonly activeJobs: number;
  readonly concurrency: number;
  readonly at: number;
}

/** The fleet's sums over some span (one bucket, or since the metrics began). */
export interface FleetSums {
  readonly jobs: number;
  readonly chunks: number;
  readonly tokens: number;
  readonly inferenceMs: number;
  readonly readMs: number;
  readonly writeMs: number;
  readonly inferenceBatches: number;
  readonly failedAttempts: number;
  readonly failedJobs: number;
  readonly failedChunks: number;
  /** Chunks by enqueue-to-vector latency, bounds LATENCY_BOUNDS_SECONDS. */
  readonly latency: readonly number[];
  readonly latencySumMs: number;
  /** Jobs by queue wait, bounds LATENCY_BOUNDS_SECONDS. */
  readonly queueWait: readonly number[];
  readonly queueWaitSumMs: number;
  /** Inference batches by duration, bounds BATCH_DURATION_BOUNDS_SECONDS. */
  readonly batchDuration: readonly number[];
}

/** One bucket of the rolling window. */
export interface FleetBucket extends FleetSums {
  /** Epoch second the bucket starts at. */
  readonly start: number;
  /** Chunks waiting, when an API process sampled it during this bucket. */
  readonly backlog: number | undefined;
  /** Each worker's chunks written and last RSS reported in this bucket. */
  readonly workers: ReadonlyMap<string, { readonly chunks: number; readonly rssBytes: number | undefined }>;
}
