import type { CliEnv } from './env.js';

/** What a command may touch; tests pass their own. */
export interface CommandContext {
  readonly env: CliEnv;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  readonly help: string;
  /** Not listed in the top-level help (internal subcommands). */
  readonly hidden?: boolean;
  /** Resolves to the exit code. Throws UsageError for bad usage. */
  run(args: readonly string[], context: CommandContext): Promise<number>;
}
