import type pg from 'pg';
import { withClient } from '../../with-client.js';
import { type StoredWebhook, toStoredWebhook, WEBHOOK_COLUMNS, type WebhookRow } from './webhook-row.js';

export interface NewWebhook {
  readonly id: string;
  readonly namespace: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description?: string | undefined;
  readonly secret: string;
}

/**
 * Registers a webhook unless its namespace already has `limit`; 'limit' then. Creations in one
 * namespace take turns (an advisory lock), so two at once cannot both pass the count.
 */
export async function createWebhook(
  pool: pg.Pool,
  webhook: NewWebhook,
  limit: number,
): Promise<StoredWebhook | 'limit'> {
  return withClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `embedq:webhooks:${webhook.namespace}`,
      ]);
      const count = await client.query<{ n: number }>(
        'SELECT count(*)::integer AS n FROM webhooks WHERE namespace = $1',
        [webhook.namespace],
      );
      if ((count.rows[0]?.n ?? 0) >= limit) {
        await client.query('ROLLBACK');
        return 'limit';
      }
      const inserted = await client.query<WebhookRow>(
        `INSERT INTO webhooks (id, namespace, url, events, description, secret)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING ${WEBHOOK_COLUMNS}`,
        [
          webhook.id,
          webhook.namespace,
          webhook.url,
          webhook.events,
          webhook.description ?? null,
          webhook.secret,
        ],
      );
      await client.query('COMMIT');
      const row = inserted.rows[0];
      if (row === undefined) throw new Error('INSERT INTO webhooks returned no row');
      return toStoredWebhook(row);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
