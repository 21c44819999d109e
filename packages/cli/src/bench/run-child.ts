import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROCESS_RUNTIMES, type ProcessRuntime, runtimeEnv } from '@embedq/config';
import type { Engine, RunResult, RunSpec } from './interfaces.js';

/** The hidden subcommand that measures one run; see commands/bench-run.ts. */
export const RUN_COMMAND = 'bench-run';

/** What a child sends back over IPC, exactly once. */
export type ChildMessage =
  | { readonly ok: true; readonly result: RunResult }
  | { readonly ok: false; readonly error: string };

/** The CLI entry point next to this file's folder (dist/bench/run-child.js -> dist/bin.js). */
export function defaultBinPath(): string {
  return fileURLToPath(new URL('../bin.js', import.meta.url));
}

export function specToArgs(spec: RunSpec): string[] {
  const args = [
    '--engine',
    spec.engine,
    '--chunks',
    String(spec.chunks),
    '--batch-size',
    String(spec.batchSize),
    '--precision',
    spec.precision,
  ];
  if (spec.sessions !== undefined) args.push('--sessions', String(spec.sessions));
  if (spec.threads !== undefined) args.push('--threads', String(spec.threads));
  if (spec.inference !== undefined) args.push('--inference', spec.inference);
  if (spec.maxBatchTokens !== undefined) args.push('--max-batch-tokens', String(spec.maxBatchTokens));
  if (spec.modelDir !== undefined) args.push('--model-dir', spec.modelDir);
  if (spec.settleEvery !== undefined) args.push('--settle-every', String(spec.settleEvery));
  if (spec.profileDir !== undefined) args.push('--profile-dir', spec.profileDir);
  return args;
}

/**
 * How Node runs an engine's child: embedq as the worker dyno runs it (the Procfile's flags and
 * environment), so the report measures the engine as deployed; the peer as a plain `node`
 * process, as its users run it.
 */
export function childRuntime(engine: Engine): ProcessRuntime {
  return engine === 'embedq' ? PROCESS_RUNTIMES.worker : { nodeFlags: [], env: {} };
}

/**
 * Measures one run in a fresh Node process (`node dist/bin.js bench-run ...`), so its peak RSS
 * is that process's alone and no run inherits another's heap, JIT state or thread pools.
 * The child's stdout and stderr both go to this process's stderr; the result comes over IPC.
 */
export function runChild(spec: RunSpec, binPath: string = defaultBinPath()): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const runtime = childRuntime(spec.engine);
    const child = spawn(process.execPath, [...runtime.nodeFlags, binPath, RUN_COMMAND, ...specToArgs(spec)], {
      stdio: ['ignore', process.stderr.fd, 'inherit', 'ipc'],
      env: runtimeEnv(runtime, process.env),
    });
    let message: ChildMessage | undefined;
    child.on('message', (m) => {
      message ??= m as ChildMessage;
    });
    child.once('error', (error) =>
      reject(new Error(`cannot start the ${spec.engine} run`, { cause: error })),
    );
    child.once('close', (code, signal) => {
      if (message?.ok === true) resolve(message.result);
      else if (message?.ok === false) reject(new Error(`${spec.engine} run failed: ${message.error}`));
      else {
        const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
        reject(new Error(`${spec.engine} run ended (${how}) without a result`));
      }
    });
  });
}
