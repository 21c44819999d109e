import { describe, expect, it } from 'vitest';
import { generateSeedQueries, MAX_QUERY_WORDS, MIN_QUERY_WORDS, seedQuery } from './queries.js';

const queries = generateSeedQueries(2000);

describe('generateSeedQueries', () => {
  it('is deterministic and prefix-stable', () => {
    expect(generateSeedQueries(2000)).toEqual(queries);
    expect(generateSeedQueries(100)).toEqual(queries.slice(0, 100));
    expect(seedQuery(1234)).toBe(queries[1234]);
  });

  it('keeps every query within 5..15 words', () => {
    for (const query of queries) {
      const words = query.split(' ').length;
      expect(words).toBeGreaterThanOrEqual(MIN_QUERY_WORDS);
      expect(words).toBeLessThanOrEqual(MAX_QUERY_WORDS);
    }
  });

  it('is mostly distinct and mostly phrased as questions', () => {
    expect(new Set(queries).size).toBeGreaterThan(queries.length * 0.8);
    expect(queries.filter((query) => query.endsWith('?')).length).toBeGreaterThan(queries.length / 2);
  });

  it('differs from the chunk seed stream', () => {
    expect(generateSeedQueries(5, 8)).not.toEqual(queries.slice(0, 5));
  });

  it.each([-3, 2.5, Number.NaN])('rejects count %s with a RangeError', (count) => {
    expect(() => generateSeedQueries(count)).toThrow(RangeError);
  });
});
