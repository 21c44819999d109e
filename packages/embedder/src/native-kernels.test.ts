/**
 * The native engine's kernels against double-precision references (native/kernel-check.c): GELU
 * and exp over their whole range, each linear shape with and without channel divisors for 1-14
 * rows, attention for 1-512 tokens, layer norm. Needs the CPU the kernels need, and `cc`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nativeEncoder } from './native-session.js';

const NATIVE = fileURLToPath(new URL('../native/', import.meta.url));
const flags = JSON.parse(readFileSync(join(NATIVE, 'flags.json'), 'utf8')) as {
  common: string[];
  kernels: string[];
};

describe.skipIf('unavailable' in nativeEncoder())('native kernels', () => {
  it('stay within tolerance of a double-precision reference', () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedq-kernel-check-'));
    try {
      const binary = join(dir, 'kernel-check');
      const sources = ['kernel-check.c', 'int8-linear.c', 'attention.c', 'layer-norm.c'].map((f) =>
        join(NATIVE, f),
      );
      execFileSync('cc', [...flags.common, ...flags.kernels, '-o', binary, ...sources, '-lm'], {
        stdio: 'pipe',
      });
      let output: string;
      try {
        output = execFileSync(binary, { encoding: 'utf8' });
      } catch (error) {
        output = String((error as { stdout?: string }).stdout ?? error);
      }
      console.log(output.trim());
      expect(output).toContain('all kernels within tolerance');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
