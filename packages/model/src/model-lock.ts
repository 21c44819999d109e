import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ModelBuildError } from './errors.js';

/** The checked-in record of what a build must produce, byte for byte. */
export interface ModelLock {
  readonly model: string;
  readonly source: string;
  /** Relative path in the model folder -> sha256 and size. */
  readonly files: Readonly<Record<string, { readonly sha256: string; readonly bytes: number }>>;
}

export function readLock(path: string): ModelLock | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ModelLock;
  } catch (cause) {
    throw new ModelBuildError(`model lock ${path} is not valid JSON`, { cause });
  }
}

export function writeLock(path: string, lock: ModelLock): void {
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
}

/** Lists every difference between two locks' files, for an error a person can act on. */
export function lockDifferences(expected: ModelLock, actual: ModelLock): string[] {
  const names = new Set([...Object.keys(expected.files), ...Object.keys(actual.files)]);
  const differences: string[] = [];
  for (const name of [...names].sort()) {
    const e = expected.files[name];
    const a = actual.files[name];
    if (!e) differences.push(`${name}: built but not in the lock`);
    else if (!a) differences.push(`${name}: in the lock but not built`);
    else if (e.sha256 !== a.sha256)
      differences.push(`${name}: sha256 ${a.sha256} differs from the lock's ${e.sha256}`);
  }
  return differences;
}
