import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { type FleetSimStep, runFleetSim } from '../fleet-sim/run-fleet-sim.js';
import { apiFromEnv } from '../load/api-from-env.js';
import { parseCommandArgs, parseCount } from '../options.js';
import { UsageError } from '../usage-error.js';

const NAME = 'fleet-sim';
const MAX_WORKERS = 64;

export const fleetSimHelp = `Usage: embedq fleet-sim [--workers N,N,...] [--chunks C] [--pool-size P] [--worker-concurrency J]
                        [--fresh] [--api URL] [--batch-chunks B] [--concurrency R] [--timeout S] [--json FILE]

How far one PostgreSQL (and Redis) carries a fleet: for each N, starts N stand-in workers in
this process (the real worker runtime: BullMQ consumers, reads, vector writes, with vectors
from a fast deterministic stand-in instead of the model), posts C seed chunks through the
running API and waits for every vector; reports chunks/s, enqueue-to-vector latency and the CPU
that PostgreSQL and Redis spent per 10,000 chunks (read from /proc when they run on this
machine). Run it against an API with no workers of its own, on a scratch database: the stand-in
vectors are stored as the model's.

Options:
  --workers N,...         stand-in worker counts, one step each (default 1,2,4,8,16,32; 1-${MAX_WORKERS})
  --chunks C              seed chunks per step (default 10000)
  --pool-size P           database connections per stand-in worker (default 2)
  --worker-concurrency J  jobs in flight per stand-in worker (default 4, as WORKER_CONCURRENCY)
  --fresh                 TRUNCATE batches and chunks before each step, so each writes into an
                          empty index (destroys every document in the database)
  --api URL               the API (default: $EMBEDQ_API_URL, else http://127.0.0.1:$PORT or :3000)
  --batch-chunks B        chunks per request (default 500)
  --concurrency R         requests in flight while posting (default 2)
  --timeout S             give up on a step after S seconds (default 1800)
  --json FILE             also write the steps as JSON
  -h, --help              show this help

Environment: REDIS_URL, DATABASE_URL, DATABASE_SSL, QUEUE_PREFIX (the API's), EMBEDQ_API_KEY.
`;

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    workers: { type: 'string' },
    chunks: { type: 'string' },
    'pool-size': { type: 'string' },
    'worker-concurrency': { type: 'string' },
    fresh: { type: 'boolean' },
    api: { type: 'string' },
    'batch-chunks': { type: 'string' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    context.stdout.write(fleetSimHelp);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`${NAME}: unexpected argument '${positionals[0]}'`, { command: NAME });
  }
  const count = (flag: string, value: string | undefined, fallback: number, max?: number) => {
    const parsed = value === undefined ? fallback : parseCount(NAME, flag, value, 1);
    if (max !== undefined && parsed > max) {
      throw new UsageError(`${NAME}: --${flag} must be at most ${max}, got ${parsed}`, { command: NAME });
    }
    return parsed;
  };
  const workerCounts = (values.workers ?? '1,2,4,8,16,32')
    .split(',')
    .map((part) => count('workers', part.trim(), 1, MAX_WORKERS));
  const { client } = apiFromEnv(context.env.vars, values.api);
  const steps = await runFleetSim(client, {
    workerCounts,
    chunks: count('chunks', values.chunks, 10_000),
    batchChunks: count('batch-chunks', values['batch-chunks'], 500),
    concurrency: count('concurrency', values.concurrency, 2),
    timeoutSeconds: count('timeout', values.timeout, 1_800),
    poolSize: count('pool-size', values['pool-size'], 2, 100),
    workerConcurrency: count('worker-concurrency', values['worker-concurrency'], 4, 64),
    fresh: values.fresh === true,
    env: context.env.vars,
    progress: (line) => context.stderr.write(`${line}\n`),
  });
  context.stdout.write(table(steps));
  if (values.json !== undefined) {
    const path = resolve(context.env.userCwd, values.json);
    await writeFile(path, `${JSON.stringify({ kind: 'embedq-fleet-sim', steps }, null, 2)}\n`);
    context.stderr.write(`wrote ${path}\n`);
  }
  return steps.every((step) => step.chunks > 0) ? 0 : 1;
}

function table(steps: readonly FleetSimStep[]): string {
  const cell = (value: number | null, digits: number) => (value === null ? '-' : value.toFixed(digits));
  const rows = steps.map(
    (s) =>
      `| ${s.workers} | ${s.chunksPerSec.toFixed(0)} | ${s.queueLatencySeconds.p95.toFixed(2)} | ${cell(s.postgresCpuPer10k, 2)} | ${cell(s.postgresCores, 2)} | ${cell(s.redisCpuPer10k, 2)} | ${s.simCores.toFixed(2)} |`,
  );
  return `${[
    '| workers | chunks/s | p95 enqueue -> vector s | PostgreSQL CPU s / 10k | PostgreSQL cores busy | Redis CPU s / 10k | fleet-sim cores busy |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n')}\n`;
}

export const fleetSimCommand: Command = {
  name: NAME,
  summary: 'stand-in workers against the running API: the ceiling of one PostgreSQL and Redis',
  help: fleetSimHelp,
  run,
};
