import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

/**
 * The CPU time a container may use, as its cgroup's CFS quota says. A container or dyno sees the
 * host's CPUs in `os.cpus()` and `os.availableParallelism()` (Node 20's libuv reads no cgroup),
 * not the share it is allowed, so thread counts derived from them oversubscribe it.
 */
export type CgroupCpuQuota =
  /** The tightest quota found: `cpus` = quota / period, possibly fractional (1.5). */
  | { readonly kind: 'quota'; readonly cpus: number; readonly file: string; readonly text: string }
  /** Every quota file found says "no limit" ("max" in v2, -1 in v1). */
  | { readonly kind: 'unlimited'; readonly files: readonly string[] }
  /** No quota file at any of these paths (no cgroup CPU controller, or not Linux). */
  | { readonly kind: 'absent'; readonly looked: readonly string[] }
  /** A file that exists but says nothing usable: the caller must not trust any quota. */
  | { readonly kind: 'unreadable'; readonly file: string; readonly problem: string };

export interface CgroupLocation {
  /** Where the cgroup filesystems are mounted. Default `/sys/fs/cgroup`. */
  readonly root?: string;
  /** The text of `/proc/self/cgroup`, which names this process's cgroups. Default: read it. */
  readonly selfCgroup?: string;
}

export const CGROUP_ROOT = '/sys/fs/cgroup';

/** One place a quota may be written: v2's one file, or v1's quota and period pair. */
type QuotaFile =
  | { readonly version: 2; readonly max: string }
  | { readonly version: 1; readonly quota: string };

type FileReading =
  | { readonly kind: 'quota'; readonly cpus: number; readonly text: string }
  | { readonly kind: 'unlimited' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unreadable'; readonly problem: string };

/**
 * Reads the CPU quota of this process's cgroup and of every cgroup above it, v2 (`cpu.max`) and
 * v1 (`cpu.cfs_quota_us` / `cpu.cfs_period_us`), and keeps the tightest: a parent's limit binds
 * its children. Inside a container the process's cgroup is the mount's root; on a host under
 * systemd it is a slice below it. Never throws: a missing or malformed file is an answer.
 */
export function readCgroupCpuQuota(location: CgroupLocation = {}): CgroupCpuQuota {
  const root = location.root ?? CGROUP_ROOT;
  const own = ownCgroupPaths(location.selfCgroup ?? readSelfCgroup());
  const candidates: QuotaFile[] = [
    ...ancestors(own.v2).map((dir): QuotaFile => ({ version: 2, max: posix.join(root, dir, 'cpu.max') })),
    // v1 mounts the cpu controller alone or together with cpuacct, depending on the distribution.
    ...['cpu', 'cpu,cpuacct'].flatMap((controller) =>
      ancestors(own.v1Cpu).map(
        (dir): QuotaFile => ({ version: 1, quota: posix.join(root, controller, dir, 'cpu.cfs_quota_us') }),
      ),
    ),
  ];
  let tightest: { cpus: number; file: string; text: string } | undefined;
  const unlimited: string[] = [];
  const looked: string[] = [];
  for (const candidate of candidates) {
    const file = candidate.version === 2 ? candidate.max : candidate.quota;
    if (looked.includes(file)) continue;
    looked.push(file);
    const reading = candidate.version === 2 ? readV2(candidate.max) : readV1(candidate.quota);
    if (reading.kind === 'unreadable') return { kind: 'unreadable', file, problem: reading.problem };
    if (reading.kind === 'unlimited') unlimited.push(file);
    if (reading.kind === 'quota' && (tightest === undefined || reading.cpus < tightest.cpus)) {
      tightest = { cpus: reading.cpus, file, text: reading.text };
    }
  }
  if (tightest !== undefined) return { kind: 'quota', ...tightest };
  if (unlimited.length > 0) return { kind: 'unlimited', files: unlimited };
  return { kind: 'absent', looked };
}

/** v2: "max 100000" (no limit) or "<quota> <period>", both in microseconds. */
function readV2(file: string): FileReading {
  const text = readText(file);
  if (typeof text !== 'string') return text;
  const match = /^(max|\d+) (\d+)$/.exec(text);
  if (match === null) return malformed(text, '"<quota> <period>" or "max <period>"');
  const period = Number(match[2]);
  if (match[1] === 'max') return period > 0 ? { kind: 'unlimited' } : malformed(text, 'a period above 0');
  return quotaOf(Number(match[1]), period, text);
}

/** v1: `cpu.cfs_quota_us` holds the quota (-1: no limit), `cpu.cfs_period_us` beside it the period. */
function readV1(quotaFile: string): FileReading {
  const quotaText = readText(quotaFile);
  if (typeof quotaText !== 'string') return quotaText;
  if (quotaText === '-1') return { kind: 'unlimited' };
  if (!/^\d+$/.test(quotaText)) return malformed(quotaText, 'a number of microseconds or -1');
  const periodFile = posix.join(posix.dirname(quotaFile), 'cpu.cfs_period_us');
  const periodText = readText(periodFile);
  if (typeof periodText !== 'string') {
    return { kind: 'unreadable', problem: `a quota of ${quotaText} µs but no readable ${periodFile}` };
  }
  if (!/^\d+$/.test(periodText)) {
    return {
      kind: 'unreadable',
      problem: `${periodFile} says "${periodText}", not a number of microseconds`,
    };
  }
  return quotaOf(Number(quotaText), Number(periodText), `${quotaText}/${periodText}`);
}

function quotaOf(quota: number, period: number, text: string): FileReading {
  if (!(quota > 0 && period > 0)) return malformed(text, 'a quota and a period above 0');
  return { kind: 'quota', cpus: quota / period, text };
}

function malformed(text: string, expected: string): FileReading {
  return { kind: 'unreadable', problem: `"${text.slice(0, 60)}" is not ${expected}` };
}

/** The file's trimmed text; a missing file is `absent`, any other failure `unreadable`. */
function readText(file: string): string | FileReading {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent' };
    return { kind: 'unreadable', problem: `cannot be read (${code ?? String(error)})` };
  }
}

function readSelfCgroup(): string {
  try {
    return readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    // Not Linux, or no /proc: only the mount's root is looked at (and is absent off Linux).
    return '';
  }
}

/**
 * This process's cgroup in each hierarchy, from lines "<id>:<controllers>:<path>": v2's has id 0
 * and no controllers; v1's cpu one lists `cpu` among its controllers. The root when unnamed.
 */
function ownCgroupPaths(selfCgroup: string): { v2: string; v1Cpu: string } {
  let v2 = '/';
  let v1Cpu = '/';
  for (const line of selfCgroup.split('\n')) {
    const [id, controllers, ...rest] = line.split(':');
    const path = rest.join(':');
    if (!path.startsWith('/')) continue;
    if (id === '0' && controllers === '') v2 = path;
    else if (controllers?.split(',').includes('cpu')) v1Cpu = path;
  }
  return { v2, v1Cpu };
}

/** "/a/b" -> ["/a/b", "/a", "/"]. */
function ancestors(path: string): string[] {
  const dirs = [posix.normalize(path)];
  for (let dir = dirs[0] ?? '/'; dir !== '/'; ) {
    dir = posix.dirname(dir);
    dirs.push(dir);
  }
  return dirs;
}
