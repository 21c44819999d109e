import { describe, expect, it } from 'vitest';
import type { CpuBudget } from './cpu-budget.js';
import { describeInferenceSizing, logInferenceSizing, sizeInference } from './inference-sizing.js';

const budget = (cpus: number, quota: CpuBudget['quota'] = 'quota'): CpuBudget => ({
  cpus,
  source: 'cgroup quota',
  quota,
  reason: `cgroup CPU quota ${cpus * 100000} 100000 in /sys/fs/cgroup/cpu.max: ${cpus} CPUs`,
});
const SETTINGS = { sessions: 'ORT_SESSIONS', threads: 'ORT_THREADS' };

describe('sizeInference', () => {
  it('divides the budget among up to two sessions', () => {
    expect(sizeInference({}, budget(1))).toMatchObject({ sessions: 1, threads: 1 });
    expect(sizeInference({}, budget(2))).toMatchObject({ sessions: 2, threads: 1 });
    expect(sizeInference({}, budget(3))).toMatchObject({ sessions: 2, threads: 1 });
    expect(sizeInference({}, budget(8))).toMatchObject({
      sessions: 2,
      threads: 4,
      sessionsFrom: 'cpu budget',
      threadsFrom: 'cpu budget',
    });
  });

  it('lets explicit settings win, and divides the budget by the sessions set', () => {
    expect(sizeInference({ sessions: 3, threads: 5 }, budget(2))).toMatchObject({
      sessions: 3,
      threads: 5,
      sessionsFrom: 'set',
      threadsFrom: 'set',
    });
    expect(sizeInference({ sessions: 1 }, budget(4))).toMatchObject({
      sessions: 1,
      threads: 4,
      threadsFrom: 'cpu budget',
    });
    expect(sizeInference({ threads: 1 }, budget(8))).toMatchObject({ sessions: 2, threads: 1 });
  });

  it('uses a process’s fixed defaults before the budget (the API: one session, one thread)', () => {
    const api = { sessions: 1, threads: 1 };
    expect(sizeInference({}, budget(8), api)).toMatchObject({
      sessions: 1,
      threads: 1,
      sessionsFrom: 'process default',
      threadsFrom: 'process default',
    });
    expect(sizeInference({ sessions: 2 }, budget(8), api)).toMatchObject({ sessions: 2, threads: 1 });
  });
});

describe('describeInferenceSizing', () => {
  it('says what was chosen and why in one line', () => {
    const { fields, message } = describeInferenceSizing(sizeInference({ threads: 1 }, budget(2)), SETTINGS);
    expect(message).toBe(
      'inference: 2 sessions (from 2 CPUs) x 1 thread (ORT_THREADS); 2 CPUs: cgroup CPU quota 200000 100000 in /sys/fs/cgroup/cpu.max: 2 CPUs',
    );
    expect(fields).toEqual({
      sessions: 2,
      threads: 1,
      sessionsFrom: 'cpu budget',
      threadsFrom: 'ORT_THREADS',
      cpus: 2,
      cpusFrom: 'cgroup quota',
      cpuReason: 'cgroup CPU quota 200000 100000 in /sys/fs/cgroup/cpu.max: 2 CPUs',
    });
    expect(
      describeInferenceSizing(sizeInference({}, budget(1), { sessions: 1, threads: 1 }), SETTINGS).message,
    ).toMatch(/^inference: 1 session \(default\) x 1 thread \(default\); 1 CPU: /);
  });
});

describe('logInferenceSizing', () => {
  it('logs info, or a warning when a cgroup file made no sense', () => {
    const lines: [string, object, string][] = [];
    const logger = {
      info: (fields: object, message: string) => lines.push(['info', fields, message]),
      warn: (fields: object, message: string) => lines.push(['warn', fields, message]),
    };
    logInferenceSizing(logger, sizeInference({}, budget(2)), SETTINGS);
    logInferenceSizing(logger, sizeInference({}, budget(2, 'unreadable')), SETTINGS);
    expect(lines.map(([level]) => level)).toEqual(['info', 'warn']);
    expect(lines[0]?.[1]).toMatchObject({ inference: { sessions: 2, threads: 1, cpus: 2 } });
  });
});
