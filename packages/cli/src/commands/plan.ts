import { MAX_PLANNER_WINDOW_SECONDS, plannerConfigFromEnv, serviceConfigFromEnv } from '@embedq/config';
import { JobProducer, MetricsReader, planSettingsOf, QUEUE_KINDS, readWorkerPlan } from '@embedq/queue';
import { createPool } from '@embedq/store';
import type { Command, CommandContext } from '../command.js';
import { parseCommandArgs, parseDecimalInRange, parseWholeInRange } from '../options.js';
import { renderPlan } from '../plan/render-plan.js';
import { UsageError } from '../usage-error.js';

const NAME = 'plan';
const MAX_RATE = 10_000_000;

export const planHelp = `Usage: embedq plan [--sla S] [--target N] [--utilisation U] [--window S]
                  [--worker-tokens N] [--min-workers N] [--json]

How many workers the load needs, from the fleet's metrics in Redis and the backlog in Postgres
(what the dashboard's card and /metrics' embedq_workers_needed show), with every input it used:

  needed now = ceil((arrival + backlog / SLA) / (utilisation x per-worker rate))

in model tokens (chunk lengths vary): the per-worker rate is measured on the last 15 minutes'
buckets in which work waited, else assumed; arrival is what was done plus the backlog's growth
over the window. At least 1 while work arrives or waits. Scaling down waits for the largest need
of the last 300 s (as Kubernetes' HPA does); scaling up does not. Only reads.

Options:
  --sla S            drain the backlog within S seconds, 1-86400 (default $LATENCY_SLA_SECONDS, else 60)
  --target N         also size the fleet for N chunks/s, 0-${MAX_RATE} (default $THROUGHPUT_TARGET, else 500; 0: skip)
  --utilisation U    plan on this share of a worker's rate, 0.05-1 (default $PLANNER_UTILISATION, else 0.8)
  --window S         average arrivals over S seconds, 30-${MAX_PLANNER_WINDOW_SECONDS} (default $PLANNER_WINDOW_SECONDS, else 300)
  --worker-tokens N  a worker's tokens/s until one is measured, 1-${MAX_RATE} (default $WORKER_TOKENS_PER_SEC, else 13500)
  --min-workers N    never fewer, 0-1000 (default $PLANNER_MIN_WORKERS, else 0)
  --json             print the plan as JSON
  -h, --help         show this help

Environment: REDIS_URL, DATABASE_URL, DATABASE_SSL, QUEUE_PREFIX (as the API's).
`;

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    sla: { type: 'string' },
    target: { type: 'string' },
    utilisation: { type: 'string' },
    window: { type: 'string' },
    'worker-tokens': { type: 'string' },
    'min-workers': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    context.stdout.write(planHelp);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`${NAME}: unexpected argument '${positionals[0]}'`, { command: NAME });
  }
  // Options first: a bad one is a usage error whatever the environment holds.
  const whole = (flag: string, value: string | undefined, min: number, max: number) =>
    value === undefined ? undefined : parseWholeInRange(NAME, flag, value, min, max);
  const sla = whole('sla', values.sla, 1, 86_400);
  const target = whole('target', values.target, 0, MAX_RATE);
  const utilisation =
    values.utilisation === undefined
      ? undefined
      : parseDecimalInRange(NAME, 'utilisation', values.utilisation, 0.05, 1);
  const windowSeconds = whole('window', values.window, 30, MAX_PLANNER_WINDOW_SECONDS);
  const workerTokens = whole('worker-tokens', values['worker-tokens'], 1, MAX_RATE);
  const minWorkers = whole('min-workers', values['min-workers'], 0, 1_000);

  const env = context.env.vars;
  const services = serviceConfigFromEnv(env);
  const configured = plannerConfigFromEnv(env);
  const planner = {
    latencySlaSeconds: sla ?? configured.latencySlaSeconds,
    utilisation: utilisation ?? configured.utilisation,
    workerTokensPerSec: workerTokens ?? configured.workerTokensPerSec,
    windowSeconds: windowSeconds ?? configured.windowSeconds,
    minWorkers: minWorkers ?? configured.minWorkers,
  };
  const settings = planSettingsOf(planner, target ?? envTarget(env.THROUGHPUT_TARGET));

  const pool = createPool({
    url: services.databaseUrl,
    ssl: services.databaseSsl,
    max: 1,
    applicationName: 'embedq-plan',
  });
  const producer = new JobProducer({
    url: services.redisUrl,
    tlsVerify: services.redisTlsVerify,
    prefix: services.queuePrefix,
  });
  try {
    const reading = await readWorkerPlan(
      {
        reader: new MetricsReader(producer.redis, services.queuePrefix),
        redis: producer.redis,
        queues: QUEUE_KINDS.map((kind) => producer.queues[kind]),
        db: pool,
      },
      settings,
    );
    context.stdout.write(
      values.json === true
        ? `${JSON.stringify({ ...reading.plan, oldestWaitSeconds: reading.oldestWaitSeconds })}\n`
        : renderPlan(reading),
    );
    return 0;
  } finally {
    await producer.close();
    await pool.end();
  }
}

/** THROUGHPUT_TARGET as the API reads it (chunks/s), else the API's default. */
function envTarget(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 500;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value < 1 || value > MAX_RATE) {
    throw new UsageError(`${NAME}: THROUGHPUT_TARGET must be a whole number 1..${MAX_RATE}, got '${raw}'`, {
      command: NAME,
    });
  }
  return value;
}

export const planCommand: Command = {
  name: NAME,
  summary: 'how many workers the load needs, and the inputs it used (REDIS_URL, DATABASE_URL)',
  help: planHelp,
  run,
};
