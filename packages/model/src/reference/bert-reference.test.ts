import { beforeAll, describe, expect, it } from 'vitest';
import { sourceFiles } from '../paths.js';
import { createReferenceModel, HIDDEN_SIZE, NUM_LAYERS, type ReferenceModel } from './bert-reference.js';
import { erf, gelu } from './erf.js';
import { loadTokenizer } from './test-support/tokenize.js';

describe('erf', () => {
  it('matches known values to float64 precision', () => {
    // The brief's values, and more from glibc's erf (correctly rounded or within 1 ulp).
    const known: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [-2, -0.9953222650189527],
      [3, 0.9999779095030014],
      [1e-8, 1.1283791670955126e-8],
      [0.1, 0.1124629160182849],
      [0.25, 0.2763263901682369],
      [0.75, 0.7111556336535151],
      [1.5, 0.9661051464753108],
      [2.5, 0.999593047982555],
      [4, 0.9999999845827421],
      [5.5, 0.9999999999999927],
    ];
    for (const [x, expected] of known) expect(Math.abs(erf(x) - expected), `erf(${x})`).toBeLessThan(1e-15);
  });

  it('is odd, saturates at +-1 and propagates NaN', () => {
    for (const x of [0.3, 1.7, 4.2]) expect(erf(-x)).toBe(-erf(x));
    expect(erf(0)).toBe(0);
    expect(erf(6)).toBe(1);
    expect(erf(-40)).toBe(-1);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(Number.NaN)).toBeNaN();
  });

  it('gives the exact (erf) GELU: x * Phi(x)', () => {
    // Phi(1) = 0.8413447460685429, Phi(-1) = 0.15865525393145707, Phi(2) = 0.9772498680518208.
    expect(gelu(0)).toBe(0);
    expect(Math.abs(gelu(1) - 0.8413447460685429)).toBeLessThan(1e-15);
    expect(Math.abs(gelu(-1) + 0.15865525393145707)).toBeLessThan(1e-15);
    expect(Math.abs(gelu(2) - 2 * 0.9772498680518208)).toBeLessThan(1e-15);
  });
});

describe('reference all-MiniLM-L6-v2 forward pass', () => {
  let model: ReferenceModel;
  let encode: (text: string) => number[];
  const cosine = (a: Float64Array, b: Float64Array): number => a.reduce((sum, v, i) => sum + v * b[i]!, 0);
  const embed = (text: string): Float64Array => model.forward(encode(text));

  beforeAll(() => {
    model = createReferenceModel(sourceFiles().weights);
    encode = loadTokenizer();
  });

  it('returns a 384-dim unit vector', () => {
    const v = embed('A man is eating food.');
    expect(v).toBeInstanceOf(Float64Array);
    expect(v.length).toBe(HIDDEN_SIZE);
    expect(Math.abs(Math.sqrt(cosine(v, v)) - 1)).toBeLessThan(1e-12);
    expect(v.every(Number.isFinite)).toBe(true);
  });

  it('is deterministic', () => {
    const ids = encode('Deterministic, bit for bit: 1, 2, 3.');
    expect(model.forward(ids)).toEqual(model.forward(ids));
  });

  it('exposes hidden states whose mean, normalised, is the embedding', () => {
    const ids = encode('Hello, World!');
    const all = model.allHiddenStates(ids);
    expect(all).toHaveLength(NUM_LAYERS + 1);
    for (const state of all) expect(state.length).toBe(ids.length * HIDDEN_SIZE);
    const last = model.hiddenStates(ids);
    expect(last).toEqual(all.at(-1));
    const mean = new Float64Array(HIDDEN_SIZE);
    for (let t = 0; t < ids.length; t++)
      for (let d = 0; d < HIDDEN_SIZE; d++) mean[d]! += last[t * HIDDEN_SIZE + d]!;
    const norm = Math.sqrt(cosine(mean, mean));
    const forward = model.forward(ids);
    for (let d = 0; d < HIDDEN_SIZE; d++) expect(mean[d]! / norm).toBeCloseTo(forward[d]!, 14);
  });

  it('ranks the sentence-transformers README examples sensibly', () => {
    const food = embed('A man is eating food.');
    const bread = embed('A man is eating a piece of bread.');
    const drums = embed('A monkey is playing drums.');
    expect(cosine(food, bread)).toBeGreaterThan(cosine(food, drums));
  });

  it('reproduces the cosine scores published for all-MiniLM-L6-v2', () => {
    // sentence-transformers docs, sentence_transformer/usage/semantic_textual_similarity.rst
    // (model "all-MiniLM-L6-v2", fp32 weights, printed to 4 decimals). These weights are the fp16
    // rounding of those, which moves the scores by up to ~1.2e-4; a real defect moves them far more.
    const published: [string, string, number][] = [
      ['The new movie is awesome', 'The dog plays in the garden', 0.0543],
      ['The new movie is awesome', 'The new movie is so great', 0.8939],
      ['The new movie is awesome', 'A woman watches TV', -0.0502],
      ['The cat sits outside', 'The dog plays in the garden', 0.2838],
      ['The cat sits outside', 'The new movie is so great', -0.0029],
      ['The cat sits outside', 'A woman watches TV', 0.131],
      ['A man is playing guitar', 'The dog plays in the garden', 0.2277],
      ['A man is playing guitar', 'The new movie is so great', -0.0136],
      ['A man is playing guitar', 'A woman watches TV', -0.0327],
      ['The weather is lovely today.', "It's so sunny outside!", 0.666],
      ['The weather is lovely today.', 'He drove to the stadium.', 0.1046],
      ["It's so sunny outside!", 'He drove to the stadium.', 0.1411],
    ];
    const cache = new Map<string, Float64Array>();
    const cached = (text: string): Float64Array => {
      const hit = cache.get(text);
      if (hit !== undefined) return hit;
      const v = embed(text);
      cache.set(text, v);
      return v;
    };
    for (const [a, b, score] of published) {
      expect(Math.abs(cosine(cached(a), cached(b)) - score), `${a} / ${b}`).toBeLessThan(5e-4);
    }
  });

  it('rejects ids it cannot embed, with precise messages', () => {
    expect(() => model.forward([])).toThrow(/must not be empty/);
    expect(() => model.forward([101, 30522, 102])).toThrow(/token id 30522 at index 1/);
    expect(() => model.forward([101, 1.5, 102])).toThrow(/token id 1.5 at index 1/);
    expect(() => model.forward(new Array<number>(513).fill(1000))).toThrow(/exceed the 512 positions/);
  });
});
