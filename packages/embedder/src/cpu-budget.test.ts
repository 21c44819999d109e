import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCpuBudget } from './cpu-budget.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'embedq-cpu-budget-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A Heroku-like dyno: the host shows 8 CPUs, whatever the dyno may use. */
const onEightCpus = (cpuMax?: string) => {
  if (cpuMax !== undefined) write('cpu.max', cpuMax);
  return readCpuBudget({ root, selfCgroup: '0::/\n', availableParallelism: () => 8 });
};

describe('readCpuBudget', () => {
  it('takes a whole-CPU quota over the host’s 8 CPUs', () => {
    expect(onEightCpus('200000 100000')).toEqual({
      cpus: 2,
      source: 'cgroup quota',
      quota: 'quota',
      reason: `cgroup CPU quota 200000 100000 in ${join(root, 'cpu.max')}: 2 CPUs`,
    });
  });

  it('rounds a fractional quota down, never below 1', () => {
    expect(onEightCpus('150000 100000')).toMatchObject({
      cpus: 1,
      source: 'cgroup quota',
      reason: `cgroup CPU quota 150000 100000 in ${join(root, 'cpu.max')}: 1.5 CPUs, rounded down to 1`,
    });
    expect(onEightCpus('250000 100000').cpus).toBe(2);
    expect(onEightCpus('50000 100000')).toMatchObject({
      cpus: 1,
      reason: expect.stringContaining('0.5 CPUs, rounded down to 1'),
    });
    expect(onEightCpus('1000 100000').cpus).toBe(1);
  });

  it('caps a quota above the CPUs the process may run on', () => {
    expect(onEightCpus('1600000 100000')).toMatchObject({
      cpus: 8,
      source: 'cgroup quota',
      reason: expect.stringContaining('16 CPUs, capped at os.availableParallelism() = 8'),
    });
  });

  it('falls back to os.availableParallelism() without a quota, saying why', () => {
    expect(onEightCpus('max 100000')).toEqual({
      cpus: 8,
      source: 'os.availableParallelism()',
      quota: 'unlimited',
      reason: `no cgroup CPU quota (${join(root, 'cpu.max')}: unlimited); os.availableParallelism() = 8`,
    });
  });

  it('falls back when no quota file exists, naming where it looked', () => {
    const budget = onEightCpus();
    expect(budget).toMatchObject({ cpus: 8, source: 'os.availableParallelism()', quota: 'absent' });
    expect(budget.reason).toBe(
      `no cgroup CPU quota file (looked for ${join(root, 'cpu.max')}, ${join(root, 'cpu/cpu.cfs_quota_us')}, ${join(root, 'cpu,cpuacct/cpu.cfs_quota_us')}); os.availableParallelism() = 8`,
    );
  });

  it('falls back when the file is malformed, quoting it', () => {
    expect(onEightCpus('one and a half')).toEqual({
      cpus: 8,
      source: 'os.availableParallelism()',
      quota: 'unreadable',
      reason: `cgroup CPU quota ignored (${join(root, 'cpu.max')}: "one and a half" is not "<quota> <period>" or "max <period>"); os.availableParallelism() = 8`,
    });
  });

  it('reads this machine without throwing and plans for at least one CPU', () => {
    const budget = readCpuBudget();
    expect(budget.cpus).toBeGreaterThanOrEqual(1);
    expect(budget.cpus).toBeLessThanOrEqual(availableParallelism());
    expect(budget.reason).not.toBe('');
  });
});
