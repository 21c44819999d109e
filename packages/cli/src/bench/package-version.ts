import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The installed version of package `name` as seen from module `fromUrl` (pnpm keeps each
 * package's dependencies private, so resolve from the package that depends on it), or
 * 'unknown'. Walks up from the resolved entry file, so it works whatever `exports` allows.
 */
export function packageVersion(name: string, fromUrl: string = import.meta.url): string {
  try {
    let dir = dirname(createRequire(fromUrl).resolve(name));
    for (;;) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: unknown;
          version?: unknown;
        };
        if (pkg.name === name && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // no package.json here; keep walking up
      }
      const parent = dirname(dir);
      if (parent === dir) return 'unknown';
      dir = parent;
    }
  } catch {
    return 'unknown';
  }
}

/** onnxruntime-node as @embedq/embedder loads it. */
export function onnxruntimeNodeVersion(): string {
  try {
    return packageVersion('onnxruntime-node', import.meta.resolve('@embedq/embedder'));
  } catch {
    return 'unknown';
  }
}

export function transformersVersion(): string {
  return packageVersion('@huggingface/transformers');
}
