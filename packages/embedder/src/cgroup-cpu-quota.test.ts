import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCgroupCpuQuota } from './cgroup-cpu-quota.js';

/** A fake /sys/fs/cgroup in a temporary folder: the reader is pointed at fixture files. */
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'embedq-cgroup-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** /proc/self/cgroup of a process in a container with its own cgroup namespace (v2). */
const IN_CONTAINER = '0::/\n';
/** /proc/self/cgroup on a v1 host such as this project's test VM. */
const V1_ROOT = '4:memory:/x\n2:cpuacct:/\n1:cpu:/\n0::/\n';

describe('readCgroupCpuQuota, cgroup v2 (cpu.max)', () => {
  it('reads a whole-CPU quota', () => {
    write('cpu.max', '200000 100000\n');
    expect(readCgroupCpuQuota({ root, selfCgroup: IN_CONTAINER })).toEqual({
      kind: 'quota',
      cpus: 2,
      file: join(root, 'cpu.max'),
      text: '200000 100000',
    });
  });

  it('keeps a fractional quota as it is (rounding is the budget’s decision)', () => {
    write('cpu.max', '150000 100000');
    expect(readCgroupCpuQuota({ root, selfCgroup: IN_CONTAINER })).toMatchObject({
      kind: 'quota',
      cpus: 1.5,
    });
  });

  it('says unlimited for "max <period>"', () => {
    write('cpu.max', 'max 100000\n');
    expect(readCgroupCpuQuota({ root, selfCgroup: IN_CONTAINER })).toEqual({
      kind: 'unlimited',
      files: [join(root, 'cpu.max')],
    });
  });

  it('finds the quota of the process’s own cgroup and keeps the tightest of its ancestors', () => {
    // A host under systemd: the process sits in a slice, and a parent slice has a tighter limit.
    write('work.slice/cpu.max', '100000 100000');
    write('work.slice/embedq.service/cpu.max', '300000 100000');
    write('cpu.max', 'max 100000');
    const quota = readCgroupCpuQuota({ root, selfCgroup: '0::/work.slice/embedq.service\n' });
    expect(quota).toMatchObject({ kind: 'quota', cpus: 1, file: join(root, 'work.slice/cpu.max') });
  });

  it.each([
    ['garbage', 'lots', '"lots" is not "<quota> <period>" or "max <period>"'],
    ['an empty file', '', '"" is not "<quota> <period>" or "max <period>"'],
    ['a quota without a period', '150000', '"150000" is not "<quota> <period>" or "max <period>"'],
    ['a negative quota', '-1 100000', '"-1 100000" is not "<quota> <period>" or "max <period>"'],
    ['a zero period', '100000 0', '"100000 0" is not a quota and a period above 0'],
    ['a zero quota', '0 100000', '"0 100000" is not a quota and a period above 0'],
    ['"max" with a zero period', 'max 0', '"max 0" is not a period above 0'],
  ])('calls %s unreadable, saying what it found', (_name, text, problem) => {
    write('cpu.max', text);
    expect(readCgroupCpuQuota({ root, selfCgroup: IN_CONTAINER })).toEqual({
      kind: 'unreadable',
      file: join(root, 'cpu.max'),
      problem,
    });
  });

  it('calls a file it may not read unreadable, without throwing', () => {
    write('cpu.max', '100000 100000');
    chmodSync(join(root, 'cpu.max'), 0o000);
    const quota = readCgroupCpuQuota({ root, selfCgroup: IN_CONTAINER });
    // root reads any file; anyone else gets EACCES.
    if (process.getuid?.() === 0) expect(quota).toMatchObject({ kind: 'quota', cpus: 1 });
    else expect(quota).toMatchObject({ kind: 'unreadable', problem: 'cannot be read (EACCES)' });
  });
});

