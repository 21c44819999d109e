import {
  listModels,
  listReembeddings,
  pruneIdentity,
  ReembeddingError,
  type RegisteredIdentity,
  readModelIdentity,
  resolveIdentity,
} from '@embedq/store';
import type { Command, CommandContext } from '../command.js';
import { type DatabasePool, databasePool } from '../models/database-pool.js';
import { localGraph } from '../models/local-graph.js';
import { renderModels } from '../models/render-models.js';
import { reportRefusal } from '../models/report-refusal.js';
import { optional, PRECISIONS, parseCommandArgs } from '../options.js';
import { UsageError } from '../usage-error.js';

const NAME = 'models';

export const modelsHelp = `Usage: embedq models [--json]
       embedq models prune --identity ID|SHA|PRECISION [--namespace N] [--json]

Lists the model identities vectors were made with (model, precision and the sha256 of the ONNX
graph: vectors are comparable only within one), with each namespace's vectors and failures of
each, and which one search uses there (active); then the open re-embeddings and the last one of
each namespace, with their progress (see embedq reembed).

prune deletes an identity's vectors and failures, from one namespace or from all, to free the
space old vectors take after a re-embedding switched over. Refused, with nothing deleted, where
the identity is active or being re-embedded to.

Options:
  --json          print one JSON object: {identities, reembeddings}, or what prune deleted
  --identity X    (prune) an identity id, 8+ hex digits of its graph sha256, or int8 / fp32
                  for this machine's graph of that precision
  --namespace N   (prune) only this namespace's rows (default: every namespace)
  -h, --help      show this help

Environment:
  DATABASE_URL    default postgres://postgres@127.0.0.1:5432/embedq
  DATABASE_SSL    auto (default), disable, require or verify
`;

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, {
    identity: { type: 'string' },
    namespace: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    context.stdout.write(modelsHelp);
    return 0;
  }
  const [subcommand, ...extra] = positionals;
  if (extra.length > 0 || (subcommand !== undefined && subcommand !== 'prune')) {
    throw new UsageError(`${NAME}: unexpected argument '${extra[0] ?? subcommand}'`, { command: NAME });
  }
  const json = values.json === true;
  if (subcommand === undefined) {
    const flag =
      values.identity !== undefined ? 'identity' : values.namespace !== undefined ? 'namespace' : undefined;
    if (flag !== undefined)
      throw new UsageError(`${NAME}: --${flag} is for 'embedq models prune'`, { command: NAME });
    return list(context, json);
  }
  if (values.identity === undefined || values.identity.trim() === '')
    throw new UsageError(`${NAME}: prune needs --identity (an id, a sha256 prefix or a precision)`, {
      command: NAME,
    });
  if (values.namespace !== undefined && values.namespace.trim() === '')
    throw new UsageError(`${NAME}: --namespace must not be empty`, { command: NAME });
  return prune(context, json, values.identity.trim(), values.namespace);
}

async function list(context: CommandContext, json: boolean): Promise<number> {
  const pool = databasePool(context.env.vars, 'embedq-models');
  try {
    const identities = await listModels(pool);
    const reembeddings = await listReembeddings(pool);
    context.stdout.write(
      json ? `${JSON.stringify({ identities, reembeddings })}\n` : renderModels(identities, reembeddings),
    );
    return 0;
  } finally {
    await pool.end();
  }
}

async function prune(
  context: CommandContext,
  json: boolean,
  spec: string,
  namespace: string | undefined,
): Promise<number> {
  const pool = databasePool(context.env.vars, 'embedq-models');
  try {
    const identity = await pruneTarget(pool, spec, context.env.modelDir);
    const result = await pruneIdentity(pool, {
      identityId: identity.id,
      ...optional('namespace', namespace),
    });
    if (json) {
      context.stdout.write(`${JSON.stringify({ identity, ...result })}\n`);
    } else {
      const where =
        result.namespaces.length === 0 ? '' : ` from ${result.namespaces.map((n) => `'${n}'`).join(', ')}`;
      context.stdout.write(
        `pruned ${result.deleted.toLocaleString('en-US')} row${result.deleted === 1 ? '' : 's'} (vectors and failures) of identity ${identity.id} (${identity.model} ${identity.precision} ${identity.graphSha256.slice(0, 12) || '?'})${where}\n`,
      );
    }
    return 0;
  } catch (error) {
    return reportRefusal(NAME, error, context.stderr);
  } finally {
    await pool.end();
  }
}

/**
 * The identity to prune, never registering one: a precision names this machine's graph only if
 * that graph is registered already (a new one has nothing to prune). An id is taken as it is, so
 * identities from before graphs were recorded (no sha256) can be pruned too.
 */
async function pruneTarget(
  pool: DatabasePool,
  spec: string,
  modelDir: string | undefined,
): Promise<RegisteredIdentity> {
  if (/^\d{1,5}$/.test(spec)) {
    const found = await readModelIdentity(pool, Number(spec));
    if (found === undefined) throw new ReembeddingError('unknown_identity', `no model identity '${spec}'`);
    return found;
  }
  const precision = PRECISIONS.find((p) => p === spec.toLowerCase());
  if (precision === undefined) return resolveIdentity(pool, spec, localGraph(modelDir));
  const local = await localGraph(modelDir)(precision);
  try {
    return await resolveIdentity(pool, local.graphSha256, localGraph(modelDir));
  } catch (error) {
    if (error instanceof ReembeddingError && error.code === 'unknown_identity')
      throw new ReembeddingError(
        'unknown_identity',
        `this machine's ${precision} graph (${local.graphSha256.slice(0, 12)}) is no registered identity: it has no vectors`,
      );
    throw error;
  }
}

export const modelsCommand: Command = {
  name: NAME,
  summary:
    'list model identities, their vectors per namespace and re-embeddings; prune old ones (DATABASE_URL)',
  help: modelsHelp,
  run,
};
