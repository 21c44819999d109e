import { BUCKET_SECONDS } from './metric-keys.js';

/**
 * How many workers the load needs, in model tokens (chunk lengths vary; a worker's cost follows
 * its tokens, not its chunks):
 *
 *   needed now = ceil((arrival + backlog / SLA) / (utilisation x per-worker rate))
 *
 * at least 1 while anything arrives or waits, else 0; then damped as Kubernetes' HPA does: up at
 * once, down only to the largest need of the last DOWNSCALE_STABILIZATION_SECONDS, and never
 * below the configured minimum. Pure: the dashboard, /metrics and `embedq plan` all call this.
 */

/** Scale down only to the largest need this recent (the HPA's default downscale stabilization). */
export const DOWNSCALE_STABILIZATION_SECONDS = 300;
/** The per-worker rate is measured over the busy buckets this recent. */
export const RATE_SECONDS = 900;
/** Less busy worker time than this measures noise, so the configured rate is used instead. */
export const MIN_BUSY_WORKER_SECONDS = 15;
/** [CLS] and [SEP]: the model runs them with every chunk and workers count them as tokens. */
export const SPECIAL_TOKENS_PER_CHUNK = 2;
/**
 * The seed workload's tokens per chunk (63.6 word pieces plus the special tokens): only used to turn a
 * chunks/s target into tokens when nothing is pending and nothing was done to measure it.
 */
export const DEFAULT_TOKENS_PER_CHUNK = 65.6;

/** What the planner reads of a metrics bucket (FleetBucket has it all). */
export interface PlanBucket {
  /** Epoch second the bucket starts at. */
  readonly start: number;
  readonly chunks: number;
  /** Model tokens the workers ran in it. */
  readonly tokens: number;
  /** Chunks pending when an API process sampled them during the bucket. */
  readonly backlog: number | undefined;
  /** Workers that reported in the bucket (a job or a heartbeat), by id. */
  readonly workers: ReadonlyMap<string, unknown>;
}

export interface PlanObservations {
  /** Epoch ms. */
  readonly now: number;
  /** Oldest first; the last is the current, unfinished one. At least planReadSeconds of them. */
  readonly buckets: readonly PlanBucket[];
  /** Workers with a live heartbeat. */
  readonly liveWorkers: number;
  readonly pendingChunks: number;
  /** Word pieces of the pending chunks, without the special tokens. */
  readonly pendingWordPieces: number;
}

export interface PlanSettings {
  readonly slaSeconds: number;
  /** 0 < utilisation <= 1. */
  readonly utilisation: number;
  /** Tokens/s of one worker when no recent bucket had the workers busy. */
  readonly fallbackTokensPerWorkerSec: number;
  /** The arrival rate averages over this many seconds. */
  readonly windowSeconds: number;
  readonly minWorkers: number;
  /** A throughput to size the fleet for, chunks/s (0: none); reported apart from `needed`. */
  readonly targetChunksPerSec: number;
}

export interface WorkerPlan {
  /** Workers to run: `neededNow`, held up by the last 300 s and the minimum. */
  readonly needed: number;
  /** The formula on this moment's figures alone. */
  readonly neededNow: number;
  /** Workers with a live heartbeat. */
  readonly have: number;
  readonly tokensPerWorkerSec: number;
  /** `measured` on busy buckets of the last RATE_SECONDS, else `configured` (WORKER_TOKENS_PER_SEC). */
  readonly rateSource: 'measured' | 'configured';
  /** Worker-seconds the measured rate rests on (0 when configured). */
  readonly busyWorkerSeconds: number;
  /** Chunks done plus backlog growth over the window, per second. */
  readonly arrivalTokensPerSec: number;
  readonly arrivalChunksPerSec: number;
  readonly backlogChunks: number;
  readonly backlogTokens: number;
  readonly tokensPerChunk: number;
  /** backlogTokens / SLA: the rate that drains the backlog within the SLA. */
  readonly drainTokensPerSec: number;
  /** arrival + drain. */
  readonly demandTokensPerSec: number;
  /** utilisation x per-worker rate: what one more worker is planned to add. */
  readonly plannedTokensPerWorkerSec: number;
  readonly slaSeconds: number;
  readonly utilisation: number;
  readonly windowSeconds: number;
  readonly stabilizationSeconds: number;
  readonly minWorkers: number;
  readonly targetChunksPerSec: number;
  /** Workers for `targetChunksPerSec` alone, at the planned per-worker rate. */
  readonly workersForTarget: number;
}

