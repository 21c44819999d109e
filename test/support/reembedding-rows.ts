import type pg from 'pg';

/**
 * Two made-up identities `<name>-old` (int8, graph sha256 all `shas[0]`) and `<name>-new` (fp32,
 * all `shas[1]`) and
 * two re-embeddings between them, written straight into the tables: `<name>-paused` (old -> new,
 * 400 of 1,000 done, 25 failed, 35 chunks/s) and `<name>-switched` (new -> old, 500 of 500).
 * Paused and switched: the workers' driver leaves both as they are, so pages and metrics show
 * these counts.
 */
export async function insertReembeddingRows(
  pool: pg.Pool,
  name: string,
  shas: readonly [string, string],
): Promise<void> {
  const identities = await pool.query<{ id: number }>(
    `INSERT INTO model_identities (model, precision, graph_sha256)
     VALUES ($1 || '-old', 'int8', repeat($2, 64)), ($1 || '-new', 'fp32', repeat($3, 64))
     RETURNING id`,
    [name, shas[0], shas[1]],
  );
  const [from, to] = identities.rows.map((row) => row.id);
  await pool.query(
    `INSERT INTO reembeddings (namespace, from_identity_id, to_identity_id, state, total_chunks,
                               done_chunks, failed_chunks, counted_at, chunks_per_second, switched_at)
     VALUES ($3 || '-paused', $1, $2, 'paused', 1000, 400, 25, clock_timestamp(), 35, NULL),
            ($3 || '-switched', $2, $1, 'switched', 500, 500, 0, clock_timestamp(), NULL, clock_timestamp())`,
    [from, to, name],
  );
}
