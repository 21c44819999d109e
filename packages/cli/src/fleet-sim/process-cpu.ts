import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Processes on this machine matching pgrep's arguments (e.g. `-u postgres`, `-x redis-server`); none if pgrep finds none. */
export function pidsOf(...pgrepArgs: string[]): number[] {
  try {
    return execFileSync('pgrep', pgrepArgs, { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds (user + system) each process has used, by pid; a process gone is left out. */
export function cpuSeconds(pids: readonly number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at ')'; utime and stime are
      // the 14th and 15th fields of the line, the 12th and 13th after it.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // Exited between listing and reading.
    }
  }
  return used;
}

/**
 * CPU seconds a group of processes spent between two readings: processes that started in
 * between count from their start (backends opened by the load). Ones that exited in between are
 * missed, so take the second reading before closing connections.
 */
export function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}
