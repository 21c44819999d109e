import { describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE } from './main.js';
import { runMain } from './test-support/run-main.js';

const cli = (...argv: string[]) => runMain(argv);

describe('main', () => {
  it('prints the help to stdout for --help and exits 0', async () => {
    const { code, stdout, stderr } = await cli('--help');
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain('Usage: embedq COMMAND [options]');
    expect(stdout).toMatch(/^ {2}embed {2}/m);
    expect(stdout).toMatch(/^ {2}bench {2}/m);
    expect(stdout).not.toContain('bench-run');
    expect(stderr).toBe('');
  });

  it('prints the help to stderr and exits 2 without a command', async () => {
    const { code, stdout, stderr } = await cli();
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: embedq');
  });

  it('shows each command help', async () => {
    expect((await cli('help', 'bench')).stdout).toContain('Usage: embedq bench');
    expect((await cli('bench', '--help')).stdout).toContain('--matrix');
    expect((await cli('embed', '-h')).stdout).toContain('Usage: embedq embed');
  });

  it('prints the version', async () => {
    expect((await cli('--version')).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['frobnicate'], "embedq: unknown command 'frobnicate'\nRun 'embedq --help' for usage.\n"],
    [
      ['--chunks', '5'],
      "embedq: unknown option '--chunks' (options follow the COMMAND)\nRun 'embedq --help' for usage.\n",
    ],
    [['help', 'nope'], "embedq: unknown command 'nope'\nRun 'embedq --help' for usage.\n"],
    [
      ['bench', '--chunks', 'lots'],
      "embedq: bench: --chunks must be a whole number >= 1, got 'lots'\nRun 'embedq bench --help' for usage.\n",
    ],
    [
      ['embed', '--precision', 'fp16', 'x'],
      /^embedq: embed: --precision must be one of fp32, int8, got 'fp16'\n/,
    ],
  ])('exits 2 with a clear message on bad usage: %j', async (argv, message) => {
    const { code, stdout, stderr } = await cli(...argv);
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe('');
    if (typeof message === 'string') expect(stderr).toBe(message);
    else expect(stderr).toMatch(message);
  });

  it('refuses to wait for a terminal when embed has no texts', async () => {
    const { code, stderr } = await cli('embed');
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain('give TEXT arguments or pipe texts on stdin');
  });
});
