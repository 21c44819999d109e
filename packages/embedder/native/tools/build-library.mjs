// Builds one copy of the native sources (SRC: a directory holding a revision's C files and its
// flags.json) as a shared library with the synthetic encoder and no Node-API binding, for
// tools/paired-bench.c: the units native/build.mjs builds, with the same flags.
// Usage: node build-library.mjs SRC OUT.so
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeUnits } from '../units.mjs';

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: node build-library.mjs SRC OUT.so');
  process.exit(2);
}
const flags = JSON.parse(readFileSync(join(src, 'flags.json'), 'utf8'));
const synthetic = join(dirname(fileURLToPath(import.meta.url)), 'synthetic-encoder.c');
const units = [
  ...nativeUnits(flags).map(([name, unitFlags]) => [join(src, `${name}.c`), unitFlags]),
  [synthetic, [...flags.avx2, `-I${src}`]],
];
const objects = units.map(([file, unitFlags], i) => {
  const object = join(src, `unit-${i}.o`);
  execFileSync('cc', [...flags.common, ...unitFlags, '-c', file, '-o', object], { stdio: 'inherit' });
  return object;
});
// -Bsymbolic: two such libraries in one process each call their own kernels.
execFileSync('cc', ['-shared', '-Wl,-Bsymbolic', '-o', out, ...objects, '-lm'], { stdio: 'inherit' });
