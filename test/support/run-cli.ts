import { PassThrough } from 'node:stream';
import { main } from '@embedq/cli';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `embedq ARGS` in this process with `vars` as its environment; its exit code and output. */
export async function runCli(
  args: readonly string[],
  vars: Readonly<Record<string, string | undefined>>,
  options: { readonly cwd?: string } = {},
): Promise<CliRun> {
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
