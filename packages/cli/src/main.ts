import { readFileSync } from 'node:fs';
import type { Command, CommandContext } from './command.js';
import { benchCommand } from './commands/bench.js';
import { benchRunCommand } from './commands/bench-run.js';
import { chunkCommand } from './commands/chunk.js';
import { embedCommand } from './commands/embed.js';
import { evalSearchCommand } from './commands/eval-search.js';
import { fleetSimCommand } from './commands/fleet-sim.js';
import { loadCommand } from './commands/load.js';
import { migrateCommand } from './commands/migrate.js';
import { modelsCommand } from './commands/models.js';
import { planCommand } from './commands/plan.js';
import { reconcileCommand } from './commands/reconcile.js';
import { reembedCommand } from './commands/reembed.js';
import { readEnv } from './env.js';
import { UsageError } from './usage-error.js';

export const COMMANDS: readonly Command[] = [
  embedCommand,
  chunkCommand,
  benchCommand,
  benchRunCommand,
  loadCommand,
  evalSearchCommand,
  fleetSimCommand,
  migrateCommand,
  reconcileCommand,
  modelsCommand,
  reembedCommand,
  planCommand,
];

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function topLevelHelp(): string {
  const visible = COMMANDS.filter((c) => c.hidden !== true);
  const width = Math.max(...visible.map((c) => c.name.length));
  return `Usage: embedq COMMAND [options]

Embeds text with all-MiniLM-L6-v2 (384 dimensions, ONNX Runtime on the CPU), measures it,
and drives the embedq service (migrate its database, load it through the REST API).

Commands:
${visible.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}
  ${'help'.padEnd(width)}  show this help, or a command's: embedq help COMMAND

Options:
  -h, --help     show this help
  -v, --version  print the version

Examples:
  embedq embed "What is mean pooling?" "A second text"
  embedq embed --precision fp32 < texts.txt
  embedq chunk --max-tokens 200 paper.md
  embedq bench --chunks 2000 --peer --json bench.json
  embedq bench --matrix --peer
  embedq migrate
  embedq load --chunks 10000 --probes 20
  embedq eval-search --chunks 100000
  embedq plan --sla 60
  embedq models
  embedq reembed --to fp32 --namespace docs --keep 7d --wait
  embedq reembed --status
  embedq models prune --identity 1 --namespace docs

Exit codes: 0 success, 1 failure, 2 bad usage.
`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

function defaultContext(): CommandContext {
  return { env: readEnv(), stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/** Runs the CLI; resolves to the exit code. Errors are printed to stderr, never thrown. */
export async function main(
  argv: readonly string[],
  context: CommandContext = defaultContext(),
): Promise<number> {
  try {
    return await dispatch(argv, context);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command === undefined ? 'embedq --help' : `embedq ${error.command} --help`;
      context.stderr.write(`embedq: ${error.message}\nRun '${help}' for usage.\n`);
      return EXIT_USAGE;
    }
    context.stderr.write(`embedq: error: ${describe(error, context.env.debug)}\n`);
    return EXIT_FAILURE;
  }
}

async function dispatch(argv: readonly string[], context: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    context.stderr.write(topLevelHelp());
    return EXIT_USAGE;
  }
  if (name === '-h' || name === '--help') {
    context.stdout.write(topLevelHelp());
    return EXIT_OK;
  }
  if (name === '-v' || name === '--version') {
    context.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  if (name === 'help') {
    const [topic, ...extra] = rest;
    if (extra.length > 0) throw new UsageError(`help: expected at most one COMMAND, got ${rest.length}`);
    if (topic === undefined) {
      context.stdout.write(topLevelHelp());
      return EXIT_OK;
    }
    context.stdout.write(findCommand(topic).help);
    return EXIT_OK;
  }
  return findCommand(name).run(rest, context);
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const hint = name.startsWith('-')
      ? `unknown option '${name}' (options follow the COMMAND)`
      : `unknown command '${name}'`;
    throw new UsageError(hint);
  }
  return command;
}

/** The message and its causes; the stack too when EMBEDQ_DEBUG is set. */
function describe(error: unknown, debug: boolean): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined; e = e instanceof Error ? e.cause : undefined) {
    parts.push(e instanceof Error ? (debug ? (e.stack ?? e.message) : e.message) : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join('\n  caused by: ');
}
