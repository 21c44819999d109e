export { BatchEventFeed, type BatchEventListener } from './batch-event-feed.js';
export {
  driveReembeddings,
  type ReembedDriveOptions,
  type ReembedDriveReport,
} from './drive-reembeddings.js';
export { MalformedJobError } from './errors.js';
export { forEachLimit } from './for-each-limit.js';
export type { EmbedChunksPayload, QueueConnectionOptions, QueueKind } from './interfaces.js';
export {
  EMBED_CHUNKS_JOB,
  embedChunksJobId,
  parseEmbedChunksPayload,
  planJobs,
  REEMBED_PRIORITY,
} from './job-catalog.js';
export { type ConsumerOptions, createConsumer, type EmbedChunksProcessor } from './job-consumer.js';
export { JobProducer, type JobStatus } from './job-producer.js';
export * from './metrics/index.js';
export { oldestWaitingSince } from './oldest-waiting-job.js';
export { DEFAULT_PREFIX, QUEUE_KINDS, QUEUE_NAMES } from './queue-names.js';
export { type ReconcileOptions, type ReconcileReport, reconcileOnce } from './reconcile.js';
export { reconcileWebhooks, type WebhookReconcileReport } from './reconcile-webhooks.js';
export { redisOptions } from './redis-options.js';
export {
  createWebhookConsumer,
  parseWebhookAttemptPayload,
  WEBHOOK_ATTEMPT_JOB,
  WEBHOOK_QUEUE_NAME,
  type WebhookAttemptPayload,
  WebhookQueue,
  webhookAttemptJobId,
} from './webhook-queue.js';
