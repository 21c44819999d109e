import type { WebhookDeliveryConfig } from '@embedq/config';
import type { WebhookAttemptPayload, WebhookQueue } from '@embedq/queue';
import { abandonDelivery, loadDelivery, type Queryable, recordDeliveryAttempt } from '@embedq/store';
import { type AttemptOutcome, retryDelayMs, sendWebhook, webhookHeaders } from '@embedq/webhooks';

export interface DeliverWebhookDeps {
  readonly db: Queryable;
  readonly webhooks: WebhookQueue;
  readonly config: WebhookDeliveryConfig;
}

/** What one attempt job did, for the log. */
export type AttemptResult =
  | { readonly action: 'skipped'; readonly why: string }
  | {
      readonly action: 'sent';
      readonly outcome: AttemptOutcome;
      /** Milliseconds until the next attempt; undefined: delivered or given up. */
      readonly retryInMs: number | undefined;
      readonly webhookDisabled: boolean;
    };

/**
 * Makes one attempt at a delivery and records it: delivered, due again after the schedule's
 * delay (a job of its own), or given up. A job for an attempt already recorded (a duplicate, a
 * re-run after a crash, the reconciler's re-add) does nothing, so each attempt is recorded once;
 * a crash between sending and recording sends the same `webhook-id` again, which receivers are
 * told to expect (at-least-once).
 */
export async function deliverWebhook(
  deps: DeliverWebhookDeps,
  payload: WebhookAttemptPayload,
): Promise<AttemptResult> {
  const delivery = await loadDelivery(deps.db, payload.deliveryId);
  if (delivery === undefined) return { action: 'skipped', why: 'the delivery or its webhook was deleted' };
  if (delivery.status !== 'pending') return { action: 'skipped', why: `the delivery is ${delivery.status}` };
  if (delivery.attempts !== payload.attempt - 1) {
    return { action: 'skipped', why: `attempt ${payload.attempt} is not next (${delivery.attempts} made)` };
  }
  if (delivery.webhookDisabled) {
    await abandonDelivery(deps.db, delivery.id, 'the webhook was disabled before this attempt');
    return { action: 'skipped', why: 'the webhook is disabled' };
  }

  const message = { id: delivery.id, timestamp: Math.floor(Date.now() / 1_000), body: delivery.body };
  const outcome = await sendWebhook({
    url: delivery.url,
    headers: webhookHeaders(delivery.secret, message),
    body: delivery.body,
    policy: deps.config,
    timeoutMs: deps.config.timeoutMs,
  });
  const retryInMs = outcome.ok ? undefined : retryDelayMs(deps.config.retryDelaysSeconds, payload.attempt);
  const at = new Date();
  const recorded = await recordDeliveryAttempt(deps.db, {
    deliveryId: delivery.id,
    attempt: payload.attempt,
    at,
    ok: outcome.ok,
    statusCode: outcome.statusCode,
    error: outcome.error,
    ms: outcome.ms,
    nextAttemptAt: retryInMs === undefined ? undefined : new Date(at.getTime() + retryInMs),
  });
  if (!recorded.recorded) return { action: 'skipped', why: 'another run recorded this attempt first' };
  if (retryInMs !== undefined) {
    await deps.webhooks.enqueueAttempt({ deliveryId: delivery.id, attempt: payload.attempt + 1 }, retryInMs);
  }
  return { action: 'sent', outcome, retryInMs, webhookDisabled: recorded.webhookDisabled };
}
