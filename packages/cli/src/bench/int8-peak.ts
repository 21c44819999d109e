import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelSet } from '@embedq/embedder';
import {
  INT8_PEAK_SOURCE,
  type Int8PeakVariant,
  MULTIPLY_ADDS_PER_ITERATION,
  VARIANT_INSTRUCTIONS,
} from './int8-peak-source.js';
import { cpuFlags } from './machine-info.js';

export interface Int8PeakRate {
  readonly threads: number;
  /** int8 ops (multiply-adds x 2) per second: the best of the attempts. */
  readonly opsPerSecond: number;
}

export type Int8Peak =
  | {
      readonly measured: true;
      readonly variant: Int8PeakVariant;
      readonly instructions: string;
      readonly rates: readonly Int8PeakRate[];
    }
  | { readonly measured: false; readonly reason: string };

/** The widest int8 multiply-accumulate the CPU has, from /proc/cpuinfo's flags. */
export function peakVariant(cpuFlags: ReadonlySet<string>): Int8PeakVariant | undefined {
  if (cpuFlags.has('avx512_vnni') && cpuFlags.has('avx512bw')) return 'avx512vnni';
  if (cpuFlags.has('avx_vnni')) return 'avxvnni';
  if (cpuFlags.has('avx2')) return 'avx2';
  return undefined;
}

/**
 * The compiler and the microbenchmark run without LD_PRELOAD: a library preloaded into the bench
 * (scripts/measure-avx2-kernels.sh hides AVX-512 that way) is for the engines, not for them.
 */
const withoutPreload = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== 'LD_PRELOAD'),
);

/**
 * The peak an engine profile is measured against: AVX2's when the engine ran its AVX2 kernels
 * (`kernels`), or when /proc/cpuinfo lists AVX-512 VNNI but cpuid, as the engines see it
 * (`cpuidSets`, the native addon's kernel sets), does not, so ONNX Runtime ran its AVX2 kernels
 * too; else the widest the flags offer.
 */
export function profilePeakVariant(
  kernels: KernelSet | undefined,
  flags: ReadonlySet<string>,
  cpuidSets: readonly KernelSet[],
): Int8PeakVariant | undefined {
  const widest = peakVariant(flags);
  const hidden = widest === 'avx512vnni' && cpuidSets.length > 0 && !cpuidSets.includes('avx512-vnni');
  return kernels === 'avx2' || hidden ? 'avx2' : widest;
}

/** Seconds each timed attempt aims for: long against the thread start, short against drift. */
const TARGET_SECONDS = 0.3;
const ATTEMPTS = 3;

/**
 * Measures the machine's int8 multiply-accumulate peak with 1 thread and with `threads`, by
 * compiling the microbenchmark in `int8-peak-source.ts` with the system's C compiler (`cc`) and
 * taking the best of three timed runs of each; of `variant`'s instructions when given, else of the
 * widest the CPU has. Without a compiler or an x86-64 Linux, says why.
 */
export function measureInt8Peak(threads: number, variant = peakVariant(cpuFlags())): Int8Peak {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      measured: false,
      reason: `the microbenchmark is x86-64 Linux only (${process.platform} ${process.arch})`,
    };
  }
  if (variant === undefined) return { measured: false, reason: 'the CPU has no AVX2' };
  const dir = mkdtempSync(join(tmpdir(), 'embedq-int8-peak-'));
  try {
    const source = join(dir, 'peak.c');
    const binary = join(dir, 'peak');
    writeFileSync(source, INT8_PEAK_SOURCE);
    try {
      execFileSync('cc', ['-O2', '-pthread', '-o', binary, source], { stdio: 'pipe', env: withoutPreload });
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return { measured: false, reason: `no C compiler could build it (cc: ${detail})` };
    }
    const seconds = (count: number, iterations: number): number =>
      Number(
        execFileSync(binary, [variant, String(count), String(iterations)], {
          encoding: 'utf8',
          env: withoutPreload,
        }).trim(),
      );
    // Calibrate the iterations on one thread, then time each thread count.
    let iterations = 1_000_000;
    for (let s = seconds(1, iterations); s < TARGET_SECONDS / 4; s = seconds(1, iterations)) iterations *= 4;
    iterations = Math.max(1, Math.round((iterations * TARGET_SECONDS) / seconds(1, iterations)));
    const counts = [...new Set([1, Math.max(1, threads)])];
    const rates = counts.map((count) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < ATTEMPTS; i++) best = Math.min(best, seconds(count, iterations));
      const ops = 2 * MULTIPLY_ADDS_PER_ITERATION[variant] * iterations * count;
      return { threads: count, opsPerSecond: ops / best };
    });
    return { measured: true, variant, instructions: VARIANT_INSTRUCTIONS[variant], rates };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
