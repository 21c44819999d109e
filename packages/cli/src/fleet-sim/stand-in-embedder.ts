import { createHash } from 'node:crypto';
import type { BatchReport, EmbedCallOptions, EmbeddedBatch, Embedder } from '@embedq/embedder';

const DIMENSIONS = 384;

/**
 * A deterministic unit vector for a text, from its sha256: the same text always gets the same
 * vector, different texts different ones. No model: costs microseconds, so a fleet of stand-in
 * workers loads PostgreSQL and Redis as real workers would without spending the CPU on inference.
 */
export function standInVector(text: string): Float32Array {
  const digest = createHash('sha256').update(text).digest();
  let state = digest.readUInt32LE(0) || 1;
  const vector = new Float32Array(DIMENSIONS);
  let norm = 0;
  for (let i = 0; i < DIMENSIONS; i++) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const value = ((state >>> 0) / 0xffffffff) * 2 - 1;
    vector[i] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < DIMENSIONS; i++) vector[i] = (vector[i] ?? 0) * scale;
  return vector;
}

/** An Embedder that returns stand-in vectors, for `embedq fleet-sim`'s workers. */
export function createStandInEmbedder(): Embedder {
  const countWordPieces = (text: string) => Math.ceil(text.length / 4);
  const report = (index: number, texts: readonly string[]): BatchReport => {
    const tokens = texts.reduce((sum, text) => sum + countWordPieces(text), 0);
    return {
      index,
      chunks: texts.length,
      tokens,
      paddedTokens: tokens,
      ms: 0,
      run: { chunks: texts.length, ms: 0, lead: true },
    };
  };
  return {
    dimensions: DIMENSIONS,
    precision: 'int8',
    engine: 'onnxruntime',
    countWordPieces,
    embed: async (texts: readonly string[], options?: EmbedCallOptions) => {
      const vectors = texts.map(standInVector);
      options?.onBatch?.(report(0, texts));
      return vectors;
    },
    embedStream: async function* (texts): AsyncIterable<EmbeddedBatch> {
      let index = 0;
      for await (const text of texts) {
        yield { report: report(index, [text]), indices: [index], vectors: [standInVector(text)] };
        index++;
      }
    },
    close: async () => undefined,
  };
}
