import { PassThrough } from 'node:stream';
import { main } from './main.js';

/** What one in-process run of the CLI gave. */
export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `embedq ARGS` in this process with `vars` as its environment (and `cwd` as the user's
 * folder), as if from a terminal, and returns its exit code and output: how tests and programs
 * that embed the CLI drive it without a child process.
 */
export async function runCaptured(
  args: readonly string[],
  vars: Readonly<Record<string, string | undefined>> = {},
  options: { readonly cwd?: string } = {},
): Promise<CapturedRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  const code = await main([...args], {
    env: { modelDir: undefined, userCwd: options.cwd ?? '/tmp', debug: false, vars: { ...vars } },
    stdin: Object.assign(new PassThrough(), { isTTY: true }),
    stdout,
    stderr,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
