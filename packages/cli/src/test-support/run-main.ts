import { PassThrough } from 'node:stream';
import { main } from '../main.js';

/** Runs the CLI in this process with `vars` as its environment; returns the exit code and output. */
export async function runMain(
  argv: readonly string[],
  vars: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  const code = await main(argv, {
    env: { modelDir: undefined, userCwd: '/tmp', debug: false, vars },
    stdin: Object.assign(new PassThrough(), { isTTY: true }),
    stdout,
    stderr,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** A database that does not exist: a usage error must come before any connection. */
export const NO_DATABASE = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
