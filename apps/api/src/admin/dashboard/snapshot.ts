/**
 * What /admin/dashboard/snapshot.json answers and the page draws: the fleet over a window of
 * time, as series aligned on `times` (one entry per metrics bucket, oldest first). Types only, so
 * the browser code imports it for free.
 */

/** p50/p95/p99 in seconds; null where nothing was measured. */
export interface QuantileSeries {
  readonly p50: readonly (number | null)[];
  readonly p95: readonly (number | null)[];
  readonly p99: readonly (number | null)[];
}

export interface Quantiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface WorkerView {
  readonly workerId: string;
  readonly hostname: string;
  readonly pid: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly eventLoopLagP99Ms: number;
  readonly activeJobs: number;
  readonly concurrency: number;
  /** Over the last CURRENT_SECONDS. */
  readonly chunksPerSec: number;
  readonly uptimeSeconds: number;
  /** Seconds since its last heartbeat. */
  readonly lastSeenSeconds: number;
}

export interface WorkerSeries {
  readonly workerId: string;
  /** Whether its heartbeat is still live. */
  readonly live: boolean;
  readonly rssMb: readonly (number | null)[];
  readonly chunksPerSec: readonly number[];
}

export interface FailedJobView {
  readonly queue: string;
  readonly jobId: string;
  readonly batchId: string | null;
  readonly range: string | null;
  readonly attempts: number;
  readonly reason: string;
  /** Epoch ms. */
  readonly failedAt: number;
  /** The job's page in Bull Board. */
  readonly link: string;
}

export interface QueueView {
  readonly name: string;
  readonly kind: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly link: string;
}

/**
 * How many workers the load needs: ceil((arrival + backlog / SLA) / (utilisation x per-worker
 * rate)) in model tokens, scaled down only to the largest need of the last `stabilizationSeconds`.
 */
export interface PlanView {
  readonly needed: number;
  /** Workers with a live heartbeat. */
  readonly have: number;
  /** The formula on this moment's figures, before damping. */
  readonly neededNow: number;
  /** Model tokens/s of one worker. */
  readonly tokensPerWorkerSec: number;
  /** `measured` while work waited, else `configured` (WORKER_TOKENS_PER_SEC). */
  readonly rateSource: 'measured' | 'configured';
  readonly arrivalChunksPerSec: number;
  readonly arrivalTokensPerSec: number;
  readonly backlogChunks: number;
  readonly backlogTokens: number;
  readonly tokensPerChunk: number;
  readonly slaSeconds: number;
  readonly utilisation: number;
  /** The arrival rate averages over this long. */
  readonly windowSeconds: number;
  readonly stabilizationSeconds: number;
  /** THROUGHPUT_TARGET, chunks/s, and the workers it takes at the planned rate. */
  readonly targetChunksPerSec: number;
  readonly workersForTarget: number;
  /** The longest-waiting job's wait so far; 0 when none waits. */
  readonly oldestWaitSeconds: number;
}

export type ReembeddingViewState = 'running' | 'paused' | 'switched' | 'cancelled';

/** A namespace being re-embedded by another model identity, as the driver last counted it. */
export interface ReembeddingView {
  readonly namespace: string;
  /** `model precision sha256-prefix` of the identity search uses now, and of the new one. */
  readonly from: string;
  readonly to: string;
  readonly state: ReembeddingViewState;
  /** Chunks of the namespace with a vector of the new identity, with a failure of it, and in all. */
  readonly done: number;
  readonly failed: number;
  readonly total: number;
  /** done / total in percent, one decimal, rounded down: 100 only once every chunk has its vector. */
  readonly percent: number;
  /** Smoothed over the driver's counts; null unless running and counted twice. */
  readonly chunksPerSecond: number | null;
  /** Seconds left at that rate; null when unknown or not running. */
  readonly etaSeconds: number | null;
  /** Epoch ms of the driver's last count; null before the first. */
  readonly countedAt: number | null;
  /** Epoch ms it entered its state (paused, switched, cancelled at). */
  readonly stateSince: number;
}

export interface DashboardSnapshot {
  /** Epoch ms. */
  readonly generatedAt: number;
  readonly bucketSeconds: number;
  readonly windowSeconds: number;
  /** Seconds the "current" figures average over. */
  readonly currentSeconds: number;
  /** Bucket starts, epoch ms. */
  readonly times: readonly number[];
  readonly throughput: {
    readonly chunksPerSec: readonly number[];
    readonly target: number;
    readonly current: number;
    /** current / target. */
    readonly ratio: number;
    readonly tokensPerSec: number;
  };
  readonly latency: {
    /** Enqueue to vector written, per chunk. */
    readonly endToEnd: QuantileSeries;
    /** Enqueue to a worker taking the job, per job. */
    readonly queueWait: QuantileSeries;
    readonly currentEndToEnd: Quantiles | null;
    readonly currentQueueWait: Quantiles | null;
  };
  readonly backlog: {
    /** Chunks waiting, where an API process sampled it. */
    readonly chunks: readonly (number | null)[];
    readonly current: number;
    /** Seconds to embed the backlog at the current rate; null when nothing drains it. */
    readonly drainSeconds: number | null;
  };
  readonly workers: {
    readonly live: readonly WorkerView[];
    readonly series: readonly WorkerSeries[];
    readonly rssTargetMb: number;
    readonly dynoLimitMb: number;
  };
  readonly plan: PlanView;
  readonly failures: {
    readonly lastHour: number;
    readonly reasons: readonly { readonly reason: string; readonly jobs: number }[];
    readonly recent: readonly FailedJobView[];
  };
  readonly queues: readonly QueueView[];
  /** Open re-embeddings, then those finished in the last day; empty when none (or unreadable). */
  readonly reembeddings: readonly ReembeddingView[];
  /** Why the re-embeddings could not be read, when they could not; the rest of the page stands. */
  readonly reembeddingsError: string | null;
  readonly links: { readonly bullBoard: string };
}
