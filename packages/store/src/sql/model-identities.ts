import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { ModelIdentity, Queryable } from '../interfaces.js';
import { withClient } from '../with-client.js';

/** A model identity as the database knows it: its small id is what every vector records. */
export interface RegisteredIdentity extends ModelIdentity {
  readonly id: number;
}

// Any constant works; the identity's id is added so two identities' indexes build side by side.
const INDEX_LOCK = 7_202_700;

/**
 * Registers the identity this process embeds with (or finds it) and makes sure its HNSW index
 * exists, returning its id. Vectors from before identities were recorded are not this graph's to
 * take: adoptUnrecordedVectors gives them the identity of the graph that made them.
 */
export async function registerModelIdentity(
  pool: pg.Pool,
  identity: ModelIdentity,
): Promise<RegisteredIdentity> {
  const id = await underIdentityLock(pool, async (client) => {
    const found = await client.query<{ id: number }>(
      `WITH existing AS (
         SELECT id FROM model_identities WHERE model = $1 AND precision = $2 AND graph_sha256 = $3
       ), inserted AS (
         INSERT INTO model_identities (model, precision, graph_sha256)
         SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM existing)
         RETURNING id
       )
       SELECT id FROM existing UNION ALL SELECT id FROM inserted`,
      [identity.model, identity.precision, identity.graphSha256],
    );
    const row = found.rows[0];
    if (row === undefined) throw new Error('registering the model identity returned no row');
    return row.id;
  });
  await ensureIdentityIndex(pool, id);
  return { ...identity, id };
}

/**
 * Gives the vectors of a database migrated from before identities were recorded (their graph
 * sha256 unknown) the identity of `maker`, the graph of their model and precision that the
 * releases of that time embedded with, and makes sure its index exists. Nothing when there are
 * none, or when `maker` is registered already. Returns whether it adopted them.
 */
export async function adoptUnrecordedVectors(pool: pg.Pool, maker: ModelIdentity): Promise<boolean> {
  const adopted = await underIdentityLock(pool, async (client) => {
    const updated = await client.query<{ id: number }>(
      `UPDATE model_identities SET graph_sha256 = $3
        WHERE model = $1 AND precision = $2 AND graph_sha256 IS NULL
          AND NOT EXISTS (SELECT 1 FROM model_identities WHERE model = $1 AND precision = $2 AND graph_sha256 = $3)
        RETURNING id`,
      [maker.model, maker.precision, maker.graphSha256],
    );
    return updated.rows[0]?.id;
  });
  if (adopted === undefined) return false;
  await ensureIdentityIndex(pool, adopted);
  return true;
}

/**
 * Runs `work` in a transaction holding the identities' lock: registrations and adoptions take
 * turns, so an adoption and an insert of the same identity cannot race.
 */
async function underIdentityLock<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [INDEX_LOCK]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/**
 * The identity's id, registered on the first call rather than at start (a process starts while
 * the database is away), after `unrecordedMaker` (the graph of its precision that made any
 * vectors from before identities were recorded) has adopted them; a failed registration is tried
 * again by the next caller.
 */
export function lazyModelIdentity(
  pool: pg.Pool,
  identity: ModelIdentity,
  unrecordedMaker?: ModelIdentity,
): () => Promise<number> {
  let registering: Promise<number> | undefined;
  return () => {
    registering ??= (
      unrecordedMaker === undefined ? Promise.resolve(false) : adoptUnrecordedVectors(pool, unrecordedMaker)
    )
      .then(() => registerModelIdentity(pool, identity))
      .then(
        (registered) => registered.id,
        (error: unknown) => {
          registering = undefined;
          throw error;
        },
      );
    return registering;
  };
}

/**
 * The expression an identity's HNSW index holds: each vector's sign bits (48 bytes instead of
 * 1,536). Search ranks the index's nearest candidates by Hamming distance over these and then
 * re-ranks them by the exact cosine (search-chunks.ts). Measured on this project's bench: an
 * insert into this index costs PostgreSQL about half the CPU of one into an HNSW index of the full
 * vectors (docs/storage.md).
 */
export const QUANTIZED_EMBEDDING = 'binary_quantize(e.embedding)::bit(384)';
/** The index definition after `ON embeddings`, without its WHERE. */
export const IDENTITY_INDEX_METHOD =
  'USING hnsw ((binary_quantize(embedding)::bit(384)) bit_hamming_ops) WITH (m = 6, ef_construction = 32)';

/** The name of an identity's partial HNSW index. */
export function identityIndexName(id: number): string {
  return `embeddings_hnsw_${requireIdentityId(id)}`;
}

/** An identity id is inlined into SQL (a partial index is matched only on a constant): check it. */
export function requireIdentityId(id: number): number {
  if (!Number.isInteger(id) || id <= 0 || id > 32_767)
    throw new RangeError(`invalid model identity id ${id}`);
  return id;
}

/**
 * Builds the identity's HNSW index if it is missing, CONCURRENTLY so writes of other identities
 * go on meanwhile. One process builds (a session advisory lock, tried, never waited on: a blocked
 * statement would hold a snapshot the build waits for); the others wait until it is valid. A
 * build that died half way leaves an invalid index, which the next caller drops and builds again.
 */
async function ensureIdentityIndex(pool: pg.Pool, id: number): Promise<void> {
  const name = identityIndexName(id);
  for (;;) {
    if ((await indexState(pool, name)) === 'valid') return;
    const built = await withClient(pool, async (client) => {
      const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
        INDEX_LOCK,
        id,
      ]);
      if (locked.rows[0]?.ok !== true) return false;
      try {
        const state = await indexState(client, name);
        if (state === 'valid') return true;
        if (state === 'invalid') await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
        await client.query(
          `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON embeddings ${IDENTITY_INDEX_METHOD}
             WHERE identity_id = ${id}`,
        );
        return true;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [INDEX_LOCK, id]);
      }
    });
    if (!built) await sleep(100);
  }
}

async function indexState(db: Queryable, name: string): Promise<'valid' | 'invalid' | 'missing'> {
  const result = await db.query<{ valid: boolean }>(
    `SELECT i.indisvalid AS valid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
      WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
    [name],
  );
  const row = result.rows[0];
  if (row === undefined) return 'missing';
  return row.valid ? 'valid' : 'invalid';
}
