import type { Queryable } from '../../interfaces.js';

export type ReembeddingState = 'running' | 'paused' | 'switched' | 'cancelled';

/** A re-embedding of one namespace's chunks by another model identity, as the driver last counted it. */
export interface Reembedding {
  readonly id: number;
  readonly namespace: string;
  readonly fromIdentityId: number;
  readonly toIdentityId: number;
  /** `model precision sha256-prefix` of each side, for people. */
  readonly from: string;
  readonly to: string;
  readonly state: ReembeddingState;
  /** Seconds the old vectors are kept after the switch; null keeps them until pruned. */
  readonly keepSeconds: number | null;
  readonly createdAt: Date;
  readonly stateSince: Date;
  readonly switchedAt: Date | null;
  readonly prunedAt: Date | null;
  /** Chunks of the namespace, and of those with a vector (done) or a failure of the new identity. */
  readonly totalChunks: number;
  readonly doneChunks: number;
  readonly failedChunks: number;
  readonly countedAt: Date | null;
  /** Chunks per second over the last counts; null until two counts exist. */
  readonly chunksPerSecond: number | null;
  /** Seconds left at that rate; null when unknown or not running. */
  readonly etaSeconds: number | null;
}

interface Row {
  id: number;
  namespace: string;
  from_identity_id: number;
  to_identity_id: number;
  from_label: string;
  to_label: string;
  state: ReembeddingState;
  keep_seconds: number | null;
  created_at: Date;
  state_since: Date;
  switched_at: Date | null;
  pruned_at: Date | null;
  total_chunks: number;
  done_chunks: number;
  failed_chunks: number;
  counted_at: Date | null;
  chunks_per_second: number | null;
}

/** An identity as people read it: `all-MiniLM-L6-v2 fp32 1a2b3c4d5e6f`. */
export function identityLabel(alias: string): string {
  return `${alias}.model || ' ' || ${alias}.precision || ' ' || coalesce(left(${alias}.graph_sha256, 12), '?')`;
}

const SELECT = `SELECT r.*, ${identityLabel('f')} AS from_label, ${identityLabel('t')} AS to_label
  FROM reembeddings r
  JOIN model_identities f ON f.id = r.from_identity_id
  JOIN model_identities t ON t.id = r.to_identity_id`;

/** Re-embeddings matching `where` (over `r`), newest first. */
export async function selectReembeddings(
  db: Queryable,
  where: string,
  params: readonly unknown[],
): Promise<Reembedding[]> {
  const result = await db.query<Row>(`${SELECT} WHERE ${where} ORDER BY r.id DESC`, [...params]);
  return result.rows.map(toReembedding);
}

/** Open (running or paused) re-embeddings, and the latest finished one of each namespace. */
export async function listReembeddings(
  db: Queryable,
  options: { namespace?: string | undefined } = {},
): Promise<Reembedding[]> {
  return selectReembeddings(
    db,
    `($1::text IS NULL OR r.namespace = $1)
     AND (r.state IN ('running', 'paused')
          OR r.id = (SELECT max(l.id) FROM reembeddings l WHERE l.namespace = r.namespace))`,
    [options.namespace ?? null],
  );
}

function toReembedding(row: Row): Reembedding {
  const remaining = row.total_chunks - row.done_chunks - row.failed_chunks;
  const rate = row.chunks_per_second;
  return {
    id: row.id,
    namespace: row.namespace,
    fromIdentityId: row.from_identity_id,
    toIdentityId: row.to_identity_id,
    from: row.from_label,
    to: row.to_label,
    state: row.state,
    keepSeconds: row.keep_seconds,
    createdAt: row.created_at,
    stateSince: row.state_since,
    switchedAt: row.switched_at,
    prunedAt: row.pruned_at,
    totalChunks: row.total_chunks,
    doneChunks: row.done_chunks,
    failedChunks: row.failed_chunks,
    countedAt: row.counted_at,
    chunksPerSecond: rate,
    etaSeconds:
      row.state === 'running' && rate !== null && rate > 0 ? Math.ceil(Math.max(0, remaining) / rate) : null,
  };
}
