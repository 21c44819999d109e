import { decideFinishedBatches, findPendingDeliveries } from '@embedq/store';
import type pg from 'pg';
import { forEachLimit } from './for-each-limit.js';
import type { WebhookQueue } from './webhook-queue.js';

export interface WebhookReconcileReport {
  /** Batches finished with no event decided (their last writer died first): decided now. */
  readonly batchesDecided: number;
  /** Pending deliveries whose next attempt had no live job (Redis lost it): added again. */
  readonly attemptsRequeued: number;
}

/**
 * The webhook half of the reconciler: every finished batch gets its event, and every pending
 * delivery a job for its next attempt, due when its row says. Safe to run beside the workers: an
 * attempt already recorded is skipped by the job that finds it so.
 */
export async function reconcileWebhooks(
  pool: pg.Pool,
  webhooks: WebhookQueue,
  options: { readonly graceSeconds: number; readonly limit?: number },
): Promise<WebhookReconcileReport> {
  const limit = options.limit ?? 10_000;
  const finished = await decideFinishedBatches(pool, { olderThanSeconds: options.graceSeconds, limit });
  await webhooks.enqueueFirstAttempts(finished.deliveryIds);
  const fresh = new Set(finished.deliveryIds);
  let attemptsRequeued = 0;
  const pending = await findPendingDeliveries(pool, { olderThanSeconds: options.graceSeconds, limit });
  await forEachLimit(pending, 16, async (delivery) => {
    if (fresh.has(delivery.id)) return;
    const next = { deliveryId: delivery.id, attempt: delivery.attempts + 1 };
    if (await webhooks.isLive(next)) return;
    attemptsRequeued++;
    await webhooks.enqueueAttempt(next, delivery.nextAttemptAt.getTime() - Date.now());
  });
  return { batchesDecided: finished.batches, attemptsRequeued };
}
