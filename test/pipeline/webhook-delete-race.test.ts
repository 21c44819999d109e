import { randomUUID } from 'node:crypto';
import { createWebhook, deleteWebhook } from '@embedq/store';
import { describe, expect, it } from 'vitest';
import { servicesOrSkip } from '../support/services.js';
import { useIdentityDatabase } from '../support/test-identity.js';
import { waitFor } from '../support/wait-for.js';

const services = await servicesOrSkip('deleting a webhook while an attempt is recorded');

describe.skipIf(services === undefined)('deleting a webhook while a worker records an attempt', () => {
  const fixture = useIdentityDatabase(services);

  it('waits for the attempt instead of deadlocking with it', async () => {
    const pool = fixture.db.pool;
    const id = randomUUID();
    await createWebhook(
      pool,
      {
        id,
        namespace: 'race',
        url: 'https://example.com/hook',
        events: ['batch.completed'],
        secret: 'whsec_x',
      },
      20,
    );
    await pool.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, event_type, payload) VALUES ('msg_race', $1, 'batch.completed', '{}')`,
      [id],
    );
    // A worker recording an attempt: the delivery row first, then (after the delete has started)
    // its webhook, as recordDeliveryAttempt's statement does.
    const attempt = await pool.connect();
    try {
      await attempt.query('BEGIN');
      await attempt.query(`UPDATE webhook_deliveries SET attempts = attempts + 1 WHERE id = 'msg_race'`);
      const deleting = deleteWebhook(pool, id, '*');
      await waitFor('the delete to wait on the attempt', async () => {
        const waiting = await pool.query(
          `SELECT 1 FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%DELETE FROM webhooks%'`,
        );
        return waiting.rowCount === 1 ? true : undefined;
      });
      // With the cascade locking the webhook before its deliveries, this update deadlocked.
      await attempt.query('UPDATE webhooks SET last_success_at = clock_timestamp() WHERE id = $1', [id]);
      await attempt.query('COMMIT');
      expect(await deleting).toBe(true);
    } finally {
      attempt.release();
    }
    const left = await pool.query(
      'SELECT count(*)::integer AS n FROM webhook_deliveries WHERE webhook_id = $1',
      [id],
    );
    expect(left.rows).toEqual([{ n: 0 }]);
  });
});
