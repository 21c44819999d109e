import { randomBytes, randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { graphIdentity, UNRECORDED_GRAPHS } from '@embedq/embedder';
import {
  acceptBatch,
  adoptUnrecordedVectors,
  batchProgress,
  createPool,
  identityIndexName,
  lazyModelIdentity,
  listDocumentChunks,
  loadMigrations,
  MIGRATIONS_DIR,
  migrate,
  registerModelIdentity,
  searchChunks,
} from '@embedq/store';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesOrSkip } from '../support/services.js';

const services = await servicesOrSkip('migrating a populated database forward');

describe.skipIf(services === undefined)(
  'migrations move a populated database of the first schema forward',
  () => {
    const name = `embedq_upgrade_${randomBytes(6).toString('hex')}`;
    let admin: pg.Pool;
    let pool: pg.Pool;
    let firstOnly: string;
    const batchId = randomUUID();
    const quietBatchId = randomUUID();
    let identityId: number;

    beforeAll(async () => {
      if (services === undefined) return;
      admin = createPool({
        url: services.databaseUrl,
        ssl: 'auto',
        max: 1,
        applicationName: 'embedq-test-admin',
      });
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(services.databaseUrl);
      url.pathname = `/${name}`;
      pool = createPool({ url: url.toString(), ssl: 'auto', max: 2, applicationName: 'embedq-test' });
      // A database as the first release left it: migration 001 only, with data in it.
      firstOnly = await mkdtemp(join(tmpdir(), 'embedq-migrations-'));
      await copyFile(
        new URL('001_documents_and_chunks.sql', MIGRATIONS_DIR),
        join(firstOnly, '001_documents_and_chunks.sql'),
      );
      expect(await migrate(pool, pathToFileURL(`${firstOnly}/`))).toEqual({
        applied: ['001_documents_and_chunks.sql'],
        current: 1,
      });
      await pool.query(
        `INSERT INTO batches (id, namespace, document_id, chunk_count, queue)
         VALUES ($1, 'ns', 'old-doc', 3, 'bulk'), ($2, 'quiet', 'waiting-doc', 1, 'bulk')`,
        [batchId, quietBatchId],
      );
      const vector = `[${Array.from({ length: 384 }, (_, i) => (i === 0 ? 1 : 0)).join(',')}]`;
      await pool.query(
        `INSERT INTO chunks (namespace, document_id, chunk_index, batch_id, text, metadata, content_hash,
                           status, embedding, model, precision, embedded_at, embedded_by)
       VALUES ('ns', 'old-doc', 0, $1, 'kept text', '{"page":1}', sha256('kept text'), 'embedded', $2,
               'all-MiniLM-L6-v2', 'int8', now(), 'worker.1'),
              ('ns', 'old-doc', 1, $1, 'pending text', '{}', sha256('pending text'), 'pending', NULL, NULL, NULL, NULL, NULL)`,
        [batchId, vector],
      );
      await pool.query(
        `INSERT INTO chunks (namespace, document_id, chunk_index, batch_id, text, content_hash, status, failed_at, error)
         VALUES ('ns', 'old-doc', 2, $1, 'failed text', sha256('failed text'), 'failed', now(), 'the model broke'),
                ('quiet', 'waiting-doc', 0, $2, 'waiting text', sha256('waiting text'), 'pending', NULL, NULL)`,
        [batchId, quietBatchId],
      );
    });
    afterAll(async () => {
      await pool?.end();
      await admin?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin?.end();
      if (firstOnly !== undefined) await rm(firstOnly, { recursive: true, force: true });
    });

    it('applies the rest in place: rows, vectors and progress survive, new columns read unknown', async () => {
      const result = await migrate(pool);
      // Every later migration, in order, in place.
      expect(result.applied).toEqual((await loadMigrations()).slice(1).map((m) => m.name));
      // The keyword column is computed for rows written before it existed.
      const matched = await pool.query<{ chunk_index: number }>(
        `SELECT chunk_index FROM chunks WHERE search_vector @@ websearch_to_tsquery('english', 'kept')`,
      );
      expect(matched.rows).toEqual([{ chunk_index: 0 }]);
      const progress = await batchProgress(pool, batchId, '*', { windowWordPieces: 254 });
      expect(progress).toMatchObject({
        kind: 'chunks',
        total: 3,
        embedded: 1,
        failed: 1,
        pending: 1,
        reused: 0,
        truncated: 0,
        errors: [{ reason: 'the model broke', chunks: 1 }],
      });
      const page = await listDocumentChunks(pool, 'ns', 'old-doc', { after: -1, limit: 10 });
      expect(page?.chunks).toEqual([
        expect.objectContaining({
          index: 0,
          text: 'kept text',
          status: 'embedded',
          tokenCount: null,
          start: null,
          headingPath: null,
        }),
        expect.objectContaining({ index: 1, text: 'pending text', status: 'pending', tokenCount: null }),
        expect.objectContaining({ index: 2, status: 'failed', error: 'the model broke' }),
      ]);
      // The vectors moved to embeddings under an identity of unknown graph, with its own HNSW
      // index; both namespaces are pinned to it (the quiet one has no vectors: the database's).
      const identities = await pool.query('SELECT id, model, precision, graph_sha256 FROM model_identities');
      expect(identities.rows).toEqual([
        { id: 1, model: 'all-MiniLM-L6-v2', precision: 'int8', graph_sha256: null },
      ]);
      const pins = await pool.query('SELECT namespace, identity_id FROM namespace_models ORDER BY 1');
      expect(pins.rows).toEqual([
        { namespace: 'ns', identity_id: 1 },
        { namespace: 'quiet', identity_id: 1 },
      ]);
      const index = await pool.query('SELECT 1 FROM pg_indexes WHERE indexname = $1', [identityIndexName(1)]);
      expect(index.rowCount).toBe(1);
      // The old columns are gone from chunks.
      const columns = await pool.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'chunks' AND column_name IN ('status', 'embedding')`,
      );
      expect(columns.rows).toEqual([]);
      expect(await batchProgress(pool, quietBatchId, '*', { windowWordPieces: 254 })).toMatchObject({
        status: 'queued',
        pending: 1,
      });
      // Migrating again does nothing.
      expect((await migrate(pool)).applied).toEqual([]);
    });

    it('the first process gives the old vectors the graph that made them, and search finds them', async () => {
      // As the API and workers register their own int8 graph: the vectors of unknown graph go to
      // the int8 graph of the releases that made them (int8-v1), not to the current one.
      const [current, maker] = [await graphIdentity('int8'), await graphIdentity(UNRECORDED_GRAPHS.int8)];
      expect(maker.graphSha256).not.toBe(current.graphSha256);
      const own = await lazyModelIdentity(pool, current, maker)();
      identityId = 1;
      expect(own).toBe(2);
      const shas = await pool.query('SELECT id, graph_sha256 FROM model_identities ORDER BY id');
      expect(shas.rows).toEqual([
        { id: 1, graph_sha256: maker.graphSha256 },
        { id: 2, graph_sha256: current.graphSha256 },
      ]);
      // Registering either graph again changes nothing.
      expect((await registerModelIdentity(pool, maker)).id).toBe(1);
      expect(await adoptUnrecordedVectors(pool, maker)).toBe(false);
      const query = new Float32Array(384);
      query[0] = 1;
      const hits = await searchChunks(pool, { vector: query, identityId, k: 5, namespaces: ['ns'] });
      expect(hits.map((h) => [h.chunkIndex, h.text, Math.round(h.vectorScore * 1000)])).toEqual([
        [0, 'kept text', 1000],
      ]);
    });

    it("carries an old row's vector over when the document is posted again under the new schema", async () => {
      await acceptBatch(
        pool,
        {
          id: randomUUID(),
          namespace: 'ns',
          documentId: 'old-doc',
          queue: 'interactive',
          kind: 'document',
          chunks: [
            { text: 'kept text', metadata: {}, tokenCount: 2, offsets: { start: 0, end: 11 } },
            { text: 'new text', metadata: {}, tokenCount: 2, offsets: { start: 11, end: 19 } },
          ],
          identityId,
          carryOver: true,
        },
        async () => undefined,
      );
      const rows = await pool.query<{
        chunk_index: number;
        status: string;
        reused: boolean | null;
        first: number | null;
      }>(
        `SELECT chunk_index, status, reused, (embedding::real[])[1] AS first FROM chunk_states
        WHERE namespace = 'ns' AND document_id = 'old-doc' ORDER BY chunk_index`,
      );
      expect(rows.rows).toEqual([
        { chunk_index: 0, status: 'embedded', reused: true, first: 1 },
        { chunk_index: 1, status: 'pending', reused: null, first: null },
      ]);
    });
  },
);
