import type { ProcessRuntime } from '@embedq/config';
import { type BatchRecorder, peakRssMB } from './batch-recorder.js';
import type { RanOn, RunResult, RunSpec, SettledRssSample } from './interfaces.js';

/** What an engine measured besides its batches. */
export interface RunContext {
  readonly loadSeconds: number;
  readonly rssBeforeLoadMB: number;
  readonly rssAfterLoadMB: number;
  readonly versions: Record<string, string>;
  readonly inference?: RanOn;
  readonly settledRss?: readonly SettledRssSample[];
}

/** One run's result from its finished recorder; peak RSS is read now, at the end of the run. */
export function runResult(spec: RunSpec, recorder: BatchRecorder, context: RunContext): RunResult {
  return {
    spec,
    chunks: recorder.chunks,
    seconds: recorder.seconds,
    chunksPerSec: recorder.chunks / recorder.seconds,
    peakRssMB: peakRssMB(),
    batches: recorder.batches,
    tokens: recorder.tokens,
    paddedTokens: recorder.paddedTokens,
    batchMs: recorder.timings,
    rssSamples: recorder.samples,
    runtime: currentRuntime(),
    ...context,
  };
}

/** This process's Node flags and the glibc malloc tunables in its environment. */
export function currentRuntime(
  execArgv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
): ProcessRuntime {
  const malloc = Object.entries(env).filter(
    (entry): entry is [string, string] => entry[0].startsWith('MALLOC_') && entry[1] !== undefined,
  );
  return { nodeFlags: [...execArgv], env: Object.fromEntries(malloc.sort(([a], [b]) => a.localeCompare(b))) };
}
