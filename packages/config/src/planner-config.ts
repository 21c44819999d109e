import { type Env, EnvReader } from './env-reader.js';
import type { PlannerConfig } from './interfaces.js';

/** The planner's window plus the 300 s it looks back for scaling down fit in the hour kept. */
export const MAX_PLANNER_WINDOW_SECONDS = 3_300;

/** Reads the planner's variables into `read` (the API's config and `embedq plan` share them). */
export function readPlannerConfig(read: EnvReader): PlannerConfig {
  return {
    latencySlaSeconds: read.integer('LATENCY_SLA_SECONDS', 60, { min: 1, max: 86_400 }),
    utilisation: read.decimal('PLANNER_UTILISATION', 0.8, { min: 0.05, max: 1 }),
    workerTokensPerSec: read.integer('WORKER_TOKENS_PER_SEC', 13_000, { min: 1, max: 10_000_000 }),
    windowSeconds: read.integer('PLANNER_WINDOW_SECONDS', 300, {
      min: 30,
      max: MAX_PLANNER_WINDOW_SECONDS,
    }),
    minWorkers: read.integer('PLANNER_MIN_WORKERS', 0, { min: 0, max: 1_000 }),
  };
}

/** The planner's configuration alone; throws a ConfigError naming every bad variable. */
export function plannerConfigFromEnv(env: Env): PlannerConfig {
  const read = new EnvReader(env);
  const config = readPlannerConfig(read);
  read.done();
  return config;
}
