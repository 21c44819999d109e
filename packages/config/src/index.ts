export { apiConfigFromEnv } from './api-config.js';
export { NAMESPACE_PATTERN, parseApiKeys } from './api-keys.js';
export { ConfigError } from './config-error.js';
export type { Env } from './env-reader.js';
export type {
  ApiConfig,
  ApiKeyGrant,
  ApiLimits,
  AuthConfig,
  DatabaseSsl,
  EmbeddingConfig,
  JobPlanConfig,
  LogLevel,
  PlannerConfig,
  Precision,
  ReconcileConfig,
  ReembedConfig,
  ServiceConfig,
  WebhookConfig,
  WebhookDeliveryConfig,
  WorkerConfig,
} from './interfaces.js';
export { MAX_PLANNER_WINDOW_SECONDS, plannerConfigFromEnv } from './planner-config.js';
export { PROCESS_RUNTIMES, type ProcessRuntime, procfileCommand, runtimeEnv } from './process-runtime.js';
export { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, serviceConfigFromEnv } from './service-config.js';
export {
  DEFAULT_WEBHOOK_RETRY_DELAYS,
  reconcilerConfigFromEnv,
  workerConfigFromEnv,
} from './worker-config.js';
