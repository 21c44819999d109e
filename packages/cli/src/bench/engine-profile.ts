import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuKernelSets, NATIVE_PROFILE_SUFFIX, type NativeProfileFile, RESERVE_RUNS } from '@embedq/embedder';
import { type Int8Peak, measureInt8Peak, profilePeakVariant } from './int8-peak.js';
import type { CellSummary, RunResult, RunSpec } from './interfaces.js';
import { cpuFlags } from './machine-info.js';
import { summarizeNativeProfile } from './native-profile.js';
import { type OperatorProfile, type OrtTraceEvent, summarizeOperatorProfile } from './operator-profile.js';

/** Where an embedq run's time goes, and how close its int8 work comes to the machine's peak. */
export interface EngineProfile {
  /** The cell whose measured (unprofiled) runs give the engine's rate. */
  readonly cell: string;
  readonly profile: OperatorProfile;
  /** The profiled run itself: slower than the measured runs by the profiler's own cost. */
  readonly profiledRun: { readonly chunksPerSec: number; readonly seconds: number };
  readonly int8Peak: Int8Peak;
  /**
   * The measured runs' int8 work per second: the linear layers' ops per token computed (from the
   * profile) x the tokens the engine computes (padded for ONNX Runtime, real for the native
   * engine) / seconds (the cell's medians).
   */
  readonly engineOpsPerSecond: number;
  /**
   * `engineOpsPerSecond` over the int8 peak with as many threads as the machine has; absent when
   * the peak was not measured or the graph is fp32 (its GEMMs are not int8 work).
   */
  readonly fractionOfPeak: number | undefined;
}

/**
 * Runs `spec` once more with ONNX Runtime's profiler on (a fresh child, as every run), groups its
 * trace, and measures the int8 peak right after, so the fraction is of the same machine's state.
 */
export async function profileEngine(
  spec: RunSpec,
  measured: CellSummary,
  cell: string,
  runChild: (spec: RunSpec) => Promise<RunResult>,
): Promise<EngineProfile> {
  const dir = await mkdtemp(join(tmpdir(), 'embedq-profile-'));
  try {
    const run = await runChild({ ...spec, profileDir: dir });
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    if (files.length === 0) throw new Error(`the profiled run wrote no trace into ${dir}`);
    const read = (f: string) => readFile(join(dir, f), 'utf8').then((text) => JSON.parse(text) as unknown);
    const native = files.filter((f) => f.endsWith(NATIVE_PROFILE_SUFFIX));
    const profile =
      native.length > 0
        ? summarizeNativeProfile((await Promise.all(native.map(read))) as NativeProfileFile[])
        : summarizeOperatorProfile((await Promise.all(files.map(read))) as OrtTraceEvent[][], {
            skipRuns: RESERVE_RUNS,
          });
    // The peak of the instructions the engine had: AVX2's when it ran AVX2 kernels on a CPU that has more.
    const variant = profilePeakVariant(profile.kernels, cpuFlags(), cpuKernelSets());
    const int8Peak = measureInt8Peak(availableParallelism(), variant);
    const computed = profile.engine === 'native' ? measured.tokens : measured.paddedTokens;
    const engineOpsPerSecond = (profile.linearOpsPerToken * computed) / measured.seconds;
    const peak =
      int8Peak.measured && spec.precision === 'int8'
        ? Math.max(...int8Peak.rates.map((r) => r.opsPerSecond))
        : undefined;
    return {
      cell,
      profile,
      profiledRun: { chunksPerSec: run.chunksPerSec, seconds: run.seconds },
      int8Peak,
      engineOpsPerSecond,
      fractionOfPeak: peak === undefined ? undefined : engineOpsPerSecond / peak,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
