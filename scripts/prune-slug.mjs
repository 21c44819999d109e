#!/usr/bin/env node
// Shrinks a production install (Heroku slug, Docker image) by deleting native binaries built for
// other platforms: onnxruntime-node ships every OS and CPU in one ~290 MB package, and Heroku caps
// a slug at 500 MB compressed. Only other platforms' files go; nothing the api, worker or cli load
// on this platform, and nothing under models/.
//
// Without --yes it only lists what it would delete, so running it on a dev checkout by mistake
// changes nothing. With --yes it deletes; a second run finds nothing left and saves 0 bytes.
// `pnpm install --force` brings the deleted files back.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const usage = `usage: node scripts/prune-slug.mjs [--yes] [--root DIR] [--platform P] [--arch A]
  Lists (or with --yes deletes) other platforms' native binaries under DIR/node_modules.
  --yes        delete; without it nothing changes
  --root DIR   the installed project (default: this repository)
  --platform   target OS as Node names it (default: ${process.platform})
  --arch       target CPU as Node names it (default: ${process.arch})`;

const { values } = parseArgs({
  options: {
    yes: { type: 'boolean', default: false },
    root: { type: 'string' },
    platform: { type: 'string', default: process.platform },
    arch: { type: 'string', default: process.arch },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const root = resolve(values.root ?? fileURLToPath(new URL('..', import.meta.url)));
const { platform, arch, yes } = values;
const log = (line) => console.log(`[prune-slug] ${line}`);

const nodeModules = join(root, 'node_modules');
if (!existsSync(nodeModules)) {
  console.error(`[prune-slug] no node_modules in ${root}: install first`);
  process.exit(1);
}

/** Real package folders (symlinks skipped, so each is seen once) in pnpm's and npm's layouts. */
function* packageDirs(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (entry.name === '.pnpm') {
      for (const id of readdirSync(path, { withFileTypes: true })) {
        if (id.isDirectory()) yield* packageDirs(join(path, id.name, 'node_modules'));
      }
    } else if (entry.name.startsWith('@')) {
      yield* packageDirs(path);
    } else if (!entry.name.startsWith('.') && existsSync(join(path, 'package.json'))) {
      yield path;
      yield* packageDirs(join(path, 'node_modules'));
    }
  }
}

const subdirs = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
    : [];

function sizeOf(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const name of readdirSync(path)) total += sizeOf(join(path, name));
  return total;
}

const packageName = (dir) => {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  } catch {
    return undefined;
  }
};

/** Paths to delete, plus the onnxruntime-node folders to load-check afterwards. */
const doomed = [];
const onnxruntimeDirs = [];
const seen = new Set();

for (const dir of packageDirs(nodeModules)) {
  const real = realpathSync(dir);
  if (seen.has(real)) continue;
  seen.add(real);

  // onnxruntime-node: bin/napi-v<N>/<platform>/<arch>/ holds the binding and libonnxruntime.
  if (packageName(dir) === 'onnxruntime-node') {
    for (const napi of subdirs(join(dir, 'bin')).filter((n) => n.startsWith('napi-v'))) {
      const base = join(dir, 'bin', napi);
      // Never leave a package with no binary at all: skip it when the target's is not there.
      if (!existsSync(join(base, platform, arch, 'onnxruntime_binding.node'))) {
        log(`keeping ${relative(root, base)}: it has no ${platform}/${arch} binding`);
        continue;
      }
      onnxruntimeDirs.push(dir);
      for (const os of subdirs(base)) {
        if (os !== platform) doomed.push(join(base, os));
        else for (const cpu of subdirs(join(base, os))) if (cpu !== arch) doomed.push(join(base, os, cpu));
      }
    }
  }

  // node-gyp-build's layout: prebuilds/<platform>-<arch>[+<arch>...]/ holds one build each.
  const prebuilds = join(dir, 'prebuilds');
  const builds = subdirs(prebuilds);
  const matches = (name) => {
    const [os, cpus = ''] = name.split('-');
    return os === platform && cpus.split('+').includes(arch);
  };
  if (builds.some(matches)) {
    for (const name of builds) if (!matches(name)) doomed.push(join(prebuilds, name));
  }
}

let saved = 0;
for (const path of doomed) {
  const bytes = sizeOf(path);
  saved += bytes;
  log(`${yes ? 'removed' : 'would remove'} ${relative(root, path)} (${(bytes / 1e6).toFixed(1)} MB)`);
  if (yes) rmSync(path, { recursive: true, force: true });
}
const verb = yes ? 'removed' : 'would remove';
log(
  `${verb} ${doomed.length} path(s) for a ${platform}-${arch} target: ${saved} bytes (${(saved / 1e6).toFixed(1)} MB) saved`,
);
if (!yes && doomed.length > 0) log('dry run: nothing deleted; pass --yes to delete');

// The binding we kept must still load; a failure here fails the build, not the first dyno.
if (yes && platform === process.platform && arch === process.arch) {
  for (const dir of new Set(onnxruntimeDirs)) {
    const check = spawnSync(
      process.execPath,
      ['-e', 'if (typeof require(process.argv[1]).InferenceSession !== "function") process.exit(1)', dir],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (check.status !== 0) {
      console.error(`[prune-slug] onnxruntime-node no longer loads from ${relative(root, dir)}`);
      process.exit(1);
    }
    log(`onnxruntime-node still loads from ${relative(root, dir)}`);
  }
}
