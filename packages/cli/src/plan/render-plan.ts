import { RATE_SECONDS, type WorkerPlan } from '@embedq/queue';

/** What `embedq plan` prints its answer from. */
export interface PlanAnswer {
  readonly plan: WorkerPlan;
  readonly oldestWaitSeconds: number;
}

const number = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const workers = (n: number) => `${n} worker${n === 1 ? '' : 's'}`;

/** One screen: the answer, the formula with this moment's numbers in it, and every input. */
export function renderPlan({ plan: p, oldestWaitSeconds }: PlanAnswer): string {
  const verdict =
    p.have < p.needed
      ? `scale up by ${p.needed - p.have}`
      : p.have > p.needed
        ? `scale down by ${p.have - p.needed}`
        : 'enough';
  const ratio = p.demandTokensPerSec / p.plannedTokensPerWorkerSec;
  const rate =
    p.rateSource === 'measured'
      ? `measured: ${number(p.busyWorkerSeconds)} worker-seconds with work waiting, last ${RATE_SECONDS} s`
      : 'assumed (WORKER_TOKENS_PER_SEC): none measured lately';
  const held =
    p.needed > p.neededNow
      ? `${workers(p.needed)}: ${p.needed === p.minWorkers && p.minWorkers > p.neededNow ? 'the minimum' : `the largest need of the last ${p.stabilizationSeconds} s, held before scaling down`}`
      : `${workers(p.needed)}: nothing larger in the last ${p.stabilizationSeconds} s${p.minWorkers > 0 ? `, minimum ${p.minWorkers}` : ''}`;
  const rows: [string, string, string][] = [
    [
      'arrival',
      `${number(p.arrivalTokensPerSec)} tokens/s`,
      `${number(p.arrivalChunksPerSec, 1)} chunks/s: done + backlog growth in ${p.windowSeconds} s (PLANNER_WINDOW_SECONDS)`,
    ],
    [
      'backlog',
      `${number(p.backlogTokens)} tokens`,
      `${number(p.backlogChunks)} chunks of ${number(p.tokensPerChunk, 1)} tokens ([CLS] and [SEP] included)`,
    ],
    ['SLA', `${number(p.slaSeconds)} s`, 'LATENCY_SLA_SECONDS: drain the backlog within it'],
    ['per worker', `${number(p.tokensPerWorkerSec)} tokens/s`, rate],
    ['utilisation', number(p.utilisation, 2), 'PLANNER_UTILISATION'],
    ['minimum', workers(p.minWorkers), 'PLANNER_MIN_WORKERS'],
    ['live', workers(p.have), 'heartbeats in Redis'],
    ['oldest wait', `${number(oldestWaitSeconds, 1)} s`, 'the longest-waiting job, since its enqueue'],
  ];
  const width = Math.max(...rows.map(([, value]) => value.length));
  const target =
    p.targetChunksPerSec > 0
      ? `\nTarget ${number(p.targetChunksPerSec)} chunks/s (THROUGHPUT_TARGET) = ${number(p.targetChunksPerSec * p.tokensPerChunk)} tokens/s: ${workers(p.workersForTarget)} at ${number(p.plannedTokensPerWorkerSec)} tokens/s each.\n`
      : '';
  return `need ${workers(p.needed)}, have ${p.have} (${verdict})

  needed now = ceil((arrival + backlog / SLA) / (utilisation x per-worker rate))
             = ceil((${number(p.arrivalTokensPerSec)} + ${number(p.backlogTokens)} / ${p.slaSeconds}) / (${number(p.utilisation, 2)} x ${number(p.tokensPerWorkerSec)})) = ceil(${number(ratio, 2)}) = ${p.neededNow}${p.neededNow === 1 && ratio > 0 && ratio < 1 ? ' (at least 1 while work arrives or waits)' : ''}
  needed     = ${held}

Inputs, in model tokens (flags override the variables, see --help):
${rows.map(([name, value, note]) => `  ${name.padEnd(11)} ${value.padEnd(width)}  ${note}`).join('\n')}
${target}`;
}