/** Seconds of buckets, ending now, that planWorkers needs. */
export function planReadSeconds(windowSeconds: number): number {
  // Plus the current bucket, and one before the span for the backlog at its start.
  return Math.max(windowSeconds + DOWNSCALE_STABILIZATION_SECONDS, RATE_SECONDS) + 2 * BUCKET_SECONDS;
}

const BUCKET_MS = BUCKET_SECONDS * 1_000;

/** A bucket with its end in ms and the backlog known (sampled or interpolated) at that end. */
interface Step {
  readonly endMs: number;
  readonly chunks: number;
  readonly tokens: number;
  readonly workers: ReadonlyMap<string, unknown>;
  readonly backlog: number | undefined;
}

export function planWorkers(observed: PlanObservations, settings: PlanSettings): WorkerPlan {
  const steps = stepsOf(observed);
  const last = steps.length - 1;
  const measured = measureRate(steps, observed.now);
  const tokensPerWorkerSec = measured?.tokensPerSec ?? settings.fallbackTokensPerWorkerSec;
  const plannedTokensPerWorkerSec = settings.utilisation * tokensPerWorkerSec;
  const tokensPerChunk = tokensPerChunkOf(observed, steps);
  const windowMs = settings.windowSeconds * 1_000;

  const arrivalAt = (i: number): number => {
    const step = steps[i]!;
    const from = step.endMs - windowMs;
    let done = 0;
    let first: number | undefined;
    for (let m = 0; m <= i; m++) {
      const s = steps[m]!;
      if (s.endMs <= from) continue;
      // The bucket the window starts in counts for the part of it inside the window.
      done += s.tokens * Math.min(1, (s.endMs - from) / BUCKET_MS);
      if (first === undefined && s.backlog !== undefined) first = m;
    }
    // Backlog growth is counted over the part of the window whose backlog is known.
    const growth = first === undefined ? 0 : (step.backlog ?? 0) - (steps[first]!.backlog ?? 0);
    return Math.max(0, (done + growth * tokensPerChunk) / settings.windowSeconds);
  };
  const neededFor = (arrival: number, backlogTokens: number): number => {
    const demand = arrival + backlogTokens / settings.slaSeconds;
    if (demand <= 0) return 0;
    // The epsilon keeps float noise (3.0000000001) from asking for a whole extra worker.
    return Math.max(1, Math.ceil(demand / plannedTokensPerWorkerSec - 1e-9));
  };

  const backlogTokens = observed.pendingWordPieces + SPECIAL_TOKENS_PER_CHUNK * observed.pendingChunks;
  const arrivalTokensPerSec = arrivalAt(last);
  const neededNow = neededFor(arrivalTokensPerSec, backlogTokens);
  let held = neededNow;
  const heldSince = observed.now - DOWNSCALE_STABILIZATION_SECONDS * 1_000;
  for (let i = 0; i < last; i++) {
    const step = steps[i]!;
    if (step.endMs <= heldSince || step.backlog === undefined) continue;
    held = Math.max(held, neededFor(arrivalAt(i), step.backlog * tokensPerChunk));
  }
  const drainTokensPerSec = backlogTokens / settings.slaSeconds;
  return {
    needed: Math.max(settings.minWorkers, held),
    neededNow,
    have: observed.liveWorkers,
    tokensPerWorkerSec,
    rateSource: measured === undefined ? 'configured' : 'measured',
    busyWorkerSeconds: measured?.workerSeconds ?? 0,
    arrivalTokensPerSec,
    arrivalChunksPerSec: arrivalTokensPerSec / tokensPerChunk,
    backlogChunks: observed.pendingChunks,
    backlogTokens,
    tokensPerChunk,
    drainTokensPerSec,
    demandTokensPerSec: arrivalTokensPerSec + drainTokensPerSec,
    plannedTokensPerWorkerSec,
    slaSeconds: settings.slaSeconds,
    utilisation: settings.utilisation,
    windowSeconds: settings.windowSeconds,
    stabilizationSeconds: DOWNSCALE_STABILIZATION_SECONDS,
    minWorkers: settings.minWorkers,
    targetChunksPerSec: settings.targetChunksPerSec,
    workersForTarget:
      settings.targetChunksPerSec > 0
        ? Math.ceil((settings.targetChunksPerSec * tokensPerChunk) / plannedTokensPerWorkerSec - 1e-9)
        : 0,
  };
}

