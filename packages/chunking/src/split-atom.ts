import type { WordPieceCounter } from './interfaces.js';

/** A span of the source with its word pieces: a piece of a chunk's own text. */
export interface Piece {
  readonly start: number;
  readonly end: number;
  readonly tokens: number;
}

/**
 * Where the tokenizer itself separates words inside a run of non-whitespace: around each
 * punctuation character (ASCII symbols and Unicode punctuation) and each CJK ideograph (the
 * normaliser pads them with spaces). Cutting there keeps counts additive; a run of other
 * characters is one word, cut only when it alone is longer than the budget.
 */
const TOKENIZER_WORD =
  /[!-/:-@[-`{-~\p{P}]|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2a6df}\u{2a700}-\u{2ceaf}\u{2f800}-\u{2fa1f}]|[^!-/:-@[-`{-~\p{P}\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2a6df}\u{2a700}-\u{2ceaf}\u{2f800}-\u{2fa1f}]+/gu;

/**
 * Cuts one atom (a word longer than the budget: a formula, a URL, a run of CJK text) into pieces
 * of at most `budget` word pieces: at the tokenizer's own word edges where it can, and inside a
 * word only when that word alone does not fit.
 */
export function splitAtom(
  source: string,
  start: number,
  end: number,
  budget: number,
  count: WordPieceCounter,
): Piece[] {
  const pieces: Piece[] = [];
  let current: Piece | undefined;
  for (const match of source.slice(start, end).matchAll(TOKENIZER_WORD)) {
    const wordStart = start + match.index;
    const wordEnd = wordStart + match[0].length;
    const tokens = count(match[0]);
    if (tokens > budget) {
      // Pieces of one word are not merged again: inside a word, counts do not add up.
      if (current !== undefined) pieces.push(current);
      current = undefined;
      pieces.push(...splitWord(source, wordStart, wordEnd, budget, count));
    } else if (current !== undefined && current.tokens + tokens <= budget) {
      current = { start: current.start, end: wordEnd, tokens: current.tokens + tokens };
    } else {
      if (current !== undefined) pieces.push(current);
      current = { start: wordStart, end: wordEnd, tokens };
    }
  }
  if (current !== undefined) pieces.push(current);
  return pieces;
}

/**
 * Cuts one word at code points: each piece is the longest prefix of the rest that fits, found by
 * bisection and counted directly (word pieces inside a word are not additive).
 */
function splitWord(
  source: string,
  start: number,
  end: number,
  budget: number,
  count: WordPieceCounter,
): Piece[] {
  const points = [...source.slice(start, end)];
  const offsets = new Int32Array(points.length + 1);
  for (let i = 0; i < points.length; i++)
    offsets[i + 1] = (offsets[i] as number) + (points[i] as string).length;
  const pieces: Piece[] = [];
  let from = 0;
  while (from < points.length) {
    // Invariant: `low` code points fit (at least one always does: a code point is a few word pieces).
    let low = 1;
    let high = points.length - from;
    let lowTokens = count(points[from] as string);
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      const tokens = count(points.slice(from, from + mid).join(''));
      if (tokens <= budget) {
        low = mid;
        lowTokens = tokens;
      } else {
        high = mid - 1;
      }
    }
    pieces.push({
      start: start + (offsets[from] as number),
      end: start + (offsets[from + low] as number),
      tokens: lowTokens,
    });
    from += low;
  }
  return pieces;
}
