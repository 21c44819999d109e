import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Env } from '@embedq/config';

export const WORKER_MAIN = fileURLToPath(new URL('../../apps/worker/dist/main.js', import.meta.url));

/** A worker as its own process (`node apps/worker/dist/main.js`), with its JSON log lines kept. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly logs: Record<string, unknown>[] = [];
  #stderr = '';
  readonly #closed: Promise<[number | null, NodeJS.Signals | null]>;

  constructor(env: Env) {
    this.child = spawn(process.execPath, [WORKER_MAIN], {
      env: { PATH: process.env.PATH, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#closed = once(this.child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    // A spawn error rejects it; `stop` rethrows that, and nothing else is left unhandled.
    this.#closed.catch(() => undefined);
    let pending = '';
    this.child.stdout?.setEncoding('utf8').on('data', (data: string) => {
      pending += data;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines)
        if (line.trim() !== '') this.logs.push(JSON.parse(line) as Record<string, unknown>);
    });
    this.child.stderr?.setEncoding('utf8').on('data', (data: string) => {
      this.#stderr += data;
    });
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Log lines with this message. */
  messages(msg: string): Record<string, unknown>[] {
    return this.logs.filter((line) => line.msg === msg);
  }

  /**
   * Sends a signal (unless the process has already exited) and resolves with the exit code (or
   * signal) once the process is gone and its output read to the end ('close', not 'exit'), so
   * `logs` holds its last lines.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const [code, received] = await this.#closed;
    return code ?? received ?? 'unknown';
  }
}
