import { graphIdentity } from '@embedq/embedder';
import { type RegisteredIdentity, registerModelIdentity } from '@embedq/store';
import type pg from 'pg';

/** The locked int8 graph's identity, registered in the test's database (as a worker does). */
export async function registerTestIdentity(pool: pg.Pool): Promise<RegisteredIdentity> {
  return registerModelIdentity(pool, await graphIdentity('int8'));
}
