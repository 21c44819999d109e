import type pg from 'pg';
import type { ModelIdentity, Queryable } from '../../interfaces.js';
import { type RegisteredIdentity, registerModelIdentity } from '../model-identities.js';
import { ReembeddingError } from './reembedding-error.js';

const PRECISIONS = new Set(['int8', 'fp32']);

interface IdentityRow {
  id: number;
  model: string;
  precision: string;
  graph_sha256: string | null;
}

/**
 * The identity `spec` names: a precision (`int8`, `fp32`: the graph of that precision this
 * process has, registered if new), an identity id, or a prefix of at least 8 hex digits of a
 * graph's sha256. Anything else, or a name that matches nothing (or more than one), is refused.
 */
export async function resolveIdentity(
  pool: pg.Pool,
  spec: string,
  localGraph: (precision: string) => Promise<ModelIdentity>,
): Promise<RegisteredIdentity> {
  const trimmed = spec.trim().toLowerCase();
  if (PRECISIONS.has(trimmed)) return registerModelIdentity(pool, await localGraph(trimmed));
  let rows: IdentityRow[];
  if (/^\d{1,5}$/.test(trimmed)) {
    rows = (await pool.query<IdentityRow>('SELECT * FROM model_identities WHERE id = $1', [Number(trimmed)]))
      .rows;
  } else if (/^[0-9a-f]{8,64}$/.test(trimmed)) {
    rows = (
      await pool.query<IdentityRow>('SELECT * FROM model_identities WHERE starts_with(graph_sha256, $1)', [
        trimmed,
      ])
    ).rows;
  } else {
    throw new ReembeddingError(
      'unknown_identity',
      `'${spec}' names no model identity: give a precision (int8, fp32), an identity id or 8+ hex digits of a graph sha256`,
    );
  }
  const row = rows[0];
  if (row === undefined || rows.length > 1) {
    throw new ReembeddingError(
      'unknown_identity',
      rows.length > 1 ? `'${spec}' matches ${rows.length} identities` : `no model identity '${spec}'`,
    );
  }
  if (row.graph_sha256 === null) {
    throw new ReembeddingError(
      'unknown_identity',
      `identity ${row.id} has no known graph (vectors from before identities were recorded); name a precision instead`,
    );
  }
  return { id: row.id, model: row.model, precision: row.precision, graphSha256: row.graph_sha256 };
}

/** A registered identity by id; undefined when there is none. */
export async function readModelIdentity(db: Queryable, id: number): Promise<RegisteredIdentity | undefined> {
  const row = (await db.query<IdentityRow>('SELECT * FROM model_identities WHERE id = $1', [id])).rows[0];
  return row === undefined ? undefined : registered(row);
}

/** The namespace's active identity; undefined for a namespace with no batch yet. */
export async function readNamespaceIdentity(
  db: Queryable,
  namespace: string,
): Promise<RegisteredIdentity | undefined> {
  const row = (
    await db.query<IdentityRow>(
      `SELECT m.* FROM namespace_models n JOIN model_identities m ON m.id = n.identity_id WHERE n.namespace = $1`,
      [namespace],
    )
  ).rows[0];
  return row === undefined ? undefined : registered(row);
}

/** A row as a registered identity; an unknown graph (from before identities) has sha256 ''. */
function registered(row: IdentityRow): RegisteredIdentity {
  return { id: row.id, model: row.model, precision: row.precision, graphSha256: row.graph_sha256 ?? '' };
}
