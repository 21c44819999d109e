import {
  BATCH_DURATION_BOUNDS_SECONDS,
  LATENCY_BOUNDS_SECONDS,
  type MetricsPublisher,
  QUEUE_KINDS,
} from '@embedq/queue';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { JOB_STATES } from './fleet-data.js';
import { FleetHistogram } from './fleet-histogram.js';
import { type FleetPlanSources, readFleetPlan } from './read-fleet-plan.js';
import { readReembeddings } from './read-reembeddings.js';
import { createReembeddingGauges } from './reembedding-gauges.js';

export interface PrometheusSources extends FleetPlanSources {
  /** Records the backlog each scrape reads, so its history has points while nobody looks at the dashboard. */
  readonly publisher: MetricsPublisher;
}

export interface PrometheusMetrics {
  readonly contentType: string;
  /** Reads the fleet's figures and renders every metric in the text format. */
  scrape(): Promise<string>;
}

/**
 * The registry behind GET /metrics: this API process's own figures (memory, event-loop lag,
 * CPU: prom-client's defaults), the queues' depth, the fleet's counters and histograms as the
 * workers published them to Redis, so one scrape of any API process covers every worker, and the
 * open re-embeddings' progress from Postgres.
 * A registry per app, so several apps in one process (tests) do not collide.
 */
