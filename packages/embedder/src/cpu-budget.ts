import { availableParallelism } from 'node:os';
import { type CgroupCpuQuota, type CgroupLocation, readCgroupCpuQuota } from './cgroup-cpu-quota.js';

/** How many CPUs inference may plan for, and why that many: said once at start, in the log. */
export interface CpuBudget {
  /** Whole CPUs, at least 1. */
  readonly cpus: number;
  /** Where the number came from. */
  readonly source: 'cgroup quota' | 'os.availableParallelism()';
  /** What the cgroup said; `unreadable` is worth a warning (a file that exists but makes no sense). */
  readonly quota: CgroupCpuQuota['kind'];
  /** One sentence naming the files read and the numbers used. */
  readonly reason: string;
}

export interface CpuBudgetSources extends CgroupLocation {
  /** Default `os.availableParallelism()`: the CPUs this process may be scheduled on. */
  readonly availableParallelism?: () => number;
}

/**
 * The cgroup's CPU quota where one is set, else `os.availableParallelism()`. A fractional quota
 * is rounded down (1.5 CPUs -> 1, never below 1), as newer libuv does for
 * `availableParallelism()`: ONNX Runtime's threads spin and meet at every operator, so one more
 * thread than the quota makes the kernel throttle the whole process for the rest of each period,
 * while the fraction left over serves the event loop, the tokenizer and database I/O. A quota
 * above the CPUs the process may run on is capped at those.
 */
export function readCpuBudget(sources: CpuBudgetSources = {}): CpuBudget {
  const quota = readCgroupCpuQuota(sources);
  const parallelism = (sources.availableParallelism ?? availableParallelism)();
  const fallback = (why: string): CpuBudget => ({
    cpus: parallelism,
    source: 'os.availableParallelism()',
    quota: quota.kind,
    reason: `${why}; os.availableParallelism() = ${parallelism}`,
  });
  switch (quota.kind) {
    case 'quota': {
      const whole = Math.max(1, Math.floor(quota.cpus));
      const cpus = Math.min(whole, parallelism);
      const rounded = whole === quota.cpus ? '' : `, rounded down to ${whole}`;
      const capped = cpus < whole ? `, capped at os.availableParallelism() = ${parallelism}` : '';
      return {
        cpus,
        source: 'cgroup quota',
        quota: quota.kind,
        reason: `cgroup CPU quota ${quota.text} in ${quota.file}: ${round(quota.cpus)} CPUs${rounded}${capped}`,
      };
    }
    case 'unlimited':
      return fallback(`no cgroup CPU quota (${quota.files.join(', ')}: unlimited)`);
    case 'absent':
      return fallback(`no cgroup CPU quota file (looked for ${quota.looked.join(', ')})`);
    case 'unreadable':
      return fallback(`cgroup CPU quota ignored (${quota.file}: ${quota.problem})`);
  }
}

const round = (cpus: number) => Math.round(cpus * 100) / 100;
