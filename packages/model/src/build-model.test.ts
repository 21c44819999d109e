import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildModel, verifyModel } from './build-model.js';
import { ModelBuildError } from './errors.js';
import { readLock } from './model-lock.js';
import { lockFilePath, sourceFiles } from './paths.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedq-model-test-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const quiet = () => undefined;

describe('buildModel', () => {
  it('writes byte for byte what the checked-in lock records', async () => {
    const dir = join(tempDir(), 'model');
    const lock = await buildModel({ dir, log: quiet });
    expect(lock.files).toEqual(readLock(lockFilePath())?.files);
    expect(verifyModel(dir)).toEqual([]);
  });

  it('refuses weights whose checksum differs, and leaves no model behind', async () => {
    const work = tempDir();
    const source = { ...sourceFiles(), weights: join(work, 'model.fp16.safetensors') };
    copyFileSync(sourceFiles().weights, source.weights);
    writeFileSync(source.weights, 'not the published weights');
    const dir = join(work, 'model');
    const build = buildModel({ dir, source, log: quiet });
    await expect(build).rejects.toBeInstanceOf(ModelBuildError);
    await expect(build).rejects.toThrow(/sha256/);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(work)).toEqual(['model.fp16.safetensors']);
  });

  it('names the missing file when an input is gone', async () => {
    const source = { ...sourceFiles(), tokenizer: join(tempDir(), 'missing-tokenizer.json') };
    await expect(buildModel({ dir: join(tempDir(), 'model'), source, log: quiet })).rejects.toThrow(
      /missing-tokenizer\.json/,
    );
  });

  it('refuses to replace the model when the build differs from the lock', async () => {
    const work = tempDir();
    const lockPath = join(work, 'lock.json');
    const real = readLock(lockFilePath())!;
    const wrongSha = '0'.repeat(64);
    const tampered = { ...real, files: { ...real.files, 'model.int8.onnx': { sha256: wrongSha, bytes: 1 } } };
    writeFileSync(lockPath, JSON.stringify(tampered));
    const dir = join(work, 'model');
    await expect(buildModel({ dir, lockPath, log: quiet })).rejects.toThrow(/model\.int8\.onnx: sha256/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('verifyModel', () => {
  it('reports a missing or altered file', async () => {
    const dir = join(tempDir(), 'model');
    await buildModel({ dir, log: quiet });
    rmSync(join(dir, 'tokenizer.json'));
    writeFileSync(join(dir, 'config.json'), '{}');
    expect(verifyModel(dir)).toEqual(['tokenizer.json is missing', 'config.json does not match the lock']);
  });
});
