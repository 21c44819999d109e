import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeCommit, hasUncommittedChanges } from './machine-info.js';
import { MACHINE } from './test-support/fixtures.js';

describe('hasUncommittedChanges', () => {
  let repo: string;
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd: repo,
      stdio: 'ignore',
    });
  };

  beforeEach(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'embedq-git-'));
    git('init', '-q');
    mkdirSync(path.join(repo, 'reports'));
    writeFileSync(path.join(repo, 'engine.ts'), 'export const x = 1;\n');
    writeFileSync(path.join(repo, 'reports', 'old.md'), 'old\n');
    git('add', '.');
    git('commit', '-qm', 'first');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('is false for a clean checkout', () => {
    expect(hasUncommittedChanges(repo)).toBe(false);
  });

  it('is true for a changed or a new file', () => {
    writeFileSync(path.join(repo, 'engine.ts'), 'export const x = 2;\n');
    expect(hasUncommittedChanges(repo)).toBe(true);
    git('checkout', '--', 'engine.ts');
    writeFileSync(path.join(repo, 'faster.ts'), 'export {};\n');
    expect(hasUncommittedChanges(repo)).toBe(true);
  });

  it('ignores reports/, which the bench writes itself', () => {
    writeFileSync(path.join(repo, 'reports', 'old.md'), 'new\n');
    writeFileSync(path.join(repo, 'reports', 'run.json'), '{}\n');
    expect(hasUncommittedChanges(repo)).toBe(false);
  });

  it('is undefined outside a git checkout', () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'embedq-plain-'));
    try {
      expect(hasUncommittedChanges(plain)).toBeUndefined();
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('describeCommit', () => {
  it('shortens the commit and says when the tree was dirty', () => {
    expect(describeCommit(MACHINE, 12)).toBe('0123456789ab');
    expect(describeCommit({ ...MACHINE, gitUncommittedChanges: true }, 12)).toBe(
      '0123456789ab with uncommitted changes',
    );
    expect(describeCommit({ ...MACHINE, gitCommit: undefined, gitUncommittedChanges: undefined }, 12)).toBe(
      'unknown',
    );
  });
});
