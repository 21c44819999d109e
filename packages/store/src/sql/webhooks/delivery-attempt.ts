import type { Queryable } from '../../interfaces.js';
import { isoUtc } from './iso-utc.js';

/** What an attempt needs: the delivery's body and where and how to send it. */
export interface DeliveryToSend {
  readonly id: string;
  readonly webhookId: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  /** Attempts made so far. */
  readonly attempts: number;
  /** The exact body, the same on every attempt. */
  readonly body: string;
  readonly url: string;
  readonly secret: string;
  readonly webhookDisabled: boolean;
}

/** A delivery with its webhook, or undefined when either is gone (a deleted webhook takes its deliveries). */
export async function loadDelivery(db: Queryable, deliveryId: string): Promise<DeliveryToSend | undefined> {
  const result = await db.query<{
    id: string;
    webhook_id: string;
    status: DeliveryToSend['status'];
    attempts: number;
    body: string;
    url: string;
    secret: string;
    disabled: boolean;
  }>(
    `SELECT d.id, d.webhook_id, d.status, d.attempts, d.payload::text AS body, w.url, w.secret,
            w.disabled_at IS NOT NULL AS disabled
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.id = $1`,
    [deliveryId],
  );
  const row = result.rows[0];
  if (row === undefined) return undefined;
  return {
    id: row.id,
    webhookId: row.webhook_id,
    status: row.status,
    attempts: row.attempts,
    body: row.body,
    url: row.url,
    secret: row.secret,
    webhookDisabled: row.disabled,
  };
}

export interface AttemptRecord {
  readonly deliveryId: string;
  /** 1-based; recorded only if it follows the last recorded attempt, so a duplicate job records nothing. */
  readonly attempt: number;
  readonly at: Date;
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly ms: number;
  /** When the next attempt is due; undefined: none (delivered, or the last attempt failed). */
  readonly nextAttemptAt?: Date | undefined;
}

export interface RecordedAttempt {
  /** False when another run already recorded this attempt: it schedules nothing. */
  readonly recorded: boolean;
  /** Set when this failure gave the delivery up and the webhook had no success since it was created: disabled. */
  readonly webhookDisabled: boolean;
}

/**
 * Records one attempt in the delivery's log and moves it on: delivered, due again at
 * `nextAttemptAt`, or failed for good. A success marks the webhook's last success; a delivery
 * given up on disables the webhook when nothing reached it since that delivery was created
 * (it has then failed through the whole retry schedule).
 */
export async function recordDeliveryAttempt(db: Queryable, record: AttemptRecord): Promise<RecordedAttempt> {
  const status = record.ok ? 'delivered' : record.nextAttemptAt === undefined ? 'failed' : 'pending';
  const result = await db.query<{ recorded: boolean; disabled: boolean }>(
    `WITH attempt AS (
       UPDATE webhook_deliveries
          SET attempts = $2::integer, status = $3::text, last_attempt_at = $4::timestamptz, last_status_code = $5::integer, last_error = $6::text,
              delivered_at = CASE WHEN $3::text = 'delivered' THEN $4::timestamptz END,
              next_attempt_at = coalesce($8::timestamptz, next_attempt_at),
              attempt_log = attempt_log || jsonb_build_array(
                jsonb_build_object('at', ${isoUtc('$4::timestamptz')}, 'statusCode', $5::integer, 'error', $6::text, 'ms', $7::integer))
        WHERE id = $1 AND attempts = $2::integer - 1 AND status = 'pending'
       RETURNING webhook_id, created_at
     ), success AS (
       UPDATE webhooks w SET last_success_at = greatest(w.last_success_at, $4::timestamptz)
         FROM attempt a WHERE $3::text = 'delivered' AND w.id = a.webhook_id
       RETURNING w.id
     ), disabled AS (
       UPDATE webhooks w
          SET disabled_at = clock_timestamp(),
              disabled_reason = 'a delivery failed through every retry (' || $2::integer || ' attempts) and nothing reached the endpoint since: ' || coalesce($6::text, 'HTTP ' || $5::integer)
         FROM attempt a
        WHERE $3::text = 'failed' AND w.id = a.webhook_id AND w.disabled_at IS NULL
          AND (w.last_success_at IS NULL OR w.last_success_at < a.created_at)
       RETURNING w.id
     )
     SELECT EXISTS (SELECT 1 FROM attempt) AS recorded, EXISTS (SELECT 1 FROM disabled) AS disabled`,
    [
      record.deliveryId,
      record.attempt,
      status,
      record.at,
      record.statusCode,
      record.error?.slice(0, 1_000) ?? null,
      record.ms,
      record.nextAttemptAt ?? null,
    ],
  );
  const row = result.rows[0];
  return { recorded: row?.recorded ?? false, webhookDisabled: row?.disabled ?? false };
}

/** Gives up a delivery without sending it (its webhook was disabled meanwhile). */
export async function abandonDelivery(db: Queryable, deliveryId: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = 'failed', last_error = $2 WHERE id = $1 AND status = 'pending'`,
    [deliveryId, reason],
  );
}

/**
 * Pending deliveries created more than `olderThanSeconds` ago, for the reconciler to check
 * that each has a job for its next attempt (Redis may have lost it).
 */
export async function findPendingDeliveries(
  db: Queryable,
  options: { readonly olderThanSeconds: number; readonly limit: number },
): Promise<{ id: string; attempts: number; nextAttemptAt: Date }[]> {
  const result = await db.query<{ id: string; attempts: number; next_attempt_at: Date }>(
    `SELECT id, attempts, next_attempt_at FROM webhook_deliveries
      WHERE status = 'pending' AND created_at < clock_timestamp() - make_interval(secs => $1)
      ORDER BY next_attempt_at
      LIMIT $2`,
    [options.olderThanSeconds, options.limit],
  );
  return result.rows.map((r) => ({ id: r.id, attempts: r.attempts, nextAttemptAt: r.next_attempt_at }));
}

/**
 * Makes a given-up delivery of an enabled webhook pending again, due now, keeping its id, body and
 * log: the next attempt is number attempts + 1 (one more, or more if the schedule has retries
 * left after it). Returns that attempt number, or undefined when the delivery is not failed, not
 * this webhook's, or its webhook is disabled.
 */
export async function reviveDelivery(
  db: Queryable,
  webhookId: string,
  deliveryId: string,
): Promise<number | undefined> {
  const result = await db.query<{ attempts: number }>(
    `UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = clock_timestamp()
       FROM webhooks w
      WHERE d.id = $2 AND d.webhook_id = $1 AND d.status = 'failed'
        AND w.id = d.webhook_id AND w.disabled_at IS NULL
      RETURNING d.attempts`,
    [webhookId, deliveryId],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : row.attempts + 1;
}
