import type { Queryable } from '../../interfaces.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryAttempt {
  readonly at: string;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly ms: number;
}

/** One event sent (or being sent) to one webhook. */
export interface WebhookDelivery {
  /** The `webhook-id` header: the same on every attempt. */
  readonly id: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: Date;
  /** When the next attempt is due (pending deliveries). */
  readonly nextAttemptAt: Date | null;
  readonly lastAttemptAt: Date | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: Date | null;
  readonly attemptLog: readonly DeliveryAttempt[];
  readonly payload: unknown;
}

interface DeliveryRow {
  id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  attempt_log: DeliveryAttempt[];
  payload: unknown;
}

/** A webhook's deliveries, newest first, optionally only those in one status. */
export async function listWebhookDeliveries(
  db: Queryable,
  webhookId: string,
  options: {
    readonly limit: number;
    readonly status?: DeliveryStatus | undefined;
    /** Only this delivery. */
    readonly deliveryId?: string | undefined;
  },
): Promise<WebhookDelivery[]> {
  const result = await db.query<DeliveryRow>(
    `SELECT id, event_type, status, attempts, created_at, next_attempt_at, last_attempt_at, last_status_code,
            last_error, delivered_at, attempt_log, payload
       FROM webhook_deliveries
      WHERE webhook_id = $1 AND ($2::text IS NULL OR status = $2) AND ($4::text IS NULL OR id = $4)
      ORDER BY created_at DESC, id DESC
      LIMIT $3`,
    [webhookId, options.status ?? null, options.limit, options.deliveryId ?? null],
  );
  return result.rows.map((row) => ({
    id: row.id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastAttemptAt: row.last_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    attemptLog: row.attempt_log,
    payload: row.payload,
  }));
}
