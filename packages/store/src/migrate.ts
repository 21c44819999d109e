import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';
import { withClient } from './with-client.js';

/** Where the numbered `.sql` migrations live (shipped beside dist/). */
export const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrateResult {
  readonly applied: readonly string[];
  readonly current: number;
}

// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK = 7_202_611;

export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = /^(\d+)_(.+)\.sql$/.exec(file);
    if (match === null) throw new Error(`migration file '${file}' is not named NNN_name.sql`);
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) {
      throw new Error(`two migrations have version ${version}`);
    }
    migrations.push({ version, name: file, sql: await readFile(new URL(file, dir), 'utf8') });
  }
  return migrations;
}

/**
 * Applies the migrations not yet recorded, in order, each in its own transaction with its record.
 * An advisory lock makes concurrent callers (two release phases, api and a test) take turns.
 */
export async function migrate(pool: pg.Pool, dir: URL = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = await loadMigrations(dir);
  return withClient(pool, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS embedq_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const done = await client.query<{ version: number }>('SELECT version FROM embedq_migrations');
      const seen = new Set(done.rows.map((r) => r.version));
      const applied: string[] = [];
      for (const migration of migrations) {
        if (seen.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO embedq_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
        applied.push(migration.name);
      }
      const current = Math.max(0, ...migrations.map((m) => m.version));
      const newest = Math.max(0, ...seen);
      if (newest > current) {
        throw new Error(`the database is at migration ${newest}, newer than this code knows (${current})`);
      }
      return { applied, current };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}
