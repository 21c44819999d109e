import type { CpuBudget } from './cpu-budget.js';

/** At most this many sessions by default; fewer when fewer CPUs are there. */
export const DEFAULT_MAX_SESSIONS = 2;

/** Where a count came from: an explicit setting, the process's fixed default, or the CPUs. */
export type SizingSource = 'set' | 'process default' | 'cpu budget';

export interface InferenceSizing {
  readonly sessions: number;
  readonly threads: number;
  readonly sessionsFrom: SizingSource;
  readonly threadsFrom: SizingSource;
  readonly budget: CpuBudget;
}

export interface InferenceCounts {
  readonly sessions?: number | undefined;
  readonly threads?: number | undefined;
}

/**
 * Sessions and threads: what is set wins, then the process's fixed defaults (the API's 1 and 1),
 * then the CPU budget: up to two sessions, its CPUs divided among them.
 */
export function sizeInference(
  set: InferenceCounts,
  budget: CpuBudget,
  processDefaults: InferenceCounts = {},
): InferenceSizing {
  const [sessions, sessionsFrom] = pick(
    set.sessions,
    processDefaults.sessions,
    Math.min(DEFAULT_MAX_SESSIONS, budget.cpus),
  );
  const [threads, threadsFrom] = pick(
    set.threads,
    processDefaults.threads,
    Math.max(1, Math.floor(budget.cpus / sessions)),
  );
  return { sessions, threads, sessionsFrom, threadsFrom, budget };
}

function pick(
  set: number | undefined,
  processDefault: number | undefined,
  fromCpus: number,
): [number, SizingSource] {
  if (set !== undefined) return [set, 'set'];
  if (processDefault !== undefined) return [processDefault, 'process default'];
  return [fromCpus, 'cpu budget'];
}

/**
 * The start-up log line: what was chosen and why, so an operator sees at once whether a dyno's
 * quota was found. `settings` names the variables that set the counts (`ORT_SESSIONS`).
 */
export function describeInferenceSizing(
  sizing: InferenceSizing,
  settings: { readonly sessions: string; readonly threads: string },
): { readonly fields: Record<string, unknown>; readonly message: string } {
  const from = (source: SizingSource, setting: string) =>
    source === 'set' ? setting : source === 'process default' ? 'default' : `from ${sizing.budget.cpus} CPUs`;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return {
    fields: {
      sessions: sizing.sessions,
      threads: sizing.threads,
      sessionsFrom: sizing.sessionsFrom === 'set' ? settings.sessions : sizing.sessionsFrom,
      threadsFrom: sizing.threadsFrom === 'set' ? settings.threads : sizing.threadsFrom,
      cpus: sizing.budget.cpus,
      cpusFrom: sizing.budget.source,
      cpuReason: sizing.budget.reason,
    },
    message:
      `inference: ${plural(sizing.sessions, 'session')} (${from(sizing.sessionsFrom, settings.sessions)})` +
      ` x ${plural(sizing.threads, 'thread')} (${from(sizing.threadsFrom, settings.threads)});` +
      ` ${plural(sizing.budget.cpus, 'CPU')}: ${sizing.budget.reason}`,
  };
}

/** The part of a pino (or Fastify) logger the start-up line needs. */
export interface SizingLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Logs the start-up line: a warning when a cgroup file exists but made no sense, else info. */
export function logInferenceSizing(
  logger: SizingLogger,
  sizing: InferenceSizing,
  settings: { readonly sessions: string; readonly threads: string },
): void {
  const { fields, message } = describeInferenceSizing(sizing, settings);
  if (sizing.budget.quota === 'unreadable') logger.warn({ inference: fields }, message);
  else logger.info({ inference: fields }, message);
}
