// Builds the native int8 encoder (native/build/embedq_native.node) with the system's C compiler.
// Optional by design: without x86-64 Linux, a compiler or Node-API headers it says why and exits 0,
// and the embedder runs the graph on ONNX Runtime instead.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeUnits } from './units.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build');
const skip = (why) => {
  console.log(`[native] not built (${why}): the embedder will use ONNX Runtime for every graph`);
  process.exit(0);
};

if (process.env.EMBEDQ_NATIVE === 'off') skip('EMBEDQ_NATIVE=off');
if (process.platform !== 'linux' || process.arch !== 'x64') skip(`${process.platform} ${process.arch}`);

// The Node-API headers that ship with the running Node (official builds, Docker images, Heroku).
const include = join(dirname(process.execPath), '..', 'include', 'node');
if (!existsSync(join(include, 'node_api.h'))) skip(`no Node-API headers in ${include}`);

// The engine's units (units.mjs), and the binding, which alone needs the Node-API headers.
const flags = JSON.parse(readFileSync(join(here, 'flags.json'), 'utf8'));
const units = [...nativeUnits(flags), ['binding', [`-I${include}`]]];
mkdirSync(out, { recursive: true });
try {
  const objects = units.map(([name, unitFlags]) => {
    const object = join(out, `${name}.o`);
    execFileSync('cc', [...flags.common, ...unitFlags, '-c', join(here, `${name}.c`), '-o', object], {
      stdio: 'pipe',
    });
    return object;
  });
  // Linked under a temporary name and renamed, so a running process never loads half a file.
  const target = join(out, 'embedq_native.node');
  execFileSync('cc', ['-shared', '-o', `${target}.tmp`, ...objects, '-lm'], { stdio: 'pipe' });
  renameSync(`${target}.tmp`, target);
  console.log(`[native] built ${target}`);
} catch (error) {
  const detail = error?.stderr?.toString().trim() || error?.message || String(error);
  skip(`the C compiler failed: ${detail.split('\n').slice(0, 5).join(' | ')}`);
}
