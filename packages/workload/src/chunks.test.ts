import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSeedChunks, MAX_CHUNK_CHARS, MIN_CHUNK_CHARS, seedChunk } from './chunks.js';

const large = generateSeedChunks(20_000);

describe('generateSeedChunks', () => {
  it('is deterministic', () => {
    expect(generateSeedChunks(500)).toEqual(large.slice(0, 500));
  });

  it('is prefix-stable: the first 2000 of 20000 equal a request for 2000', () => {
    expect(generateSeedChunks(2000)).toEqual(large.slice(0, 2000));
  });

  it('keeps every one of 20k chunks within 100..500 characters', () => {
    const outside = large.filter((chunk) => chunk.length < MIN_CHUNK_CHARS || chunk.length > MAX_CHUNK_CHARS);
    expect(outside).toEqual([]);
  });

  it('produces 20k distinct chunks', () => {
    expect(new Set(large).size).toBe(large.length);
  });

  it('never starts or ends with whitespace and ends on a sentence', () => {
    for (const chunk of large) {
      expect(chunk).toBe(chunk.trim());
      expect(chunk.endsWith('.')).toBe(true);
    }
  });

  it('looks like scientific text: citations, percentages, Greek letters, units, hyphenated terms', () => {
    const text = large.slice(0, 2000).join('\n');
    expect(text).toMatch(/\([A-Z][\p{L}’]+ et al\., (19|20)\d\d\)/u);
    expect(text).toMatch(/\d+\.\d%/);
    expect(text).toMatch(/[αβγδκλμσωΔ]/);
    expect(text).toMatch(/\d °C/);
    expect(text).toMatch(/\b[a-z]+-[a-z]+\b/);
    expect(text).toMatch(/p < 0\.0/);
  });

  it('gives a different workload for a different seed', () => {
    expect(generateSeedChunks(10, 43)).not.toEqual(large.slice(0, 10));
  });

  it('agrees with seedChunk(index) for random access', () => {
    for (const index of [0, 1, 999, 19_999]) expect(seedChunk(index)).toBe(large[index]);
  });

  it('is pinned: changing the workload changes every benchmark comparison', () => {
    const digest = createHash('sha256').update(large.join('\u0000')).digest('hex');
    expect(digest).toMatchInlineSnapshot(
      `"45840a2450d0ce71a08578d97f577bb6794851ddd662ae2d0d6810310e9ac23e"`,
    );
  });

  it('returns an empty list for 0', () => {
    expect(generateSeedChunks(0)).toEqual([]);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects count %s with a RangeError', (count) => {
    expect(() => generateSeedChunks(count)).toThrow(/count must be a non-negative integer/);
    expect(() => generateSeedChunks(count)).toThrow(RangeError);
  });

  it('rejects a fractional seed and a negative index', () => {
    expect(() => generateSeedChunks(1, 0.5)).toThrow(RangeError);
    expect(() => seedChunk(-1)).toThrow(/index must be a non-negative integer/);
  });
});
