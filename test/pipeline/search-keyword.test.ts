import { randomUUID } from 'node:crypto';
import { acceptBatch, searchChunks, writeEmbeddings } from '@embedq/store';
import { createPrng } from '@embedq/workload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesOrSkip } from '../support/services.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { registerTestIdentity } from '../support/test-identity.js';

const services = await servicesOrSkip('keyword search');

const TEXTS = [
  'The calibration of the ZQX-7741 spectrometer drifted by 0.3 kelvin.',
  'Quantum dots emit light whose colour depends on their size.',
  'Dots of paint on a quantum of canvas: an art review.',
  'Graphene oxide membranes filter salt from sea water.',
  'Graphene conducts electricity better than copper.',
  'Soil cores were taken weekly from twelve sites.',
];

describe.skipIf(services === undefined)('keyword search, against the real PostgreSQL', () => {
  let db: TestDatabase;
  let identityId: number;
  const prng = createPrng(7);
  const vector = () => {
    const v = Float32Array.from({ length: 384 }, () => prng.next() - 0.5);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };

  beforeAll(async () => {
    if (services === undefined) return;
    db = await createTestDatabase(services.databaseUrl);
    identityId = (await registerTestIdentity(db.pool)).id;
    const chunks = TEXTS.map((text, i) => ({ text, metadata: { lab: i % 2 === 0 ? 'a' : 'b' } }));
    const { batch } = await acceptBatch(
      db.pool,
      { id: randomUUID(), namespace: 'ns', documentId: 'd', chunks, queue: 'bulk', identityId },
      async () => undefined,
    );
    const ids = await db.pool.query<{ id: string }>('SELECT id FROM chunks ORDER BY chunk_index');
    await writeEmbeddings(db.pool, {
      batchId: batch.batchId,
      embedded: ids.rows.map((r) => ({ id: r.id, vector: vector() })),
      reused: [],
      identityId,
      writer: 'test',
    });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const keyword = (text: string, extra: { filter?: unknown } = {}) =>
    searchChunks(db.pool, {
      identityId,
      vector: vector(),
      mode: 'keyword',
      text,
      k: 10,
      namespaces: ['ns'],
      ...extra,
    });
  const indexes = (hits: readonly { chunkIndex: number }[]) => hits.map((h) => h.chunkIndex);

  it('finds an exact identifier, with its rank as the score and its cosine beside it', async () => {
    const hits = await keyword('ZQX-7741');
    expect(indexes(hits)).toEqual([0]);
    expect(hits[0]?.keywordRank).toBeGreaterThan(0);
    expect(hits[0]?.score).toBe(hits[0]?.keywordRank);
    expect(hits[0]?.vectorScore).toBeGreaterThan(-1);
  });

  it('takes websearch syntax: a quoted phrase, an exclusion, or', async () => {
    expect(indexes(await keyword('"quantum dots"'))).toEqual([1]);
    expect(indexes(await keyword('quantum dots')).sort()).toEqual([1, 2]);
    expect(indexes(await keyword('graphene -oxide'))).toEqual([4]);
    expect(indexes(await keyword('spectrometer or soil')).sort()).toEqual([0, 5]);
    expect(await keyword('the of a')).toEqual([]);
  });

  it('applies the filter to keyword matches too', async () => {
    expect(indexes(await keyword('graphene', { filter: { lab: 'b' } }))).toEqual([3]);
  });

  it('in vector mode, says the keyword rank of hits whose words match and null for the rest', async () => {
    const hits = await searchChunks(db.pool, {
      identityId,
      vector: vector(),
      text: 'graphene',
      k: 6,
      namespaces: ['ns'],
    });
    expect(hits).toHaveLength(6);
    for (const hit of hits) {
      expect(hit.keywordRank === null).toBe(!TEXTS[hit.chunkIndex]?.toLowerCase().includes('graphene'));
      expect(hit.score).toBe(hit.vectorScore);
    }
  });

  it('hybrid: fuses both rankings by reciprocal rank, so an exact identifier leads whatever the vectors say', async () => {
    const query = vector();
    const base = { vector: query, k: 6, namespaces: ['ns'], text: 'ZQX-7741 spectrometer drift' } as const;
    const hybrid = await searchChunks(db.pool, { identityId, ...base, mode: 'hybrid' });
    expect(hybrid[0]?.chunkIndex).toBe(0);
    expect(hybrid).toHaveLength(6);
    // score = 1 / (60 + vector rank) + 1 / (60 + keyword rank), ranks from 1.
    const byVector = indexes(await searchChunks(db.pool, { identityId, ...base, mode: 'vector' }));
    const byKeyword = indexes(await searchChunks(db.pool, { identityId, ...base, mode: 'keyword' }));
    for (const hit of hybrid) {
      const v = byVector.indexOf(hit.chunkIndex);
      const w = byKeyword.indexOf(hit.chunkIndex);
      const expected = (v < 0 ? 0 : 1 / (61 + v)) + (w < 0 ? 0 : 1 / (61 + w));
      expect(hit.fusedScore).toBeCloseTo(expected, 12);
      expect(hit.score).toBe(hit.fusedScore);
    }
    // With no weight on keywords, hybrid is vector search.
    const vectorOnly = await searchChunks(db.pool, {
      identityId,
      ...base,
      mode: 'hybrid',
      fusion: { keywordWeight: 0 },
    });
    expect(indexes(vectorOnly)).toEqual(byVector);
  });

  it('hybrid: ranks a keyword match the vector side did not bring by its cosine among all candidates', async () => {
    // More chunks than hybrid's 50 vector candidates; the only one naming the identifier points
    // away from the query, so the vector side never brings it.
    const query = vector();
    const away = query.map((x) => -x);
    const chunks = Array.from({ length: 80 }, (_, i) => ({
      text: i === 0 ? 'Batch QXV-2025 was used for every measurement.' : `Filler chunk number ${i}.`,
      metadata: {},
    }));
    const { batch } = await acceptBatch(
      db.pool,
      { id: randomUUID(), namespace: 'wide', documentId: 'w', chunks, queue: 'bulk', identityId },
      async () => undefined,
    );
    const ids = await db.pool.query<{ id: string }>(
      "SELECT id FROM chunks WHERE namespace = 'wide' ORDER BY chunk_index",
    );
    await writeEmbeddings(db.pool, {
      batchId: batch.batchId,
      embedded: ids.rows.map((r, i) => ({ id: r.id, vector: i === 0 ? away : vector() })),
      reused: [],
      identityId,
      writer: 'test',
    });
    const base = { vector: query, k: 3, namespaces: ['wide'], text: 'QXV-2025' } as const;
    const byVector = await searchChunks(db.pool, { identityId, ...base, mode: 'vector', k: 50 });
    expect(indexes(byVector)).not.toContain(0);
    const hybrid = await searchChunks(db.pool, { identityId, ...base, mode: 'hybrid' });
    // Keyword rank 1 and the last place by cosine (51st of 51 candidates) beat vector rank 1 alone.
    expect(hybrid[0]?.chunkIndex).toBe(0);
    expect(hybrid[0]?.fusedScore).toBeCloseTo(1 / 61 + 1 / 111, 12);
    expect(hybrid[1]?.chunkIndex).toBe(byVector[0]?.chunkIndex);
    expect(hybrid[1]?.fusedScore).toBeCloseTo(1 / 61, 12);
  });

  it('pages with offset in every mode, and drops hits below minScore', async () => {
    const query = vector();
    for (const mode of ['vector', 'keyword', 'hybrid'] as const) {
      const base = { vector: query, mode, text: 'graphene or quantum or soil', namespaces: ['ns'] };
      const all = indexes(await searchChunks(db.pool, { identityId, ...base, k: 4 }));
      const first = indexes(await searchChunks(db.pool, { identityId, ...base, k: 2 }));
      const second = indexes(await searchChunks(db.pool, { identityId, ...base, k: 2, offset: 2 }));
      expect([...first, ...second]).toEqual(all);
    }
    const hits = await searchChunks(db.pool, { identityId, vector: query, k: 6, namespaces: ['ns'] });
    const threshold = hits[2]?.score as number;
    const strong = await searchChunks(db.pool, {
      identityId,
      vector: query,
      k: 6,
      namespaces: ['ns'],
      minScore: threshold,
    });
    expect(indexes(strong)).toEqual(indexes(hits.slice(0, 3)));
  });
});
