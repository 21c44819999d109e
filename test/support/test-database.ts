import { randomBytes } from 'node:crypto';
import { createPool, migrate } from '@embedq/store';
import type pg from 'pg';

export interface TestDatabase {
  /** URL of a fresh, migrated database of its own. */
  readonly url: string;
  readonly pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A database of the test's own on the server of `serverUrl`, migrated, dropped afterwards. */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `embedq_test_${randomBytes(6).toString('hex')}`;
  const admin = createPool({ url: serverUrl, ssl: 'auto', max: 1, applicationName: 'embedq-test-admin' });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = createPool({ url: url.toString(), ssl: 'auto', max: 4, applicationName: 'embedq-test' });
  await migrate(pool);
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
