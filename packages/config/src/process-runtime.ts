/**
 * How Node runs embedq's long-running processes: the flags before the script and the environment
 * added to the user's. The Procfile, docker-compose.yml and `pnpm start` run the API and the
 * worker this way (a deploy test holds the first two to it), and `embedq bench` runs embedq's
 * engine the worker's way, so the report measures the engine as it is deployed.
 */
export interface ProcessRuntime {
  readonly nodeFlags: readonly string[];
  /**
   * Added to the process's environment. `pnpm start` and the bench leave a variable the user set
   * alone; the Procfile's `env` sets it.
   */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * A fixed glibc mmap threshold hands blocks of 64 KB and more back to the system when freed, so
 * what ONNX Runtime allocates only while it loads the model is not kept: API peak RSS 194 -> 180
 * MB; the worker, whose every session thread loads the model, 302-305 -> 280 MB over 10k loads.
 */
const MMAP_THRESHOLD = { MALLOC_MMAP_THRESHOLD_: '65536' } as const;

export const PROCESS_RUNTIMES: { readonly web: ProcessRuntime; readonly worker: ProcessRuntime } = {
  // Small V8 semi-spaces (2 MB): requests are small and short, and the default young generation
  // let RSS grow ~15 MB under load. Small semi-spaces promote more short-lived objects, which V8
  // then let old space fill with (heap 28 MB live, 72 MB used late in a 50k load);
  // --optimize-for-size collects sooner (peak 175 MB against 189 MB, search latency unchanged).
  // --expose-gc lets the API collect after each large body (collect-after-large-bodies.ts).
  web: { nodeFlags: ['--max-semi-space-size=2', '--optimize-for-size', '--expose-gc'], env: MMAP_THRESHOLD },
  // Small semi-spaces here too: with the default the young generation grew and shrank by ~15 MB,
  // moving RSS with it; with 2 MB, 10k-chunk bench runs peaked 24 MB lower (241 against 265 MB)
  // at the same chunks/s (357.9 against 357.8, medians of 3 interleaved runs).
  worker: { nodeFlags: ['--max-semi-space-size=2'], env: MMAP_THRESHOLD },
};

/** The environment a process started with `runtime` gets on top of `base`. */
export function runtimeEnv(runtime: ProcessRuntime, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...runtime.env, ...base };
}

/** The Procfile's words for running `script` with `runtime`: `env K=V ... node FLAGS... script`. */
export function procfileCommand(runtime: ProcessRuntime, script: string): string[] {
  const env = Object.entries(runtime.env).map(([name, value]) => `${name}=${value}`);
  return [...(env.length > 0 ? ['env', ...env] : []), 'node', ...runtime.nodeFlags, script];
}
