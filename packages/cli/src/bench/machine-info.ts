import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { onnxruntimeNodeVersion, transformersVersion } from './package-version.js';

/** Where and with what a benchmark ran. */
export interface MachineInfo {
  readonly cpuModel: string;
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
}

export function collectMachineInfo(repoRoot: string | undefined, now: Date = new Date()): MachineInfo {
  const cpus = os.cpus();
  const flags = cpuFlags();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
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
  };
}

function cpuFlags(): Set<string> {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    return new Set(line?.split(':')[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}

/** Read-only: `git rev-parse` writes nothing. */
function gitCommit(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}
