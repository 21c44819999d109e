import { describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE } from '../main.js';
import { NO_DATABASE, runMain } from '../test-support/run-main.js';

// A database that does not exist: a usage error must come before any connection.
const cli = (argv: string[]) => runMain(argv, NO_DATABASE);

describe('embedq models arguments', () => {
  it('explains itself and is listed', async () => {
    const { code, stdout } = await cli(['help', 'models']);
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain('Usage: embedq models [--json]');
    expect(stdout).toContain('embedq models prune --identity');
    expect(stdout).toContain('DATABASE_URL');
    expect((await cli(['--help'])).stdout).toMatch(/^ {2}models {2}/m);
  });

  it.each([
    [['prune'], 'models: prune needs --identity (an id, a sha256 prefix or a precision)'],
    [['prune', '--identity', ' '], 'models: prune needs --identity (an id, a sha256 prefix or a precision)'],
    [['prune', '--identity', '2', '--namespace', ''], 'models: --namespace must not be empty'],
    [['--identity', '2'], "models: --identity is for 'embedq models prune'"],
    [['--namespace', 'docs'], "models: --namespace is for 'embedq models prune'"],
    [['purge', '--identity', '2'], "models: unexpected argument 'purge'"],
    [['prune', 'now', '--identity', '2'], "models: unexpected argument 'now'"],
  ])('refuses %j with a usage error, before connecting', async (args, message) => {
    const { code, stdout, stderr } = await cli(['models', ...args]);
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe('');
    expect(stderr).toBe(`embedq: ${message}\nRun 'embedq models --help' for usage.\n`);
  });
});
