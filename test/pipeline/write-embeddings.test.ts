import { searchChunks, writeEmbeddings } from '@embedq/store';
import { createPrng } from '@embedq/workload';
import { describe, expect, it } from 'vitest';
import { servicesOrSkip } from '../support/services.js';
import { useIdentityDatabase } from '../support/test-identity.js';

const services = await servicesOrSkip('writing vectors to pgvector');

/** Vectors whose floats span many magnitudes and both signs, plus zero and a subnormal-edge value. */
function awkwardVectors(count: number): Float32Array[] {
  const rng = createPrng(7);
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: 384 }, () => rng.float(-1, 1) * 10 ** -rng.int(0, 8));
    v[0] = 0;
    v[1] = -0.1;
    v[2] = 1e-38;
    return v;
  });
}

describe.skipIf(services === undefined)('writeEmbeddings', () => {
  const fixture = useIdentityDatabase(services);

  const pendingChunks = (documentId: string, count: number) =>
    fixture.acceptPending(
      'write',
      documentId,
      Array.from({ length: count }, (_, i) => ({ text: `${documentId} text ${i}`, metadata: {} })),
    );

  it('stores every float bit for bit, each vector on its own chunk', async () => {
    const { batchId, chunks } = await pendingChunks('exact', 300);
    const vectors = awkwardVectors(chunks.length);
    const written = await writeEmbeddings(fixture.db.pool, {
      batchId,
      embedded: chunks.map((chunk, i) => ({ id: chunk.id, vector: vectors[i]! })),
      reused: [],
      identityId: fixture.identityId,
      writer: 'test',
    });
    expect(written.ids.size).toBe(chunks.length);
    // pgvector's binary output: int16 dimensions, int16 unused, then big-endian float4s.
    const rows = await fixture.db.pool.query<{ id: string; bytes: Buffer }>(
      `SELECT id, vector_send(embedding) AS bytes FROM chunk_states WHERE document_id = 'exact'`,
    );
    expect(rows.rows).toHaveLength(chunks.length);
    const byId = new Map(chunks.map((chunk, i) => [chunk.id, vectors[i]!]));
    for (const row of rows.rows) {
      const stored = new Float32Array(384);
      expect(row.bytes.readInt16BE(0)).toBe(384);
      for (let i = 0; i < 384; i++) stored[i] = row.bytes.readFloatBE(4 + i * 4);
      expect(stored).toEqual(byId.get(row.id));
    }
  });

  it('refuses a vector of the wrong length and writes nothing', async () => {
    const { batchId, chunks } = await pendingChunks('short', 2);
    await expect(
      writeEmbeddings(fixture.db.pool, {
        batchId,
        embedded: [
          { id: chunks[0]!.id, vector: new Float32Array(384) },
          { id: chunks[1]!.id, vector: new Float32Array(383) },
        ],
        reused: [],
        identityId: fixture.identityId,
        writer: 'test',
      }),
    ).rejects.toThrow(/383 dimensions/);
    const embedded = await fixture.db.pool.query(
      `SELECT 1 FROM chunk_states WHERE document_id = 'short' AND embedding IS NOT NULL`,
    );
    expect(embedded.rowCount).toBe(0);
  });

  it('refuses to search with a query vector of the wrong length', async () => {
    await expect(
      searchChunks(fixture.db.pool, {
        vector: new Float32Array(512),
        identityId: fixture.identityId,
        namespaces: ['write'],
        k: 10,
      }),
    ).rejects.toThrow(/512 dimensions, not 384/);
  });
});
