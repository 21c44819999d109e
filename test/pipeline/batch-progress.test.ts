import { batchProgress, LATENCY_BUCKETS, writeEmbeddings } from '@embedq/store';
import { describe, expect, it } from 'vitest';
import { servicesOrSkip } from '../support/services.js';
import { useIdentityDatabase } from '../support/test-identity.js';

const services = await servicesOrSkip('batch progress');

describe.skipIf(services === undefined)('batch progress against the real PostgreSQL', () => {
  const fixture = useIdentityDatabase(services);

  it('counts from the batch row, latencies as percentile_cont and width_bucket compute them', async () => {
    const count = 37;
    const { batchId, chunks } = await fixture.acceptPending(
      'progress',
      'd',
      Array.from({ length: count }, (_, i) => ({
        text: `progress text ${i}`,
        metadata: {},
        tokenCount: i === 0 ? 300 : 5,
      })),
    );
    // All but the last three get a vector; their latencies are then set to spread over the buckets.
    const embedded = chunks.slice(0, count - 3);
    await writeEmbeddings(fixture.db.pool, {
      batchId,
      embedded: embedded.map((c) => ({ id: c.id, vector: new Float32Array(384).fill(0.05) })),
      reused: [],
      identityId: fixture.identityId,
      writer: 'test',
    });
    await fixture.db.pool.query(
      `UPDATE embeddings e SET written_at = b.created_at + make_interval(secs => (c.chunk_index * c.chunk_index) / 7.0)
         FROM chunks c JOIN batches b ON b.id = c.batch_id
        WHERE e.chunk_id = c.id AND b.id = $1`,
      [batchId],
    );

    const progress = await batchProgress(fixture.db.pool, batchId, ['progress'], {
      windowWordPieces: 254,
    });
    expect(progress).toMatchObject({
      status: 'processing',
      total: count,
      embedded: count - 3,
      failed: 0,
      pending: 3,
      truncated: 1,
      completedAt: null,
    });
    const truth = await fixture.db.pool.query<{ p50: number; p95: number; p99: number; buckets: number[] }>(
      `WITH l AS (
         SELECT extract(epoch FROM e.written_at - b.created_at)::float8 AS s
           FROM chunks c JOIN batches b ON b.id = c.batch_id JOIN embeddings e ON e.chunk_id = c.id
          WHERE b.id = $1
       )
       SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY s) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY s) AS p99,
              (SELECT array_agg(width_bucket(s, $2::float8[])) FROM l) AS buckets
         FROM l`,
      [batchId, LATENCY_BUCKETS],
    );
    const expected = truth.rows[0]!;
    expect(progress?.latencySeconds?.p50).toBeCloseTo(expected.p50, 9);
    expect(progress?.latencySeconds?.p95).toBeCloseTo(expected.p95, 9);
    expect(progress?.latencySeconds?.p99).toBeCloseTo(expected.p99, 9);
    const counts = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
    for (const bucket of expected.buckets) counts[bucket] = (counts[bucket] ?? 0) + 1;
    expect(progress?.latencyHistogram.counts).toEqual(counts);
    // The spread reaches several buckets, so the comparison means something.
    expect(counts.filter((n) => n > 0).length).toBeGreaterThan(5);

    // Another key's namespace does not see it.
    expect(
      await batchProgress(fixture.db.pool, batchId, ['other'], { windowWordPieces: 254 }),
    ).toBeUndefined();
  });
});
