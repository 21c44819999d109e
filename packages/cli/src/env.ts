import { resolve } from 'node:path';

/** What the CLI takes from its environment; read once, here. */
export interface CliEnv {
  /** `EMBEDQ_MODEL_DIR`: the built model folder; undefined means the repository's `models/`. */
  readonly modelDir: string | undefined;
  /**
   * Where relative paths given on the command line are resolved: the directory the user ran
   * pnpm from (`INIT_CWD`, set by pnpm and npm for scripts) or else the process's cwd.
   */
  readonly userCwd: string;
  /** `EMBEDQ_DEBUG` set and not empty: errors print their stacks. */
  readonly debug: boolean;
  /** The whole environment, for commands that parse service settings (DATABASE_URL, ...). */
  readonly vars: Readonly<Record<string, string | undefined>>;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): CliEnv {
  const modelDir = nonEmpty(env.EMBEDQ_MODEL_DIR);
  const initCwd = nonEmpty(env.INIT_CWD);
  return {
    modelDir: modelDir === undefined ? undefined : resolve(initCwd ?? cwd, modelDir),
    userCwd: initCwd ?? cwd,
    debug: nonEmpty(env.EMBEDQ_DEBUG) !== undefined,
    vars: env,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
