import { randomUUID } from 'node:crypto';
import { graphIdentity } from '@embedq/embedder';
import {
  acceptBatch,
  type ChunkToEmbed,
  type NewChunk,
  type RegisteredIdentity,
  readJobChunks,
  registerModelIdentity,
} from '@embedq/store';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { ServiceUrls } from './services.js';
import { started } from './started.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** The locked int8 graph's identity, registered in the test's database (as a worker does). */
export async function registerTestIdentity(pool: pg.Pool): Promise<RegisteredIdentity> {
  return registerModelIdentity(pool, await graphIdentity('int8'));
}

/** A suite's own database with the int8 identity registered, for tests of the store's SQL. */
export interface IdentityDatabase {
  readonly db: TestDatabase;
  readonly identityId: number;
  /**
   * Stores a batch of `chunks` (no job is enqueued: the test plays the worker) and reads them as
   * its one job would, without looking for vectors to reuse.
   */
  acceptPending(
    namespace: string,
    documentId: string,
    chunks: readonly NewChunk[],
  ): Promise<{ readonly batchId: string; readonly chunks: readonly ChunkToEmbed[] }>;
}

/** Registers a beforeAll that creates the database and registers the identity, and an afterAll that drops it. */
export function useIdentityDatabase(services: ServiceUrls | undefined): IdentityDatabase {
  let db: TestDatabase | undefined;
  let identityId: number | undefined;
  beforeAll(async () => {
    if (services === undefined) return;
    db = await createTestDatabase(services.databaseUrl);
    identityId = (await registerTestIdentity(db.pool)).id;
  });
  afterAll(async () => {
    await db?.drop();
  });
  const fixture: IdentityDatabase = {
    get db() {
      return started(db, 'the test database');
    },
    get identityId() {
      return started(identityId, 'the model identity');
    },
    async acceptPending(namespace, documentId, chunks) {
      const { pool } = fixture.db;
      const { batch } = await acceptBatch(
        pool,
        { id: randomUUID(), namespace, documentId, chunks, queue: 'bulk', identityId: fixture.identityId },
        async () => undefined,
      );
      const range = { batchId: batch.batchId, from: 0, to: chunks.length };
      const read = await readJobChunks(pool, range, fixture.identityId, { reuse: false });
      return { batchId: batch.batchId, chunks: read.chunks };
    },
  };
  return fixture;
}
