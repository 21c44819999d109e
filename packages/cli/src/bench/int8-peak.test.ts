import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { measureInt8Peak, peakVariant, profilePeakVariant } from './int8-peak.js';
import { cpuFlags } from './machine-info.js';

const hasCompiler = (() => {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** x86-64 Linux with AVX2 and a C compiler: where the microbenchmark can run at all. */
const canMeasure =
  hasCompiler &&
  process.platform === 'linux' &&
  process.arch === 'x64' &&
  peakVariant(cpuFlags()) !== undefined;

describe('peakVariant', () => {
  it('picks the widest int8 multiply-accumulate the flags offer', () => {
    expect(peakVariant(new Set(['avx2', 'avx512bw', 'avx512_vnni', 'avx_vnni']))).toBe('avx512vnni');
    expect(peakVariant(new Set(['avx2', 'avx_vnni']))).toBe('avxvnni');
    expect(peakVariant(new Set(['avx2', 'avx512_vnni']))).toBe('avx2');
    expect(peakVariant(new Set(['sse4_2']))).toBeUndefined();
  });
});

describe('profilePeakVariant', () => {
  const vnni = new Set(['avx2', 'avx512bw', 'avx512_vnni']);
  it("measures an engine against the instructions it ran: AVX2's for AVX2 kernels or AVX-512 hidden", () => {
    expect(profilePeakVariant('avx512-vnni', vnni, ['avx512-vnni', 'avx2'])).toBe('avx512vnni');
    expect(profilePeakVariant(undefined, vnni, ['avx512-vnni', 'avx2'])).toBe('avx512vnni');
    expect(profilePeakVariant('avx2', vnni, ['avx512-vnni', 'avx2'])).toBe('avx2');
    // ONNX Runtime with AVX-512 hidden from cpuid (scripts/measure-avx2-kernels.sh).
    expect(profilePeakVariant(undefined, vnni, ['avx2'])).toBe('avx2');
    // Without the addon nothing says cpuid differs from /proc/cpuinfo.
    expect(profilePeakVariant(undefined, vnni, [])).toBe('avx512vnni');
    expect(profilePeakVariant(undefined, new Set(['avx2', 'avx_vnni']), ['avx2'])).toBe('avxvnni');
  });
});

describe('measureInt8Peak', () => {
  it.runIf(canMeasure)('compiles the microbenchmark and measures one thread and two', () => {
    const peak = measureInt8Peak(2);
    if (!peak.measured) throw new Error(`not measured: ${peak.reason}`);
    expect(peak.rates.map((r) => r.threads)).toEqual([1, 2]);
    // Any x86-64 CPU with AVX2 does more than 10 G int8 ops/s on one thread.
    for (const rate of peak.rates) expect(rate.opsPerSecond).toBeGreaterThan(10e9);
  });
});
