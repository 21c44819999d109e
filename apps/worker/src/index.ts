export { type AttemptResult, type DeliverWebhookDeps, deliverWebhook } from './deliver-webhook.js';
export { type EmbedJobDeps, type EmbedJobResult, embedJob } from './embed-job.js';
export { createLogger } from './logger.js';
export { startWorker, type WorkerRuntime, type WorkerRuntimeOptions } from './worker-runtime.js';
