import { randomUUID } from 'node:crypto';
import { acceptBatch, createPool, searchChunks, writeEmbeddings } from '@embedq/store';
import { createPrng } from '@embedq/workload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesOrSkip } from '../support/services.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { registerTestIdentity } from '../support/test-identity.js';

const services = await servicesOrSkip('search filters');

const DOCUMENTS = 30;
const PER_DOCUMENT = 100;
const LABS = ['a', 'b', 'c', 'd'];

type Metadata = Record<string, unknown>;

/** The metadata of chunk i: a rare tag on 6 chunks (0.2%), no lab on every 7th. */
function metadataOf(i: number): Metadata {
  return {
    year: 2015 + (i % 11),
    ...(i % 7 === 0 ? {} : { lab: LABS[i % 4] }),
    tag: i % 500 === 0 ? 'rare' : 'common',
    source: { kind: i % 2 === 0 ? 'note' : 'paper' },
  };
}

interface Row {
  readonly documentId: string;
  readonly chunkIndex: number;
  readonly metadata: Metadata;
  readonly vector: Float32Array;
}

// An independent oracle: the filter grammar evaluated in JavaScript over the rows.
// biome-ignore lint/suspicious/noExplicitAny: filters are JSON trees walked by hand
function matches(filter: any, row: Row): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$and') return (condition as unknown[]).every((f) => matches(f, row));
    if (key === '$or') return (condition as unknown[]).some((f) => matches(f, row));
    const fixed: Record<string, unknown> = { documentId: row.documentId, chunkIndex: row.chunkIndex };
    const value =
      key in fixed
        ? fixed[key]
        : key.split('.').reduce<unknown>((v, k) => (v as Metadata | undefined)?.[k], row.metadata);
    const ops = typeof condition === 'object' && condition !== null ? condition : { $eq: condition };
    return Object.entries(ops).every(([op, operand]) => {
      switch (op) {
        case '$eq':
          return value === operand;
        case '$ne':
          return value !== operand;
        case '$in':
          return (operand as unknown[]).includes(value);
        case '$nin':
          return !(operand as unknown[]).includes(value);
        case '$exists':
          return (value !== undefined) === operand;
        case '$gt':
          return typeof value === typeof operand && (value as number) > (operand as number);
        case '$gte':
          return typeof value === typeof operand && (value as number) >= (operand as number);
        case '$lt':
          return typeof value === typeof operand && (value as number) < (operand as number);
        case '$lte':
          return typeof value === typeof operand && (value as number) <= (operand as number);
        default:
          throw new Error(`oracle: unknown operator ${op}`);
      }
    });
  });
}

function unitVector(next: () => number): Float32Array {
  const v = new Float32Array(384);
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    // Sum of uniforms: close enough to Gaussian for directions spread over the sphere.
    const x = next() + next() + next() - 1.5;
    v[i] = x;
    norm += x * x;
  }
  return v.map((x) => x / Math.sqrt(norm));
}

const distance = (a: Float32Array, b: Float32Array) =>
  1 - a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);

