import { describe, expect, it } from 'vitest';
import { utf8Positions } from './utf8-positions.js';

describe('utf8Positions', () => {
  it('gives the UTF-8 byte offset of each UTF-16 offset', () => {
    const text = 'aé漢🧬b';
    const offsets = [0, 1, 2, 3, 5, 6];
    const expected = offsets.map((o) => Buffer.byteLength(text.slice(0, o)));
    expect(utf8Positions(text, offsets)).toEqual(expected);
    expect(expected).toEqual([0, 1, 3, 6, 10, 11]);
  });

  it('walks again from the start when the offsets go down', () => {
    const text = 'αβγ abc 🧬';
    const offsets = [7, 2, 10, 0, 4];
    expect(utf8Positions(text, offsets)).toEqual(offsets.map((o) => Buffer.byteLength(text.slice(0, o))));
  });

  it('counts a lone surrogate as the U+FFFD it is written as', () => {
    expect(utf8Positions('a\ud83eb', [3])).toEqual([Buffer.byteLength('a\ud83eb')]);
  });
});
