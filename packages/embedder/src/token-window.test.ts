import { describe, expect, it } from 'vitest';
import { TokenWindow } from './token-window.js';

/** Encodes a text as one id per character code, so lengths and contents are easy to predict. */
const charTokenizer = {
  encodeInto(text: string, target: Int32Array, offset: number): number {
    for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
    return text.length;
  },
};

const MAX_LENGTH = 16;
const ids = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

function sortedContents(window: TokenWindow): { position: number; ids: number[] }[] {
  window.sortLongestFirst();
  return Array.from({ length: window.count }, (_, k) => ({
    position: window.sortedPosition(k),
    ids: Array.from(window.sortedIds(k)),
  }));
}

describe('TokenWindow', () => {
  it('returns the chunks longest first, ties in input order, each with its position and ids', () => {
    const window = new TokenWindow(8, MAX_LENGTH);
    const texts = ['ccc', 'a', 'bb', 'xy', 'dddd', 'z'];
    texts.forEach((text, i) => {
      window.add(100 + i, text, charTokenizer);
    });
    expect(Array.from(window.sortLongestFirst())).toEqual([4, 3, 2, 2, 1, 1]);
    expect(sortedContents(window)).toEqual([
      { position: 104, ids: ids('dddd') },
      { position: 100, ids: ids('ccc') },
      { position: 102, ids: ids('bb') },
      { position: 103, ids: ids('xy') },
      { position: 101, ids: ids('a') },
      { position: 105, ids: ids('z') },
    ]);
  });

  it('grows its id buffer past the initial room without losing earlier chunks', () => {
    const capacity = 200;
    const window = new TokenWindow(capacity, MAX_LENGTH);
    const texts = Array.from(
      { length: capacity },
      (_, i) => 'x'.repeat(MAX_LENGTH - (i % 3)) + String(i % 10),
    );
    texts.forEach((text, i) => {
      window.add(i, text.slice(0, MAX_LENGTH), charTokenizer);
    });
    expect(window.full).toBe(true);
    const byPosition = new Map(sortedContents(window).map((entry) => [entry.position, entry.ids]));
    texts.forEach((text, i) => {
      expect(byPosition.get(i)).toEqual(ids(text.slice(0, MAX_LENGTH)));
    });
  });

  it('is full at its capacity, refuses one more, and is reusable after clear', () => {
    const window = new TokenWindow(2, MAX_LENGTH);
    window.add(0, 'aa', charTokenizer);
    window.add(1, 'b', charTokenizer);
    expect(window.full).toBe(true);
    expect(() => window.add(2, 'c', charTokenizer)).toThrow(RangeError);
    window.clear();
    expect(window.count).toBe(0);
    window.add(5, 'zzz', charTokenizer);
    expect(sortedContents(window)).toEqual([{ position: 5, ids: ids('zzz') }]);
  });
});
