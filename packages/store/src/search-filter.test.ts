import { describe, expect, it } from 'vitest';
import { compileSearchFilter, SEARCH_FILTER_LIMITS, SearchFilterError } from './search-filter.js';

const compile = (filter: unknown) => compileSearchFilter(filter, 5);

/** The error a filter gets: its path and message. */
function refusal(filter: unknown): string {
  try {
    compile(filter);
  } catch (error) {
    if (error instanceof SearchFilterError) return error.message;
    throw error;
  }
  throw new Error('the filter was accepted');
}

describe('compileSearchFilter', () => {
  it('turns metadata equality into jsonb containment and numbers the placeholders from the first', () => {
    expect(compile({ lab: 'b', 'source.year': 2024 })).toEqual({
      sql: '(c.metadata @> $5::jsonb AND c.metadata @> $6::jsonb)',
      params: ['{"lab":"b"}', '{"source":{"year":2024}}'],
    });
    expect(compile({})).toEqual({ sql: 'true', params: [] });
  });

  it('compiles every operator on metadata and on the fixed fields', () => {
    const { sql, params } = compile({
      year: { $gte: 2023, $lt: 2026 },
      lab: { $in: ['b', 'c'] },
      tag: { $nin: ['x'] },
      draft: { $ne: true },
      note: { $exists: false },
      title: { $gt: 'M' },
      documentId: { $in: ['a', 'b'] },
      chunkIndex: { $lte: 3 },
      start: { $exists: true },
      headingPath: { $in: ['Methods'] },
      'metadata.documentId': 'x',
      $or: [{ lab: 'a' }, { $and: [{ lab: 'z' }, { year: null }] }],
    });
    expect(sql).toContain("jsonb_typeof(c.metadata #> $5::text[]) = 'number'");
    expect(sql).toContain('(c.metadata @> $9::jsonb OR c.metadata @> $10::jsonb)');
    expect(sql).toContain('NOT (c.metadata @> $11::jsonb)');
    expect(sql).toContain('NOT c.metadata @> $12::jsonb');
    expect(sql).toContain('(c.metadata #> $13::text[]) IS NULL');
    expect(sql).toContain('COLLATE "C" > $15::text');
    expect(sql).toContain('c.document_id = ANY($16::text[])');
    expect(sql).toContain('c.chunk_index <= $17::integer');
    expect(sql).toContain('c.start_offset IS NOT NULL');
    expect(sql).toContain('coalesce(c.heading_path && $18::text[], false)');
    expect(sql).toContain(' OR ');
    expect(params).toContainEqual('{"documentId":"x"}');
    expect(params).toContainEqual('{"year":null}');
    expect(params).toContainEqual(['a', 'b']);
  });

  it('puts keys and values into parameters only: SQL or JSONPath in them is data', () => {
    const key = `x'); DROP TABLE chunks; --`;
    const value = '$.a ? (@ > 1) || true';
    const { sql, params } = compile({ [key]: value, [`${key}2`]: { $gt: value } });
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain('@ > 1');
    expect(params).toContainEqual(JSON.stringify({ [key]: value }));
    expect(params).toContainEqual([`${key}2`]);
  });

  it.each([
    [{ year: { $regex: 'x' } }, /filter\.year\.\$regex: unknown operator \$regex/],
    [{ $not: { a: 1 } }, /filter\.\$not: unknown operator/],
    [{ year: { $gt: true } }, /filter\.year\.\$gt: must be a finite number or a string/],
    [{ year: { $in: 'b' } }, /filter\.year\.\$in: must be a non-empty array/],
    [{ year: { $in: [] } }, /must be a non-empty array/],
    [{ year: { $in: [{ a: 1 }] } }, /filter\.year\.\$in\.0: must be a string, a finite number/],
    [{ year: { $exists: 1 } }, /must be true or false/],
    [{ year: [1, 2] }, /filter\.year: must be a string, a finite number/],
    [{ chunkIndex: 'x' }, /filter\.chunkIndex: must be an integer/],
    [{ chunkIndex: 1.5 }, /must be an integer/],
    [{ documentId: { $gt: 3 } }, /filter\.documentId\.\$gt: must be a string/],
    [{ headingPath: { $gt: 'A' } }, /\$gt does not apply to headingPath/],
    [{ year: {} }, /filter\.year: must hold at least one operator/],
    [{ $or: [] }, /filter\.\$or: must be a non-empty array of filters/],
    [{ $and: [1] }, /filter\.\$and\.0: must be an object/],
    [[1], /filter: must be an object/],
    [{ 'a..b': 1 }, /must not have empty parts/],
    [{ ['k'.repeat(257)]: 1 }, /a key must have 1 to 256 characters/],
    [{ 'a\u0000b': 1 }, /a key must not contain a NUL character/],
    [{ a: 'x\u0000' }, /must not contain a NUL character/],
    [{ a: '\ud800' }, /lone surrogate/],
    [{ a: Number.NaN }, /finite number/],
  ])('refuses %j, naming where', (filter, message) => {
    expect(refusal(filter)).toMatch(message);
  });

  it('refuses more than 1,000 values, more than 8 levels and more than 16 KB', () => {
    const values = Array.from({ length: SEARCH_FILTER_LIMITS.maxInValues + 1 }, (_, i) => i);
    expect(refusal({ a: { $in: values } })).toMatch(/filter\.a\.\$in: has more than 1000 values/);
    expect(() => compile({ a: { $in: values.slice(1) } })).not.toThrow();
    let deep: unknown = { a: 1 };
    for (let i = 0; i < 8; i++) deep = { $and: [deep] };
    expect(refusal(deep)).toMatch(/nests deeper than 8 levels/);
    let allowed: unknown = { a: 1 };
    for (let i = 0; i < 7; i++) allowed = { $and: [allowed] };
    expect(() => compile(allowed)).not.toThrow();
    expect(refusal({ a: 'x'.repeat(SEARCH_FILTER_LIMITS.maxBytes) })).toMatch(
      /filter: is \d+ bytes as JSON; the limit is 16384/,
    );
  });
});
