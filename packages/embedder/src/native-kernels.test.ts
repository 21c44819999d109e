/**
 * The native engine's kernels against double-precision references (native/kernel-check.c), for
 * each kernel set this CPU runs: GELU and exp over their whole range, each linear shape with and
 * without channel divisors for 1-14 rows, the largest products the set allows, attention for
 * 1-512 tokens, layer norm. Needs `cc`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KERNEL_SETS, type KernelSet, nativeEncoder } from './native-session.js';

const NATIVE = fileURLToPath(new URL('../native/', import.meta.url));
/** The compiler flags, and each set's kernel files, that native/build.mjs builds with. */
const flags = JSON.parse(readFileSync(join(NATIVE, 'flags.json'), 'utf8')) as Record<
  'common' | 'avx512' | 'avx2',
  string[]
> & { kernels: Record<'avx512' | 'avx2', string[]> };
const encoder = nativeEncoder();
const runnable: readonly KernelSet[] = 'runnable' in encoder ? encoder.runnable : [];

/** Each set's key in flags.json and the macro that points kernel-check.c at its kernels. */
const SETS: Record<KernelSet, { suffix: 'avx512' | 'avx2'; define: string }> = {
  'avx512-vnni': { suffix: 'avx512', define: '-DEQ_CHECK_AVX512' },
  avx2: { suffix: 'avx2', define: '-DEQ_CHECK_AVX2' },
};

describe.each(KERNEL_SETS)('native %s kernels', (set) => {
  it.skipIf(!runnable.includes(set))(
    'stay within tolerance of a double-precision reference',
    () => {
      const { suffix, define } = SETS[set];
      const dir = mkdtempSync(join(tmpdir(), 'embedq-kernel-check-'));
      try {
        const binary = join(dir, 'kernel-check');
        const sources = ['kernel-check', 'int8-linear', ...flags.kernels[suffix]].map((f) =>
          join(NATIVE, `${f}.c`),
        );
        execFileSync('cc', [...flags.common, ...flags[suffix], define, '-o', binary, ...sources, '-lm'], {
          stdio: 'pipe',
        });
        let output: string;
        try {
          output = execFileSync(binary, { encoding: 'utf8' });
        } catch (error) {
          output = String((error as { stdout?: string }).stdout ?? error);
        }
        console.log(output.trim());
        expect(output).toContain(`kernel set ${set}`);
        expect(output).toContain('all kernels within tolerance');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
