import type { NativeProfileFile } from '@embedq/embedder';
import { describe, expect, it } from 'vitest';
import { summarizeNativeProfile } from './native-profile.js';

const file = (scale: number): NativeProfileFile => ({
  engine: 'native',
  kernels: 'avx512-vnni',
  runs: 10 * scale,
  tokens: 1000 * scale,
  runSeconds: 2 * scale,
  stages: [
    { op: 'Embed', calls: 10, seconds: 0.01 * scale, work: 384_000 * scale },
    { op: 'Quantize', calls: 240, seconds: 0.1 * scale, work: 1e6 * scale },
    { op: 'Int8Gemm', calls: 180, seconds: 1.0 * scale, work: 1.4e10 * scale },
    { op: 'Int8GemmGelu', calls: 60, seconds: 0.5 * scale, work: 0.7e10 * scale },
    { op: 'Attention', calls: 60, seconds: 0.3 * scale, work: 3e9 * scale },
    { op: 'LayerNorm', calls: 120, seconds: 0.08 * scale, work: 4.6e6 * scale },
    { op: 'Pooling', calls: 10, seconds: 0.01 * scale, work: 384_000 * scale },
  ],
});

describe('summarizeNativeProfile', () => {
  it("groups the native engine's stages into the profile's kinds, summed over sessions", () => {
    const profile = summarizeNativeProfile([file(1), file(2)]);
    expect(profile).toMatchObject({ engine: 'native', sessions: 2, runs: 30, paddedTokens: 3000 });
    expect(profile.kernelSeconds).toBeCloseTo(3 * 2.0, 9);
    expect(profile.runSeconds).toBeCloseTo(6, 9);
    const gemm = profile.kinds.find((k) => k.kind === 'int8 GEMM')!;
    expect(gemm.ops).toEqual(['Int8Gemm', 'Int8GemmGelu']);
    expect(gemm.seconds).toBeCloseTo(4.5, 9);
    expect(gemm.rate).toBeCloseTo((3 * 2.1e10) / 4.5, 0);
    expect(gemm.share).toBeCloseTo(4.5 / 6, 9);
    // The GEMMs' int ops per token computed (real tokens: the engine skips padding).
    expect(profile.linearOpsPerToken).toBeCloseTo(2.1e10 / 1000, 3);
    expect(profile.kinds.map((k) => k.kind)).toEqual([
      'int8 GEMM',
      'attention',
      'quantise/dequantise',
      'layer norm',
      'pooling',
      'other',
    ]);
    expect(profile.kinds.reduce((s, k) => s + k.share, 0)).toBeCloseTo(1, 9);
    expect(profile.opTypes[0]?.op).toBe('Int8Gemm');
    expect(profile.attentionSplit).toBeUndefined();
  });

  it('reads no files as no work rather than dividing by zero', () => {
    expect(summarizeNativeProfile([])).toMatchObject({
      runs: 0,
      kernelSeconds: 0,
      kinds: [],
      linearOpsPerToken: 0,
    });
  });
});
