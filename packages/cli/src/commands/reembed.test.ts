import { describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE } from '../main.js';
import { NO_DATABASE, runMain } from '../test-support/run-main.js';
import { parseReembedArgs } from './reembed.js';

const cli = (argv: string[], vars: Record<string, string> = NO_DATABASE) => runMain(argv, vars);

describe('embedq reembed arguments', () => {
  it('explains itself and is listed', async () => {
    const { code, stdout } = await cli(['reembed', '--help']);
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain('Usage: embedq reembed --to IDENTITY');
    expect(stdout).toContain('DATABASE_URL');
    const top = (await cli(['--help'])).stdout;
    expect(top).toMatch(/^ {2}reembed {2}/m);
    expect(top).toContain('embedq reembed --to fp32 --namespace docs --keep 7d --wait');
  });

  it('reads a start: namespaces repeated (once each), the keep as seconds', () => {
    expect(
      parseReembedArgs([
        '--to',
        'fp32',
        '--namespace',
        'a',
        '--namespace',
        'b',
        '--namespace',
        'a',
        '--keep',
        '1d12h',
      ]),
    ).toEqual({
      kind: 'start',
      to: 'fp32',
      namespaces: ['a', 'b'],
      keepSeconds: 129_600,
      wait: false,
      json: false,
    });
    expect(parseReembedArgs(['--to', '3', '--wait', '--json'])).toEqual({
      kind: 'start',
      to: '3',
      namespaces: undefined,
      keepSeconds: undefined,
      wait: true,
      json: true,
    });
  });

  it('reads the actions and the status', () => {
    expect(parseReembedArgs(['--cancel', '--namespace', 'docs'])).toEqual({
      kind: 'change',
      action: 'cancel',
      namespace: 'docs',
      json: false,
    });
    expect(parseReembedArgs(['--resume', '--namespace=docs', '--json'])).toMatchObject({
      kind: 'change',
      action: 'resume',
    });
    expect(parseReembedArgs(['--status'])).toEqual({ kind: 'status', namespace: undefined, json: false });
    expect(parseReembedArgs(['--status', '--namespace', 'docs'])).toMatchObject({ namespace: 'docs' });
  });

  it.each([
    [[], 'reembed: give --to IDENTITY to start, or --pause, --resume, --cancel or --status'],
    [
      ['--namespace', 'docs'],
      'reembed: give --to IDENTITY to start, or --pause, --resume, --cancel or --status',
    ],
    [
      ['--to', 'fp32', '--pause'],
      'reembed: give one of --to, --pause, --resume, --cancel, --status, not --to and --pause',
    ],
    [
      ['--pause', '--cancel', '--namespace', 'docs'],
      'reembed: give one of --to, --pause, --resume, --cancel, --status, not --pause and --cancel',
    ],
    [
      ['--status', '--resume'],
      'reembed: give one of --to, --pause, --resume, --cancel, --status, not --resume and --status',
    ],
    [['--pause'], 'reembed: --pause needs --namespace N'],
    [['--cancel', '--namespace', 'a', '--namespace', 'b'], 'reembed: --cancel takes one --namespace'],
    [['--status', '--namespace', 'a', '--namespace', 'b'], 'reembed: --status takes at most one --namespace'],
    [
      ['--to', 'fp32', '--keep', 'soon'],
      "reembed: --keep must be seconds or a duration such as 30m, 24h, 7d, got 'soon'",
    ],
    [
      ['--to', 'fp32', '--keep', '1.5h'],
      "reembed: --keep must be seconds or a duration such as 30m, 24h, 7d, got '1.5h'",
    ],
    [
      ['--to', 'fp32', '--keep=-1'],
      "reembed: --keep must be seconds or a duration such as 30m, 24h, 7d, got '-1'",
    ],
    [['--status', '--keep', '7d'], 'reembed: --keep goes with --to'],
    [['--pause', '--namespace', 'docs', '--wait'], 'reembed: --wait goes with --to'],
    [['--to', ''], 'reembed: --to must not be empty'],
    [['--to', 'fp32', '--namespace', ''], 'reembed: --namespace must not be empty'],
    [['--to', 'fp32', 'docs'], "reembed: unexpected argument 'docs'"],
  ])('refuses %j with a usage error, before connecting', async (args, message) => {
    const { code, stdout, stderr } = await cli(['reembed', ...args]);
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe('');
    expect(stderr).toBe(`embedq: ${message}\nRun 'embedq reembed --help' for usage.\n`);
  });

  it('refuses an unknown option and a missing value', async () => {
    expect((await cli(['reembed', '--to', 'fp32', '--namespaces', 'a'])).stderr).toMatch(
      /^embedq: reembed: Unknown option '--namespaces'/,
    );
    expect((await cli(['reembed', '--to'])).code).toBe(EXIT_USAGE);
  });

  it('reports an unreachable database as a failure (exit 1), not a usage error', async () => {
    const { code, stderr } = await cli(['reembed', '--status']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^embedq: error: /);
  });
});
