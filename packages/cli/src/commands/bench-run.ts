import { resolve } from 'node:path';
import { formatCount } from '../bench/format.js';
import { ENGINES, type Engine, type RunResult, type RunSpec } from '../bench/interfaces.js';
import { type ChildMessage, RUN_COMMAND } from '../bench/run-child.js';
import type { Command, CommandContext } from '../command.js';
import { optional, parseCommandArgs, parseCount, parseEngineSetting, parsePrecision } from '../options.js';
import { UsageError } from '../usage-error.js';

export const benchRunHelp = `Usage: embedq ${RUN_COMMAND} --engine embedq|peer --chunks N --batch-size B --precision P
                        [--sessions S] [--threads T] [--inference auto|native|onnxruntime]
                        [--max-batch-tokens N] [--model-dir DIR] [--settle-every N] [--profile-dir DIR]

Internal: measures one run in this process for 'embedq bench', which spawns it. The result
goes to the parent over IPC, or to stdout as JSON when there is no IPC channel.
`;

export function parseBenchRunArgs(args: readonly string[], cwd: string): RunSpec {
  const { values, positionals } = parseCommandArgs(RUN_COMMAND, args, {
    engine: { type: 'string' },
    chunks: { type: 'string' },
    'batch-size': { type: 'string' },
    precision: { type: 'string' },
    sessions: { type: 'string' },
    threads: { type: 'string' },
    inference: { type: 'string' },
    'max-batch-tokens': { type: 'string' },
    'model-dir': { type: 'string' },
    'settle-every': { type: 'string' },
    'profile-dir': { type: 'string' },
  });
  const fail = (message: string): never => {
    throw new UsageError(`${RUN_COMMAND}: ${message}`, { command: RUN_COMMAND });
  };
  if (positionals.length > 0) fail(`unexpected argument '${positionals[0]}'`);
  const need = (flag: 'engine' | 'chunks' | 'batch-size' | 'precision'): string =>
    values[flag] ?? fail(`--${flag} is required`);
  const engine =
    ENGINES.find((e) => e === need('engine')) ?? fail(`--engine must be one of ${ENGINES.join(', ')}`);
  const sessions =
    values.sessions === undefined ? undefined : parseCount(RUN_COMMAND, 'sessions', values.sessions);
  const threads =
    values.threads === undefined ? undefined : parseCount(RUN_COMMAND, 'threads', values.threads);
  const inference = parseEngineSetting(RUN_COMMAND, 'inference', values.inference);
  const tokens = values['max-batch-tokens'];
  const maxBatchTokens =
    tokens === undefined ? undefined : parseCount(RUN_COMMAND, 'max-batch-tokens', tokens);
  const modelDir = values['model-dir'];
  const settle = values['settle-every'];
  const settleEvery = settle === undefined ? undefined : parseCount(RUN_COMMAND, 'settle-every', settle);
  return {
    engine,
    chunks: parseCount(RUN_COMMAND, 'chunks', need('chunks')),
    batchSize: parseCount(RUN_COMMAND, 'batch-size', need('batch-size')),
    precision: parsePrecision(RUN_COMMAND, need('precision')),
    ...optional('sessions', sessions),
    ...optional('threads', threads),
    ...optional('inference', inference),
    ...optional('maxBatchTokens', maxBatchTokens),
    ...optional('modelDir', modelDir === undefined ? undefined : resolve(cwd, modelDir)),
    ...optional('settleEvery', settleEvery),
    ...optional(
      'profileDir',
      values['profile-dir'] === undefined ? undefined : resolve(cwd, values['profile-dir']),
    ),
  };
}

/** Loaded on use: a run process loads only its own engine. */
const MEASURERS: Record<Engine, (spec: RunSpec, label: string) => Promise<RunResult>> = {
  embedq: async (spec, label) => (await import('../bench/measure-embedq.js')).measureEmbedq(spec, label),
  peer: async (spec, label) => (await import('../bench/measure-peer.js')).measurePeer(spec, label),
};

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const spec = parseBenchRunArgs(args, context.env.userCwd);
  const label = `${spec.engine} ${formatCount(spec.chunks)} b${spec.batchSize}`;
  let message: ChildMessage;
  try {
    message = { ok: true, result: await MEASURERS[spec.engine](spec, label) };
  } catch (error) {
    message = { ok: false, error: describeError(error, context.env.debug) };
  }
  if (process.send === undefined) {
    // Waits until it is written: a pipe takes 64 KB at once and process.exit would cut the rest.
    await new Promise<void>((done) =>
      context.stdout.write(`${JSON.stringify(message, null, 2)}\n`, () => done()),
    );
  } else {
    await new Promise<void>((done, fail) => {
      process.send?.(message, undefined, {}, (error) => (error === null ? done() : fail(error)));
    });
    process.disconnect?.();
  }
  // A measuring process ends here: do not wait for thread pools a library may keep alive.
  process.exit(message.ok ? 0 : 1);
}

/** The message and its causes; with EMBEDQ_DEBUG set, the stacks. */
function describeError(error: unknown, debug: boolean): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined; e = e instanceof Error ? e.cause : undefined) {
    parts.push(e instanceof Error ? (debug ? (e.stack ?? e.message) : `${e.name}: ${e.message}`) : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join('\ncaused by: ');
}

export const benchRunCommand: Command = {
  name: RUN_COMMAND,
  summary: 'internal: measure one run (spawned by bench)',
  help: benchRunHelp,
  hidden: true,
  run,
};
