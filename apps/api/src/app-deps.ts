import type { ApiConfig } from '@embedq/config';
import type { Embedder } from '@embedq/embedder';
import type { BatchEventFeed, JobProducer, WebhookQueue } from '@embedq/queue';
import type pg from 'pg';

/** What the routes need; main.ts builds them from the environment, tests from their own services. */
export interface AppDeps {
  readonly config: ApiConfig;
  readonly pool: pg.Pool;
  readonly producer: JobProducer;
  readonly embedder: Embedder;
  /** The registered model identity of the embedder's graph (registered on first use). */
  readonly identityId: () => Promise<number>;
  /** Job events from Redis for the batches' event streams. */
  readonly batchEvents: BatchEventFeed;
  /** Where `document.deleted` deliveries are queued for the workers. */
  readonly webhooks: WebhookQueue;
}
