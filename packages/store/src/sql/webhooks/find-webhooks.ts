import type { Queryable } from '../../interfaces.js';
import { type StoredWebhook, toStoredWebhook, WEBHOOK_COLUMNS, type WebhookRow } from './webhook-row.js';

/** The webhooks of `namespaces` ('*': all), oldest first. */
export async function listWebhooks(
  db: Queryable,
  namespaces: readonly string[] | '*',
): Promise<StoredWebhook[]> {
  const result = await db.query<WebhookRow>(
    `SELECT ${WEBHOOK_COLUMNS} FROM webhooks
      WHERE $1::text[] IS NULL OR namespace = ANY($1::text[])
      ORDER BY created_at, id`,
    [namespaces === '*' ? null : namespaces],
  );
  return result.rows.map(toStoredWebhook);
}

/** One webhook, or undefined when no webhook with that id is in `namespaces`. */
export async function getWebhook(
  db: Queryable,
  id: string,
  namespaces: readonly string[] | '*',
): Promise<StoredWebhook | undefined> {
  const result = await db.query<WebhookRow>(
    `SELECT ${WEBHOOK_COLUMNS} FROM webhooks
      WHERE id = $1 AND ($2::text[] IS NULL OR namespace = ANY($2::text[]))`,
    [id, namespaces === '*' ? null : namespaces],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : toStoredWebhook(row);
}

/** Removes a webhook with its delivery log; false when no such webhook is in `namespaces`. */
export async function deleteWebhook(
  db: Queryable,
  id: string,
  namespaces: readonly string[] | '*',
): Promise<boolean> {
  // A worker recording an attempt locks the delivery, then its webhook; the cascade of a plain
  // DELETE would lock them the other way round, and the two deadlocked (a 500 here). So the
  // webhook's deliveries are locked first: the InitPlan runs before the webhook row is taken.
  const result = await db.query(
    `WITH deliveries AS (
       SELECT id FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id FOR UPDATE
     )
     DELETE FROM webhooks
      WHERE id = $1 AND ($2::text[] IS NULL OR namespace = ANY($2::text[]))
        AND (SELECT count(*) FROM deliveries) >= 0`,
    [id, namespaces === '*' ? null : namespaces],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Enables a webhook again after it was disabled; undefined when no such webhook is in `namespaces`. */
export async function enableWebhook(
  db: Queryable,
  id: string,
  namespaces: readonly string[] | '*',
): Promise<StoredWebhook | undefined> {
  const result = await db.query<WebhookRow>(
    `UPDATE webhooks SET disabled_at = NULL, disabled_reason = NULL
      WHERE id = $1 AND ($2::text[] IS NULL OR namespace = ANY($2::text[]))
      RETURNING ${WEBHOOK_COLUMNS}`,
    [id, namespaces === '*' ? null : namespaces],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : toStoredWebhook(row);
}
