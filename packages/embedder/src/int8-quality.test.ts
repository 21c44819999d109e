/**
 * Acceptance tests of the INT8 model against the fp32 one on the seed workload, run by ONNX Runtime
 * and, where it runs (AVX-512 VNNI or AVX2), by the native engine:
 * (a) per-chunk cosine similarity of the two embeddings of the first 2,000 chunks;
 * (b) retrieval agreement: top-10 of 5,000 chunks for 200 queries, each side entirely in its own
 *     precision (queries and chunks), as a deployment would run it.
 * Each side embeds the 5,000 chunks once; (a) uses the first 2,000 of them, which are exactly
 * `generateSeedChunks(2000)` (the workload is prefix-stable).
 */
import { generateSeedChunks, generateSeedQueries } from '@embedq/workload';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder, EMBEDDING_DIMENSIONS, type EmbedderOptions } from './index.js';
import { nativeEncoder } from './native-session.js';
import { dot, mean, overlap, toMatrix, topK } from './test-support/vectors.js';

const CHUNKS = 5_000;
const COSINE_CHUNKS = 2_000;
const QUERIES = 200;
const K = 10;

interface Embedded {
  readonly chunks: Float32Array[];
  /** The same chunks as one row-major matrix, for the top-k scans. */
  readonly matrix: Float32Array;
  readonly queries: Float32Array[];
  readonly seconds: number;
}

/** Each side: a precision and what runs it. */
const SIDES = {
  fp32: { precision: 'fp32' },
  'int8 onnxruntime': { precision: 'int8', engine: 'onnxruntime' },
  'int8 native': { precision: 'int8', engine: 'native' },
} as const satisfies Record<string, EmbedderOptions>;
type Side = keyof typeof SIDES;
const INT8_SIDES: readonly Side[] =
  'unavailable' in nativeEncoder() ? ['int8 onnxruntime'] : ['int8 onnxruntime', 'int8 native'];

const embedded = new Map<Side, Embedded>();
const side = (name: Side): Embedded => embedded.get(name)!;

const format = (value: number): string => value.toFixed(4);

beforeAll(async () => {
  const chunks = generateSeedChunks(CHUNKS);
  const queries = generateSeedQueries(QUERIES);
  // One side at a time: each uses every core, and only one model is in memory at once.
  for (const name of ['fp32', ...INT8_SIDES] as const) {
    const embedder = await createEmbedder(SIDES[name]);
    try {
      const started = performance.now();
      const chunkVectors = await embedder.embed(chunks);
      const seconds = (performance.now() - started) / 1000;
      const queryVectors = await embedder.embed(queries);
      embedded.set(name, {
        chunks: chunkVectors,
        matrix: toMatrix(chunkVectors, EMBEDDING_DIMENSIONS),
        queries: queryVectors,
        seconds,
      });
      console.log(
        `[int8-quality] ${name}: ${CHUNKS} chunks in ${seconds.toFixed(1)} s (${(CHUNKS / seconds).toFixed(0)} chunks/s)`,
      );
    } finally {
      await embedder.close();
    }
  }
}, 900_000);

describe.each(INT8_SIDES)('%s against fp32 on the seed workload', (int8Side) => {
  it(`keeps mean cosine >= 0.995 and minimum >= 0.98 on the first ${COSINE_CHUNKS} chunks`, () => {
    const fp32 = side('fp32').chunks;
    const int8 = side(int8Side).chunks;
    const cosines = Array.from({ length: COSINE_CHUNKS }, (_, i) => dot(int8[i]!, fp32[i]!));
    const meanCosine = mean(cosines);
    const minCosine = Math.min(...cosines);
    const worst = cosines.indexOf(minCosine);
    console.log(
      `[int8-quality] cosine ${int8Side} vs fp32 over ${COSINE_CHUNKS} chunks: mean ${format(meanCosine)}, min ${format(minCosine)} (chunk ${worst})`,
    );
    expect(cosines.every(Number.isFinite)).toBe(true);
    expect(meanCosine).toBeGreaterThanOrEqual(0.995);
    expect(minCosine).toBeGreaterThanOrEqual(0.98);
  });

  it(`agrees on the top-${K} of ${CHUNKS} chunks for ${QUERIES} queries: mean overlap >= 0.9`, () => {
    const fp32 = side('fp32');
    const int8 = side(int8Side);
    const overlaps = fp32.queries.map((query, q) =>
      overlap(topK(int8.queries[q]!, int8.matrix, K), topK(query, fp32.matrix, K)),
    );
    const meanOverlap = mean(overlaps);
    const minOverlap = Math.min(...overlaps);
    const below = overlaps.filter((value) => value < 0.7).length;
    console.log(
      `[int8-quality] ${int8Side} top-${K} overlap over ${QUERIES} queries: mean ${format(meanOverlap)}, min ${format(minOverlap)}, ${below} queries below 0.7`,
    );
    expect(overlaps).toHaveLength(QUERIES);
    expect(meanOverlap).toBeGreaterThanOrEqual(0.9);
  });
});

describe('the top-k scan', () => {
  it('ranks with a correct top-k (checked against a full sort for a few queries)', () => {
    const { matrix, queries, chunks } = side('fp32');
    for (const query of queries.slice(0, 5)) {
      const scores = chunks.map((chunk, index) => ({ index, score: dot(query, chunk) }));
      scores.sort((a, b) => b.score - a.score || a.index - b.index);
      expect(topK(query, matrix, K)).toEqual(scores.slice(0, K).map((entry) => entry.index));
    }
  });
});
