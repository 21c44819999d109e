import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/prune-slug.mjs', import.meta.url));
const ORT = 'node_modules/.pnpm/onnxruntime-node@1.30.0/node_modules/onnxruntime-node';
const NATIVE = 'node_modules/.pnpm/native@1.0.0/node_modules/native';
const BINDING = 1_000;
const PREBUILD = 100;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function put(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A pnpm-layout install with onnxruntime-node for four platforms and a node-gyp-build package. */
function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'embedq-prune-'));
  dirs.push(root);
  const ort = join(root, ORT);
  put(join(ort, 'package.json'), JSON.stringify({ name: 'onnxruntime-node', main: 'index.js' }));
  put(join(ort, 'index.js'), 'exports.InferenceSession = class {};\n');
  for (const target of ['linux/x64', 'linux/arm64', 'darwin/arm64', 'win32/x64']) {
    put(join(ort, 'bin/napi-v6', target, 'onnxruntime_binding.node'), Buffer.alloc(BINDING));
  }
  const native = join(root, NATIVE);
  put(join(native, 'package.json'), JSON.stringify({ name: 'native' }));
  for (const target of ['linux-x64', 'darwin-x64+arm64', 'win32-x64']) {
    put(join(native, 'prebuilds', target, 'node.napi.node'), Buffer.alloc(PREBUILD));
  }
  // pnpm links top-level packages into .pnpm; a link must not count twice.
  symlinkSync(join(root, ORT), join(root, 'node_modules/onnxruntime-node'));
  return root;
}

const prune = (root: string, ...args: string[]) =>
  spawnSync(process.execPath, [script, '--root', root, '--platform', 'linux', '--arch', 'x64', ...args], {
    encoding: 'utf8',
  });

const others = [
  `${ORT}/bin/napi-v6/linux/arm64`,
  `${ORT}/bin/napi-v6/darwin`,
  `${ORT}/bin/napi-v6/win32`,
  `${NATIVE}/prebuilds/darwin-x64+arm64`,
  `${NATIVE}/prebuilds/win32-x64`,
];
const kept = [`${ORT}/bin/napi-v6/linux/x64/onnxruntime_binding.node`, `${NATIVE}/prebuilds/linux-x64`];
const otherBytes = 3 * BINDING + 2 * PREBUILD;

describe('scripts/prune-slug.mjs', () => {
  it('without --yes lists what it would remove and deletes nothing', () => {
    const root = fixture();
    const result = prune(root);
    expect(result.status, result.stderr).toBe(0);
    for (const path of others) {
      expect(result.stdout).toContain(`would remove ${path} `);
      expect(existsSync(join(root, path))).toBe(true);
    }
    expect(result.stdout).toContain(`would remove 5 path(s) for a linux-x64 target: ${otherBytes} bytes`);
  });

  it('with --yes removes other platforms only, reports the bytes, and is idempotent', () => {
    const root = fixture();
    const first = prune(root, '--yes');
    expect(first.status, first.stderr).toBe(0);
    for (const path of others) expect(existsSync(join(root, path)), path).toBe(false);
    for (const path of kept) expect(existsSync(join(root, path)), path).toBe(true);
    expect(first.stdout).toContain(`removed 5 path(s) for a linux-x64 target: ${otherBytes} bytes`);

    const second = prune(root, '--yes');
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('removed 0 path(s) for a linux-x64 target: 0 bytes');
    for (const path of kept) expect(existsSync(join(root, path)), path).toBe(true);
  });

  it('keeps every binary of a package that has none for the target', () => {
    const root = fixture();
    const result = spawnSync(
      process.execPath,
      [script, '--root', root, '--platform', 'freebsd', '--arch', 'x64', '--yes'],
      { encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('removed 0 path(s) for a freebsd-x64 target: 0 bytes');
    for (const path of [...others, ...kept]) expect(existsSync(join(root, path)), path).toBe(true);
  });

  it('fails without node_modules', () => {
    const root = mkdtempSync(join(tmpdir(), 'embedq-prune-'));
    dirs.push(root);
    const result = prune(root, '--yes');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no node_modules');
  });
});