describe('readCgroupCpuQuota, cgroup v1 (cpu.cfs_quota_us and cpu.cfs_period_us)', () => {
  it('reads quota / period from the cpu controller', () => {
    write('cpu/cpu.cfs_quota_us', '50000\n');
    write('cpu/cpu.cfs_period_us', '100000\n');
    expect(readCgroupCpuQuota({ root, selfCgroup: V1_ROOT })).toEqual({
      kind: 'quota',
      cpus: 0.5,
      file: join(root, 'cpu/cpu.cfs_quota_us'),
      text: '50000/100000',
    });
  });

  it('reads the controller mounted together with cpuacct', () => {
    write('cpu,cpuacct/cpu.cfs_quota_us', '400000');
    write('cpu,cpuacct/cpu.cfs_period_us', '100000');
    expect(readCgroupCpuQuota({ root, selfCgroup: '3:cpu,cpuacct:/\n' })).toMatchObject({
      kind: 'quota',
      cpus: 4,
    });
  });

  it('says unlimited for a quota of -1', () => {
    write('cpu/cpu.cfs_quota_us', '-1');
    write('cpu/cpu.cfs_period_us', '100000');
    expect(readCgroupCpuQuota({ root, selfCgroup: V1_ROOT })).toEqual({
      kind: 'unlimited',
      files: [join(root, 'cpu/cpu.cfs_quota_us')],
    });
  });

  it('calls a quota without a readable period unreadable', () => {
    write('cpu/cpu.cfs_quota_us', '50000');
    expect(readCgroupCpuQuota({ root, selfCgroup: V1_ROOT })).toEqual({
      kind: 'unreadable',
      file: join(root, 'cpu/cpu.cfs_quota_us'),
      problem: `a quota of 50000 µs but no readable ${join(root, 'cpu/cpu.cfs_period_us')}`,
    });
  });

  it('calls a malformed quota or period unreadable', () => {
    write('cpu/cpu.cfs_quota_us', 'half');
    expect(readCgroupCpuQuota({ root, selfCgroup: V1_ROOT })).toMatchObject({
      kind: 'unreadable',
      problem: '"half" is not a number of microseconds or -1',
    });
    write('cpu/cpu.cfs_quota_us', '50000');
    write('cpu/cpu.cfs_period_us', 'often');
    expect(readCgroupCpuQuota({ root, selfCgroup: V1_ROOT })).toMatchObject({
      kind: 'unreadable',
      problem: `${join(root, 'cpu/cpu.cfs_period_us')} says "often", not a number of microseconds`,
    });
  });
});

describe('readCgroupCpuQuota without quota files', () => {
  it('lists where it looked when no file exists', () => {
    expect(readCgroupCpuQuota({ root, selfCgroup: IN_CONTAINER })).toEqual({
      kind: 'absent',
      looked: [
        join(root, 'cpu.max'),
        join(root, 'cpu/cpu.cfs_quota_us'),
        join(root, 'cpu,cpuacct/cpu.cfs_quota_us'),
      ],
    });
  });

  it('looks at the mount’s root when /proc/self/cgroup names nothing (or is empty)', () => {
    write('cpu.max', '100000 100000');
    expect(readCgroupCpuQuota({ root, selfCgroup: '' })).toMatchObject({ kind: 'quota', cpus: 1 });
    expect(readCgroupCpuQuota({ root, selfCgroup: 'not a cgroup line' })).toMatchObject({ kind: 'quota' });
  });

  it('skips an own cgroup that the container does not show and reads the root’s quota', () => {
    // Docker on v1 without a cgroup namespace: /proc/self/cgroup names the host's path, while
    // the container's mount shows its own cgroup at the root.
    write('cpu/cpu.cfs_quota_us', '100000');
    write('cpu/cpu.cfs_period_us', '100000');
    expect(readCgroupCpuQuota({ root, selfCgroup: '1:cpu:/docker/0123abcd\n' })).toMatchObject({
      kind: 'quota',
      cpus: 1,
      file: join(root, 'cpu/cpu.cfs_quota_us'),
    });
  });

  it('does not throw when the root itself is missing', () => {
    expect(readCgroupCpuQuota({ root: join(root, 'nowhere'), selfCgroup: IN_CONTAINER }).kind).toBe('absent');
  });
});
