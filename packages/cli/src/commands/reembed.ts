import {
  changeReembedding,
  listReembeddings,
  type Reembedding,
  type ReembeddingAction,
  resolveIdentity,
  selectReembeddings,
  startReembeddings,
} from '@embedq/store';
import type { Command, CommandContext } from '../command.js';
import { parseDuration } from '../duration.js';
import { type DatabasePool, databasePool } from '../models/database-pool.js';
import { localGraph } from '../models/local-graph.js';
import { renderReembeddings } from '../models/render-reembeddings.js';
import { reportRefusal } from '../models/report-refusal.js';
import { waitForReembeddings } from '../models/wait-for-reembeddings.js';
import { optional, parseCommandArgs } from '../options.js';
import { UsageError } from '../usage-error.js';

const NAME = 'reembed';

/** How often --wait reads the progress (the workers' driver counts it every 5 s). */
export const WAIT_INTERVAL_MS = 2_000;

export const reembedHelp = `Usage: embedq reembed --to IDENTITY [--namespace N]... [--keep DURATION] [--wait] [--json]
       embedq reembed --pause|--resume|--cancel --namespace N [--json]
       embedq reembed --status [--namespace N] [--json]

Re-embeds namespaces with another model identity (another precision, or another build of the
graph). Workers embed every chunk again with it, below ingest's priority, writing the new vectors
beside the old ones; search keeps using the old ones until every chunk has a new one, then the
namespace switches over in one transaction. The old vectors stay until --keep runs out or
'embedq models prune' deletes them. Starting is all or nothing: a namespace that does not exist,
already uses the identity or has a re-embedding open refuses the whole request.

Workers must have the new identity's graph: --to int8 or fp32 registers this machine's graph of
that precision, which workers deployed from the same build have too.

Options:
  --to X             the identity to embed with: int8 or fp32 (this machine's graph), an
                     identity id, or 8+ hex digits of a graph sha256 (see embedq models)
  --namespace N      a namespace to re-embed; repeat for more (default: every namespace whose
                     active identity is another). One, required, with --pause/--resume/--cancel
  --keep DURATION    keep the old vectors this long after the switch: seconds, or 30m, 24h, 7d,
                     1d12h (default: until pruned)
  --wait             follow the progress on stderr every 2 s until each has switched (exit 0)
                     or was cancelled or cannot switch (exit 1); stopping the wait stops nothing
  --pause            stop adding jobs (queued ones finish without embedding)
  --resume           carry on a paused one
  --cancel           give up, deleting the vectors it wrote (search never used them)
  --status           list the open re-embeddings and the last one of each namespace
  --json             print JSON: {reembeddings: [...]} or, for --pause/--resume/--cancel, {reembedding}
  -h, --help         show this help

A refused request (code unknown_identity, unknown_namespace, already_active, reembedding_open,
no_reembedding) changes nothing and exits 1.

Environment:
  DATABASE_URL       default postgres://postgres@127.0.0.1:5432/embedq
  DATABASE_SSL       auto (default), disable, require or verify
  EMBEDQ_MODEL_DIR   where this machine's graphs are (default: the repository's models/)
`;

const ACTIONS: readonly ReembeddingAction[] = ['pause', 'resume', 'cancel'];

/** What the arguments ask for, checked before anything connects. */
export type ReembedRequest =
  | {
      readonly kind: 'start';
      readonly to: string;
      readonly namespaces: readonly string[] | undefined;
      readonly keepSeconds: number | undefined;
      readonly wait: boolean;
      readonly json: boolean;
    }
  | {
      readonly kind: 'change';
      readonly action: ReembeddingAction;
      readonly namespace: string;
      readonly json: boolean;
    }
  | { readonly kind: 'status'; readonly namespace: string | undefined; readonly json: boolean }
  | { readonly kind: 'help' };

