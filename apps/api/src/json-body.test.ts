import { describe, expect, it } from 'vitest';
import { nestingDepth } from './json-body.js';

describe('nestingDepth', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(nestingDepth('1', 32)).toBe(0);
    expect(nestingDepth('{"a":[1,{"b":[]}]}', 32)).toBe(4);
    expect(nestingDepth('{"a":"[[[{{{"}', 32)).toBe(1);
    expect(nestingDepth('["\\"[[[", "\\\\", [2]]', 32)).toBe(2);
  });

  it('stops counting past the limit', () => {
    expect(nestingDepth('['.repeat(1_000_000), 32)).toBe(33);
  });
});
