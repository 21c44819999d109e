import { serviceConfigFromEnv } from '@embedq/config';
import { createPool, migrate } from '@embedq/store';
import type { Command, CommandContext } from '../command.js';
import { parseCommandArgs } from '../options.js';
import { UsageError } from '../usage-error.js';

const NAME = 'migrate';

export const migrateHelp = `Usage: embedq migrate

Applies the database migrations not yet applied, in order, each in one transaction, and
records them (table embedq_migrations). Safe to run again and from several processes at
once. Heroku runs it in the release phase.

Environment:
  DATABASE_URL   default postgres://postgres@127.0.0.1:5432/embedq
  DATABASE_SSL   auto (default), disable, require or verify

Options:
  -h, --help     show this help
`;

async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(NAME, args, { help: { type: 'boolean', short: 'h' } });
  if (values.help === true) {
    context.stdout.write(migrateHelp);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`${NAME}: unexpected argument '${positionals[0]}'`, { command: NAME });
  }
  const services = serviceConfigFromEnv(context.env.vars);
  const pool = createPool({
    url: services.databaseUrl,
    ssl: services.databaseSsl,
    max: 1,
    applicationName: 'embedq-migrate',
  });
  try {
    const result = await migrate(pool);
    for (const name of result.applied) context.stderr.write(`[migrate] applied ${name}\n`);
    context.stderr.write(
      `[migrate] database at version ${result.current}${result.applied.length === 0 ? ' (nothing to do)' : ''}\n`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}

export const migrateCommand: Command = {
  name: NAME,
  summary: 'apply the database migrations (DATABASE_URL)',
  help: migrateHelp,
  run,
};