export function createPrometheusMetrics(sources: PrometheusSources): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });

  const queueJobs = gauge('embedq_queue_jobs', 'Jobs in each queue by state', ['queue', 'state']);
  const backlog = gauge('embedq_backlog_chunks', 'Chunks accepted and not yet embedded or failed (Postgres)');
  const target = gauge(
    'embedq_throughput_target_chunks_per_second',
    'THROUGHPUT_TARGET: the fleet throughput to keep',
  );
  const workersLive = gauge('embedq_workers', 'Workers with a live heartbeat');
  const workerRss = gauge('embedq_worker_rss_bytes', "Each live worker's resident set size", ['worker']);
  const workerHeap = gauge('embedq_worker_heap_used_bytes', "Each live worker's V8 heap in use", ['worker']);
  const workerLag = gauge(
    'embedq_worker_event_loop_lag_p99_seconds',
    "p99 of each live worker's event-loop delay since its previous heartbeat",
    ['worker'],
  );
  const workerActive = gauge('embedq_worker_active_jobs', 'Jobs each live worker is running', ['worker']);
  const workersNeeded = gauge(
    'embedq_workers_needed',
    'Workers the load needs: ceil((arrival + backlog / LATENCY_SLA_SECONDS) / (PLANNER_UTILISATION x per-worker rate)) in model tokens, scaled down only to the largest need of the last 300 s',
  );
  const oldestWait = gauge(
    'embedq_queue_oldest_wait_seconds',
    'Seconds the longest-waiting job of the embedding queues has waited since its enqueue; 0 when none waits',
  );
  const workerRate = gauge(
    'embedq_planner_worker_tokens_per_second',
    'Model tokens/s of one worker as the planner counts it: measured while work waited, else WORKER_TOKENS_PER_SEC',
    ['source'],
  );
  const arrivalRate = gauge(
    'embedq_planner_arrival_tokens_per_second',
    'Model tokens/s arriving: done plus backlog growth over PLANNER_WINDOW_SECONDS',
  );

  const jobsCompleted = counter('embedq_jobs_completed_total', 'Jobs that wrote their vectors, fleet-wide');
  const attemptsFailed = counter(
    'embedq_job_attempts_failed_total',
    'Job attempts that failed (retried or not)',
  );
  const jobsFailed = counter(
    'embedq_jobs_failed_total',
    'Jobs that failed for good (their chunks are marked failed)',
  );
  const chunksEmbedded = counter('embedq_chunks_embedded_total', 'Chunks given a vector, fleet-wide');
  const chunksFailed = counter('embedq_chunks_failed_total', 'Chunks in jobs that failed for good');
  const tokens = counter('embedq_tokens_embedded_total', 'Word pieces run through the model (no padding)');
  const inferenceSeconds = counter('embedq_inference_seconds_total', 'Time spent in ONNX Runtime runs');
  const readSeconds = counter('embedq_read_seconds_total', 'Time jobs spent reading their texts');
  const writeSeconds = counter('embedq_write_seconds_total', 'Time jobs spent writing their vectors');

  const latency = new FleetHistogram({
    name: 'embedq_queue_latency_seconds',
    help: 'Enqueue to vector written, per chunk',
    bounds: LATENCY_BOUNDS_SECONDS,
    registry,
  });
  const queueWait = new FleetHistogram({
    name: 'embedq_queue_wait_seconds',
    help: 'Enqueue to a worker starting the job, per job attempt that succeeded',
    bounds: LATENCY_BOUNDS_SECONDS,
    registry,
  });
  const batchDuration = new FleetHistogram({
    name: 'embedq_inference_batch_duration_seconds',
    help: 'One inference batch (ONNX Runtime run)',
    bounds: BATCH_DURATION_BOUNDS_SECONDS,
    registry,
  });

  const reembeddings = createReembeddingGauges(registry);

  // Counters mirror totals kept in Redis: each scrape sets them to what it read.
  const setCounter = (metric: Counter, value: number) => {
    metric.reset();
    metric.inc(value);
  };

  const refresh = async () => {
    const [totals, reading, counts, reembedding] = await Promise.all([
      sources.reader.totals(),
      readFleetPlan(sources),
      Promise.all(QUEUE_KINDS.map((kind) => sources.queues[kind].getJobCounts(...JOB_STATES))),
      readReembeddings(sources.db),
    ]);
    const { workers, plan } = reading;
    queueJobs.reset();
    QUEUE_KINDS.forEach((kind, i) => {
      for (const [state, jobs] of Object.entries(counts[i] ?? {})) {
        queueJobs.set({ queue: sources.queues[kind].name, state }, jobs);
      }
    });
    backlog.set(reading.pending.chunks);
    await sources.publisher.recordBacklog(reading.pending.chunks, reading.now);
    workersNeeded.set(plan.needed);
    oldestWait.set(reading.oldestWaitSeconds);
    workerRate.reset();
    workerRate.set({ source: plan.rateSource }, plan.tokensPerWorkerSec);
    arrivalRate.set(plan.arrivalTokensPerSec);
    target.set(sources.target);
    workersLive.set(workers.length);
    for (const metric of [workerRss, workerHeap, workerLag, workerActive]) metric.reset();
    for (const w of workers) {
      workerRss.set({ worker: w.workerId }, w.rssBytes);
      workerHeap.set({ worker: w.workerId }, w.heapUsedBytes);
      workerLag.set({ worker: w.workerId }, w.eventLoopLagP99Ms / 1_000);
      workerActive.set({ worker: w.workerId }, w.activeJobs);
    }
    setCounter(jobsCompleted, totals.jobs);
    setCounter(attemptsFailed, totals.failedAttempts);
    setCounter(jobsFailed, totals.failedJobs);
    setCounter(chunksEmbedded, totals.chunks);
    setCounter(chunksFailed, totals.failedChunks);
    setCounter(tokens, totals.tokens);
    setCounter(inferenceSeconds, totals.inferenceMs / 1_000);
    setCounter(readSeconds, totals.readMs / 1_000);
    setCounter(writeSeconds, totals.writeMs / 1_000);
    latency.setCounts(totals.latency, totals.latencySumMs / 1_000);
    queueWait.setCounts(totals.queueWait, totals.queueWaitSumMs / 1_000);
    batchDuration.setCounts(totals.batchDuration, totals.inferenceMs / 1_000);
    // Unreadable, they have no series (not stale ones) and the rest of the scrape stands.
    reembeddings.set(reembedding.list);
  };

  return {
    contentType: registry.contentType,
    scrape: async () => {
      await refresh();
      return registry.metrics();
    },
  };
}
