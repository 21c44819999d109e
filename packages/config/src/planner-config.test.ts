import { describe, expect, it } from 'vitest';
import { apiConfigFromEnv } from './api-config.js';
import { ConfigError } from './config-error.js';
import { plannerConfigFromEnv } from './planner-config.js';

describe('plannerConfigFromEnv', () => {
  it('has defaults, the same the API reads', () => {
    const defaults = {
      latencySlaSeconds: 60,
      utilisation: 0.8,
      workerTokensPerSec: 13_000,
      windowSeconds: 300,
      minWorkers: 0,
    };
    expect(plannerConfigFromEnv({})).toEqual(defaults);
    expect(apiConfigFromEnv({ API_KEYS: 'client-key-0001:*' }).planner).toEqual(defaults);
  });

  it('reads every variable', () => {
    expect(
      plannerConfigFromEnv({
        LATENCY_SLA_SECONDS: '30',
        PLANNER_UTILISATION: '0.65',
        WORKER_TOKENS_PER_SEC: '20000',
        PLANNER_WINDOW_SECONDS: '600',
        PLANNER_MIN_WORKERS: '1',
      }),
    ).toEqual({
      latencySlaSeconds: 30,
      utilisation: 0.65,
      workerTokensPerSec: 20_000,
      windowSeconds: 600,
      minWorkers: 1,
    });
    expect(plannerConfigFromEnv({ PLANNER_UTILISATION: '1' }).utilisation).toBe(1);
  });

  it('names every value out of range at once', () => {
    let error: unknown;
    try {
      plannerConfigFromEnv({
        LATENCY_SLA_SECONDS: '0',
        PLANNER_UTILISATION: '1.5',
        WORKER_TOKENS_PER_SEC: 'fast',
        PLANNER_WINDOW_SECONDS: '3600',
        PLANNER_MIN_WORKERS: '-1',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      "LATENCY_SLA_SECONDS must be an integer 1..86400, got '0'",
      "PLANNER_UTILISATION must be a number 0.05..1, got '1.5'",
      "WORKER_TOKENS_PER_SEC must be an integer 1..10000000, got 'fast'",
      "PLANNER_WINDOW_SECONDS must be an integer 30..3300, got '3600'",
      "PLANNER_MIN_WORKERS must be an integer 0..1000, got '-1'",
    ]);
  });

  it.each(['0', '0.01', '.8', '80%', '1e-1', ''])('refuses PLANNER_UTILISATION=%j unless blank', (raw) => {
    if (raw === '') expect(plannerConfigFromEnv({ PLANNER_UTILISATION: raw }).utilisation).toBe(0.8);
    else expect(() => plannerConfigFromEnv({ PLANNER_UTILISATION: raw })).toThrow(ConfigError);
  });
});