/** Parses `embedq reembed` arguments; UsageError (exit 2) for anything ambiguous or malformed. */
export function parseReembedArgs(args: readonly string[]): ReembedRequest {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    to: { type: 'string' },
    namespace: { type: 'string', multiple: true },
    keep: { type: 'string' },
    wait: { type: 'boolean' },
    pause: { type: 'boolean' },
    resume: { type: 'boolean' },
    cancel: { type: 'boolean' },
    status: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return { kind: 'help' };
  const usage = (message: string) => new UsageError(`${NAME}: ${message}`, { command: NAME });
  if (positionals.length > 0) throw usage(`unexpected argument '${positionals[0]}'`);
  const namespaces = values.namespace;
  if (namespaces?.some((n) => n.trim() === '')) throw usage('--namespace must not be empty');
  const json = values.json === true;
  const modes = [
    values.to === undefined ? [] : ['--to'],
    ACTIONS.filter((a) => values[a] === true).map((a) => `--${a}`),
    values.status === true ? ['--status'] : [],
  ].flat();
  if (modes.length === 0)
    throw usage('give --to IDENTITY to start, or --pause, --resume, --cancel or --status');
  if (modes.length > 1)
    throw usage(`give one of --to, --pause, --resume, --cancel, --status, not ${modes.join(' and ')}`);
  const startOnly = (['keep', 'wait'] as const).find((o) => values[o] !== undefined);
  if (values.to === undefined && startOnly !== undefined) throw usage(`--${startOnly} goes with --to`);
  if (values.to !== undefined) {
    if (values.to.trim() === '') throw usage('--to must not be empty');
    const keepSeconds = values.keep === undefined ? undefined : parseDuration(values.keep);
    if (values.keep !== undefined && keepSeconds === undefined)
      throw usage(`--keep must be seconds or a duration such as 30m, 24h, 7d, got '${values.keep}'`);
    return {
      kind: 'start',
      to: values.to.trim(),
      namespaces: namespaces === undefined ? undefined : [...new Set(namespaces)],
      keepSeconds,
      wait: values.wait === true,
      json,
    };
  }
  if (values.status === true) {
    if ((namespaces?.length ?? 0) > 1) throw usage('--status takes at most one --namespace');
    return { kind: 'status', namespace: namespaces?.[0], json };
  }
  const action = ACTIONS.find((a) => values[a] === true) ?? 'pause';
  const [namespace, ...more] = namespaces ?? [];
  if (namespace === undefined) throw usage(`--${action} needs --namespace N`);
  if (more.length > 0) throw usage(`--${action} takes one --namespace`);
  return { kind: 'change', action, namespace, json };
}

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const request = parseReembedArgs(args);
  if (request.kind === 'help') {
    context.stdout.write(reembedHelp);
    return 0;
  }
  const pool = databasePool(context.env.vars, 'embedq-reembed');
  try {
    switch (request.kind) {
      case 'start':
        return await start(pool, request, context);
      case 'change': {
        const changed = await changeReembedding(pool, request.namespace, request.action);
        context.stdout.write(
          request.json
            ? `${JSON.stringify({ reembedding: changed })}\n`
            : `${PAST[request.action]} the re-embedding of '${changed.namespace}'\n${renderReembeddings([changed])}`,
        );
        return 0;
      }
      case 'status': {
        const list = await listReembeddings(pool, optional('namespace', request.namespace));
        context.stdout.write(
          request.json ? `${JSON.stringify({ reembeddings: list })}\n` : renderReembeddings(list),
        );
        return 0;
      }
    }
  } catch (error) {
    return reportRefusal(NAME, error, context.stderr);
  } finally {
    await pool.end();
  }
}

const PAST: Readonly<Record<ReembeddingAction, string>> = {
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled',
};

async function start(
  pool: DatabasePool,
  request: Extract<ReembedRequest, { kind: 'start' }>,
  context: CommandContext,
): Promise<number> {
  const identity = await resolveIdentity(pool, request.to, localGraph(context.env.modelDir));
  const started = await startReembeddings(pool, {
    toIdentityId: identity.id,
    ...optional('namespaces', request.namespaces),
    ...optional('keepSeconds', request.keepSeconds),
  });
  if (!request.wait) {
    context.stdout.write(
      request.json
        ? `${JSON.stringify({ reembeddings: started })}\n`
        : `started ${started.length} re-embedding${started.length === 1 ? '' : 's'}; workers pick ${started.length === 1 ? 'it' : 'them'} up within seconds (follow with embedq reembed --status, or --wait)\n${renderReembeddings(started)}`,
    );
    return 0;
  }
  // With --json, stdout gets one object, at the end; the progress goes to stderr either way.
  if (!request.json) context.stdout.write(`started:\n${renderReembeddings(started)}`);
  const outcome = await waitForReembeddings(
    started.map((r) => r.id),
    {
      read: (ids) => readByIds(pool, ids),
      intervalMs: WAIT_INTERVAL_MS,
      progress: (line) => context.stderr.write(line),
    },
  );
  for (const namespace of outcome.stuck)
    context.stderr.write(
      `[reembed] ${namespace}: chunks failed with the new identity that the old one has vectors for, so it cannot switch over; see embedq models, then cancel (embedq reembed --cancel --namespace ${namespace})\n`,
    );
  context.stdout.write(
    request.json
      ? `${JSON.stringify({ reembeddings: outcome.reembeddings, stuck: outcome.stuck })}\n`
      : `finished:\n${renderReembeddings(outcome.reembeddings)}`,
  );
  return outcome.reembeddings.every((r) => r.state === 'switched') ? 0 : 1;
}

/** These re-embeddings whatever their state: listReembeddings drops one a newer start replaced. */
function readByIds(pool: DatabasePool, ids: readonly number[]): Promise<Reembedding[]> {
  return selectReembeddings(pool, 'r.id = ANY($1::integer[])', [ids]);
}

export const reembedCommand: Command = {
  name: NAME,
  summary: 're-embed namespaces with another model identity; pause, resume, cancel, status (DATABASE_URL)',
  help: reembedHelp,
  run,
};