describe.skipIf(services === undefined)(
  'POST /v1/search filters, against the real PostgreSQL and pgvector',
  () => {
    let db: TestDatabase;
    let identityId: number;
    const rows: Row[] = [];
    const prng = createPrng(2026);
    const next = () => prng.next();

    beforeAll(async () => {
      if (services === undefined) return;
      db = await createTestDatabase(services.databaseUrl);
      identityId = (await registerTestIdentity(db.pool)).id;
      for (let d = 0; d < DOCUMENTS; d++) {
        const documentId = `doc-${d}`;
        const chunks = Array.from({ length: PER_DOCUMENT }, (_, c) => ({
          text: `chunk ${d}-${c}`,
          metadata: metadataOf(d * PER_DOCUMENT + c),
        }));
        const { batch } = await acceptBatch(
          db.pool,
          { id: randomUUID(), namespace: 'ns', documentId, chunks, queue: 'bulk', identityId },
          async () => undefined,
        );
        const ids = await db.pool.query<{ id: string; chunk_index: number }>(
          'SELECT id, chunk_index FROM chunks WHERE document_id = $1 ORDER BY chunk_index',
          [documentId],
        );
        const embedded = ids.rows.map((r) => ({ id: r.id, vector: unitVector(next) }));
        await writeEmbeddings(db.pool, {
          batchId: batch.batchId,
          embedded,
          reused: [],
          identityId,
          writer: 'test',
        });
        embedded.forEach((e, c) => {
          rows.push({ documentId, chunkIndex: c, metadata: chunks[c]?.metadata ?? {}, vector: e.vector });
        });
      }
    });
    afterAll(async () => {
      await db?.drop();
    });

    const FILTERS: readonly [string, unknown][] = [
      ['a rare tag, 6 of 3,000 chunks', { tag: 'rare' }],
      ['a range and a set', { year: { $gte: 2024 }, lab: { $in: ['b', 'c'] } }],
      ['a missing key', { lab: { $exists: false } }],
      ['$or with a nested key', { $or: [{ tag: 'rare' }, { 'source.kind': 'note', year: 2015 }] }],
      ['fixed fields: 5 chunks of one document', { documentId: 'doc-3', chunkIndex: { $lt: 5 } }],
      ['$ne and $nin', { year: { $ne: 2020 }, lab: { $nin: ['a'] } }],
      ['nothing matches', { year: { $gt: 3000 } }],
    ];

    it.each(FILTERS)(
      '%s: k results whenever k chunks match, each one matching; the exact nearest when fewer',
      async (_, filter) => {
        const k = 10;
        const query = unitVector(next);
        const hits = await searchChunks(db.pool, {
          identityId,
          vector: query,
          k,
          namespaces: ['ns'],
          filter,
        });
        const matching = rows.filter((row) => matches(filter, row));
        expect(hits).toHaveLength(Math.min(k, matching.length));
        for (const hit of hits) {
          const row = rows.find((r) => r.documentId === hit.documentId && r.chunkIndex === hit.chunkIndex);
          expect(row !== undefined && matches(filter, row)).toBe(true);
        }
        if (matching.length <= k) {
          const nearest = [...matching].sort((a, b) => distance(query, a.vector) - distance(query, b.vector));
          expect(hits.map((h) => `${h.documentId}/${h.chunkIndex}`)).toEqual(
            nearest.map((r) => `${r.documentId}/${r.chunkIndex}`),
          );
        }
      },
    );

    it('finds every match of a 0.2% filter through the index path too, with a k above the matches', async () => {
      const hits = await searchChunks(db.pool, {
        identityId,
        vector: unitVector(next),
        k: 50,
        namespaces: ['ns'],
        filter: { tag: 'rare' },
      });
      expect(hits).toHaveLength(6);
    });

    // At 100k chunks a 0.01% filter the indexes cannot serve (a range) outlasts the iterative
    // scan's budget (hnsw.max_scan_tuples, 20,000 by default). Here the budget is cut to 100 tuples
    // and the planner kept on the HNSW index, to get there with 3,000 chunks.
    it('still finds every match when the index scan gives up early: the exact pass over the matching chunks', async () => {
      const client = await db.pool.connect();
      try {
        // With sorting off, the planner orders by the HNSW index instead of sorting the few matches.
        await client.query('SET hnsw.max_scan_tuples = 100; SET enable_sort = off');
        // 'rare' > 'q' > 'common': a range that matches the 6 rare chunks only.
        for (const filter of [{ tag: { $gt: 'q' } }, { year: { $gte: 2025 }, tag: { $gte: 'r' } }]) {
          const query = unitVector(next);
          const hits = await searchChunks(client, {
            identityId,
            vector: query,
            k: 10,
            namespaces: ['ns'],
            filter,
          });
          const nearest = rows
            .filter((row) => matches(filter, row))
            .sort((a, b) => distance(query, a.vector) - distance(query, b.vector));
          expect(nearest.length).toBeGreaterThan(0);
          expect(hits.map((h) => `${h.documentId}/${h.chunkIndex}`)).toEqual(
            nearest.map((r) => `${r.documentId}/${r.chunkIndex}`),
          );
        }
      } finally {
        client.release(true);
      }
    });

    it('ranks by a sequential scan when asked for exact search: the true nearest, filtered or not', async () => {
      for (const filter of [undefined, { year: { $gte: 2024 }, lab: { $in: ['b', 'c'] } }]) {
        const query = unitVector(next);
        const hits = await searchChunks(db.pool, {
          identityId,
          vector: query,
          k: 10,
          namespaces: ['ns'],
          filter,
          exact: true,
        });
        const nearest = rows
          .filter((row) => filter === undefined || matches(filter, row))
          .sort((a, b) => distance(query, a.vector) - distance(query, b.vector))
          .slice(0, 10);
        expect(hits.map((h) => `${h.documentId}/${h.chunkIndex}`)).toEqual(
          nearest.map((r) => `${r.documentId}/${r.chunkIndex}`),
        );
      }
    });

    it('searches with the HNSW settings createPool gives every connection', async () => {
      const settings = async (pool: { query: typeof db.pool.query }) =>
        (
          await pool.query<{ ef: string; scan: string }>(
            "SELECT current_setting('hnsw.ef_search') AS ef, current_setting('hnsw.iterative_scan') AS scan",
          )
        ).rows[0];
      expect(await settings(db.pool)).toEqual({ ef: '200', scan: 'relaxed_order' });
      const tuned = createPool({
        url: db.url,
        ssl: 'auto',
        max: 1,
        applicationName: 'embedq-test',
        hnswEfSearch: 40,
      });
      try {
        expect(await settings(tuned)).toEqual({ ef: '40', scan: 'relaxed_order' });
      } finally {
        await tuned.end();
      }
      expect(() =>
        createPool({ url: db.url, ssl: 'auto', max: 1, applicationName: 'x', hnswEfSearch: 0 }),
      ).toThrow(RangeError);
    });

    it('treats SQL and JSONPath in keys and values as data', async () => {
      const hostile = {
        [`x'); DROP TABLE chunks; --`]: 1,
        tag: { $in: ["rare' OR '1'='1", '$.tag ? (@ == "rare")'] },
      };
      const hits = await searchChunks(db.pool, {
        identityId,
        vector: unitVector(next),
        k: 10,
        namespaces: ['ns'],
        filter: hostile,
      });
      expect(hits).toEqual([]);
      const count = await db.pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM chunks');
      expect(count.rows[0]?.n).toBe(DOCUMENTS * PER_DOCUMENT);
    });
  },
);
