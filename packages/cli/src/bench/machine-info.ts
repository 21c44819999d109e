import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { onnxruntimeNodeVersion, transformersVersion } from './package-version.js';

/** Where and with what a benchmark ran. */
export interface MachineInfo {
  readonly cpuModel: string;
  /**
   * /proc/cpuinfo's `cpu family` and `model` ("family 25, model 17"): hosts that all call themselves
   * "AMD EPYC" are of different generations, with different int8 rates. Absent in older reports.
   */
  readonly cpuFamilyModel?: string;
  readonly logicalCpus: number;
  /** SIMD features that matter for int8 GEMM. */
  readonly cpuFlags: { readonly avx2: boolean; readonly avx512f: boolean; readonly avx512vnni: boolean };
  readonly totalMemoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly onnxruntimeNode: string;
  readonly transformers: string;
  /** ISO 8601, when the benchmark started. */
  readonly date: string;
  /** `git rev-parse HEAD` of the repository, if it is a git checkout. */
  readonly gitCommit: string | undefined;
  /**
   * Whether the checkout differed from that commit (tracked or untracked files outside `reports/`,
   * which the bench itself writes): then the commit alone does not say what was measured.
   */
  readonly gitUncommittedChanges: boolean | undefined;
}

export function collectMachineInfo(repoRoot: string | undefined, now: Date = new Date()): MachineInfo {
  const cpus = os.cpus();
  const flags = cpuFlags();
  const familyModel = cpuFamilyModel();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    ...(familyModel === undefined ? {} : { cpuFamilyModel: familyModel }),
    logicalCpus: os.availableParallelism(),
    cpuFlags: {
      avx2: flags.has('avx2'),
      avx512f: flags.has('avx512f'),
      avx512vnni: flags.has('avx512_vnni'),
    },
    totalMemoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntimeNode: onnxruntimeNodeVersion(),
    transformers: transformersVersion(),
    date: now.toISOString(),
    gitCommit: repoRoot === undefined ? undefined : gitCommit(repoRoot),
    gitUncommittedChanges: repoRoot === undefined ? undefined : hasUncommittedChanges(repoRoot),
  };
}

/** /proc/cpuinfo's flags of the first CPU; empty where there is no such file. */
export function cpuFlags(): Set<string> {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    return new Set(line?.split(':')[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}

function cpuFamilyModel(): string | undefined {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const family = /^cpu family\s*:\s*(\d+)/m.exec(info)?.[1];
    const model = /^model\s*:\s*(\d+)/m.exec(info)?.[1];
    return family === undefined || model === undefined ? undefined : `family ${family}, model ${model}`;
  } catch {
    return undefined;
  }
}

/** The commit, shortened to `length`, and whether the checkout had changes beyond it. */
export function describeCommit(machine: MachineInfo, length: number): string {
  if (machine.gitCommit === undefined) return 'unknown';
  const commit = machine.gitCommit.slice(0, length);
  return machine.gitUncommittedChanges === true ? `${commit} with uncommitted changes` : commit;
}

function gitCommit(cwd: string): string | undefined {
  return git(cwd, ['rev-parse', 'HEAD'])?.trim();
}

/** Undefined outside a git checkout. `reports/` is left out: the bench writes its report there. */
export function hasUncommittedChanges(cwd: string): boolean | undefined {
  const status = git(cwd, ['status', '--porcelain', '--', '.', ':(exclude,top)reports']);
  return status === undefined ? undefined : status.trim() !== '';
}

/** Read-only commands only: `rev-parse` and `status` write nothing. */
function git(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}
