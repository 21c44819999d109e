import type { Queryable } from '../interfaces.js';

/** Fails unless the database answers and has the vector extension (for /readyz). */
export async function ping(db: Queryable): Promise<void> {
  await db.query(`SELECT '[1,0,0]'::vector <=> '[0,1,0]'::vector`);
}
