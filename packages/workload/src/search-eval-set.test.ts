import { describe, expect, it } from 'vitest';
import { seedChunk } from './chunks.js';
import {
  evalChunk,
  identifierQueries,
  paraphrase,
  paraphraseQueries,
  plantedIdentifier,
  SELECTIVITY_FILTERS,
} from './search-eval-set.js';

const CHUNKS = 10_000;
const IDENTIFIERS = 100;
const IDENTIFIER = /\b[A-Z]{3}-\d{4}\b/g;
const set = Array.from({ length: CHUNKS }, (_, i) => evalChunk(i, CHUNKS, IDENTIFIERS));

describe('planted identifiers', () => {
  it('are distinct and share prefixes', () => {
    const ids = Array.from({ length: 10_000 }, (_, j) => plantedIdentifier(j));
    expect(new Set(ids).size).toBe(10_000);
    expect(new Set(ids.map((id) => id.slice(0, 3))).size).toBeLessThan(10);
  });

  it('each sit in exactly the chunk its query names, and in no other', () => {
    const holders = new Map<string, number[]>();
    for (const [i, chunk] of set.entries()) {
      for (const id of chunk.text.match(IDENTIFIER) ?? []) holders.set(id, [...(holders.get(id) ?? []), i]);
    }
    const queries = identifierQueries(CHUNKS, IDENTIFIERS);
    expect(queries).toHaveLength(IDENTIFIERS);
    expect(holders.size).toBe(IDENTIFIERS);
    for (const { query, answer } of queries) {
      const id = query.match(IDENTIFIER)?.[0] as string;
      expect(holders.get(id)).toEqual([answer]);
      expect(set[answer]?.text.startsWith(seedChunk(answer))).toBe(true);
    }
    // Half the queries are the identifier alone, half name it with the noun it was planted with.
    expect(queries.filter((q) => q.query.includes(' ')).length).toBe(IDENTIFIERS / 2);
    for (const { query, answer } of queries.filter((q) => q.query.includes(' '))) {
      expect(set[answer]?.text.toLowerCase()).toContain(query.split(' ')[0]);
    }
  });

  it('leaves every other chunk as the seed workload has it', () => {
    const planted = new Set(identifierQueries(CHUNKS, IDENTIFIERS).map((q) => q.answer));
    for (const i of [0, 1, 99, 5_001, 9_999].filter((i) => !planted.has(i))) {
      expect(set[i]?.text).toBe(seedChunk(i));
    }
  });

  it('refuses more identifiers than half the chunks', () => {
    expect(() => evalChunk(0, 100, 51)).toThrow(RangeError);
    expect(() => identifierQueries(100, 51)).toThrow(RangeError);
  });
});

describe('filter selectivity', () => {
  it('matches exactly 100%, 10%, 1% and 0.1% of the set, a different subset per query', () => {
    for (const level of SELECTIVITY_FILTERS) {
      const subsets = new Set<string>();
      for (const q of [0, 1, 7]) {
        const filter = level.filter(q) as Record<string, string> | undefined;
        const matches = set.filter((chunk) =>
          Object.entries(filter ?? {}).every(([key, value]) => chunk.metadata[key as 'lab'] === value),
        );
        expect(matches.length).toBe(CHUNKS * level.selectivity);
        subsets.add(JSON.stringify(filter ?? null));
      }
      expect(subsets.size).toBe(level.selectivity === 1 ? 1 : 3);
    }
  });
});

describe('paraphrase queries', () => {
  it('reword a sentence: synonyms in, parenthesised figures out', () => {
    expect(
      paraphrase(
        'Treatment with ethanol (2.5 mM) reduced the porosity by 12.0% relative to controls (n = 8, p < 0.05).',
      ),
    ).toBe('Exposure to ethanol lowered the porosity by 12.0% versus untreated controls.');
  });

  it('each come from a sentence of its answer, reworded, and never name a planted chunk', () => {
    const planted = new Set(identifierQueries(CHUNKS, IDENTIFIERS).map((q) => q.answer));
    const queries = paraphraseQueries(CHUNKS, IDENTIFIERS, 50);
    expect(new Set(queries.map((q) => q.answer)).size).toBe(50);
    let reworded = 0;
    for (const { query, answer } of queries) {
      expect(planted.has(answer)).toBe(false);
      const text = set[answer]?.text as string;
      if (!text.includes(query)) reworded++;
      // Most of the query's words come from its chunk.
      const words = query.toLowerCase().match(/\p{L}{4,}/gu) ?? [];
      const shared = words.filter((w) => text.toLowerCase().includes(w));
      expect(shared.length * 2).toBeGreaterThanOrEqual(words.length);
    }
    expect(reworded).toBeGreaterThan(40);
  });
});
