import type { ApiConfig } from '@embedq/config';
import type { Embedder } from '@embedq/embedder';
import type { BatchEventFeed, JobProducer, WebhookQueue } from '@embedq/queue';
import type { ModelIdentity } from '@embedq/store';
import type pg from 'pg';

/** What the routes need; main.ts builds them from the environment, tests from their own services. */
export interface AppDeps {
  readonly config: ApiConfig;
  readonly pool: pg.Pool;
  readonly producer: JobProducer;
  readonly embedder: Embedder;
  /** The registered model identity of the embedder's graph (registered on first use). */
  readonly identityId: () => Promise<number>;
  /**
   * Runs `fn` with the graph that embeds a namespace's queries: its active identity's (loaded on
   * demand when it is another precision than EMBED_PRECISION), this process's own for a namespace
   * with no batch yet. Rejects with GraphUnavailableError when this process lacks that graph.
   */
  readonly withQueryGraph: <T>(
    namespace: string,
    fn: (embedder: Embedder, identityId: number) => Promise<T>,
  ) => Promise<T>;
  /** Resolves a precision to this process's graph identity (registered if new), for re-embeddings. */
  readonly localGraph: (precision: string) => Promise<ModelIdentity>;
  /** Job events from Redis for the batches' event streams. */
  readonly batchEvents: BatchEventFeed;
  /** Where `document.deleted` deliveries are queued for the workers. */
  readonly webhooks: WebhookQueue;
}