/**
 * The buckets as steps ending at their end (the current one at now, with this moment's backlog),
 * each with the backlog at its end: sampled, or interpolated between the samples around it;
 * unknown before the first sample.
 */
function stepsOf(observed: PlanObservations): Step[] {
  const buckets: readonly PlanBucket[] =
    observed.buckets.length > 0
      ? observed.buckets
      : [
          {
            start: Math.floor(observed.now / 1_000 / BUCKET_SECONDS) * BUCKET_SECONDS,
            chunks: 0,
            tokens: 0,
            backlog: undefined,
            workers: new Map(),
          },
        ];
  const last = buckets.length - 1;
  const ends = buckets.map((b, i) =>
    i === last ? observed.now : Math.min((b.start + BUCKET_SECONDS) * 1_000, observed.now),
  );
  const samples = buckets.map((b, i) => (i === last ? observed.pendingChunks : b.backlog));
  return buckets.map((b, i) => ({
    endMs: ends[i]!,
    chunks: b.chunks,
    tokens: b.tokens,
    workers: b.workers,
    backlog: backlogAt(samples, ends, i),
  }));
}

function backlogAt(
  samples: readonly (number | undefined)[],
  ends: readonly number[],
  i: number,
): number | undefined {
  const own = samples[i];
  if (own !== undefined) return own;
  let before = i - 1;
  while (before >= 0 && samples[before] === undefined) before--;
  let after = i + 1;
  while (after < samples.length && samples[after] === undefined) after++;
  if (before < 0 || after >= samples.length) return undefined;
  const [b0, b1] = [samples[before]!, samples[after]!];
  const [t0, t1, t] = [ends[before]!, ends[after]!, ends[i]!];
  return t1 === t0 ? b1 : b0 + ((b1 - b0) * (t - t0)) / (t1 - t0);
}

/**
 * Tokens per worker-second over the finished buckets of the last RATE_SECONDS in which the
 * workers were busy: work waiting at the bucket's start, and at its end at least as much as the
 * bucket did (the last jobs of a drain leave workers idle, so that tail is not measured).
 */
function measureRate(
  steps: readonly Step[],
  now: number,
): { tokensPerSec: number; workerSeconds: number } | undefined {
  const since = now - RATE_SECONDS * 1_000;
  let tokens = 0;
  let workerSeconds = 0;
  for (let i = 1; i < steps.length - 1; i++) {
    const step = steps[i]!;
    const atStart = steps[i - 1]!.backlog;
    if (step.endMs <= since || step.chunks === 0 || atStart === undefined || atStart <= 0) continue;
    if (step.backlog === undefined || step.backlog < step.chunks) continue;
    const present = workersPresent(steps, i);
    if (present === 0) continue;
    tokens += step.tokens;
    workerSeconds += present * BUCKET_SECONDS;
  }
  if (workerSeconds < MIN_BUSY_WORKER_SECONDS || tokens === 0) return undefined;
  return { tokensPerSec: tokens / workerSeconds, workerSeconds };
}

/**
 * Workers that reported in bucket i, or in the buckets on both sides of it: a heartbeat every
 * bucket's length can miss one bucket and land twice in the next.
 */
function workersPresent(steps: readonly Step[], i: number): number {
  const ids = new Set(steps[i]!.workers.keys());
  const next = steps[i + 1]?.workers;
  for (const id of steps[i - 1]?.workers.keys() ?? []) if (next?.has(id) === true) ids.add(id);
  return ids.size;
}

/** The pending chunks' own average, else the recent done one, else the seed workload's. */
function tokensPerChunkOf(observed: PlanObservations, steps: readonly Step[]): number {
  if (observed.pendingChunks > 0 && observed.pendingWordPieces > 0) {
    return observed.pendingWordPieces / observed.pendingChunks + SPECIAL_TOKENS_PER_CHUNK;
  }
  const since = observed.now - RATE_SECONDS * 1_000;
  let chunks = 0;
  let tokens = 0;
  for (const step of steps) {
    if (step.endMs <= since) continue;
    chunks += step.chunks;
    tokens += step.tokens;
  }
  return chunks > 0 && tokens > 0 ? tokens / chunks : DEFAULT_TOKENS_PER_CHUNK;
}
