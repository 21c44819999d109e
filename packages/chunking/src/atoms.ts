import type { ContentType } from './interfaces.js';
import { type SourceLine, sourceLines } from './source-lines.js';

/** How strong the boundary before an atom is: a chunk ends at the strongest boundary that fits. */
export const Strength = {
  /** Inside one line of code, or between two words of a sentence. */
  WORD: 1,
  /** A line break inside a paragraph of prose (hard-wrapped text), or after a heading line: a title stays with its text. */
  LINE: 2,
  /** A sentence's end, a list item or table row, or a line break inside a code block. */
  SENTENCE: 3,
  /** A blank line, or the edge of a code block. */
  PARAGRAPH: 4,
  /** A markdown heading begins a section; also the document's start. */
  SECTION: 5,
} as const;

/**
 * The source as atoms (maximal runs of non-whitespace), in parallel arrays. Whitespace here is
 * what the tokenizer turns into a word separator (tab, line feed, carriage return and the Unicode
 * space separators), so a span of atoms counts exactly the sum of its atoms' word pieces.
 */
export interface Atoms {
  readonly count: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** `prefix[i]`: the word pieces of atoms 0 to i - 1, so a span's count is one subtraction (count + 1 entries). */
  readonly prefix: Int32Array;
  /** `before[i]`: the strength of the boundary between atom i - 1 and atom i. */
  readonly before: Uint8Array;
  readonly lines: readonly SourceLine[];
}

const ATOM = /[^\t\n\r\p{Zs}]+/gu;
/** Ends a sentence: . ! ? (or their CJK forms), then closing quotes or brackets. */
const SENTENCE_END = /[.!?。！？][)"'\]\u2019\u201d]*$/u;
/** Starts a sentence: an opening quote or bracket, then a capital letter, a letter of a caseless script or a digit. */
const SENTENCE_START = /^[("'[\u2018\u201c]*[\p{Lu}\p{Lt}\p{Lo}\d]/u;

/** Atoms found between two pauses of `findAtoms`, so a caller can let other work run. */
const ATOMS_PER_STEP = 4096;

/**
 * Finds the atoms, counts their word pieces and grades the boundaries between them. A generator
 * that pauses every few thousand atoms (see `runSteps`); it returns the atoms.
 */
export function* findAtoms(
  source: string,
  contentType: ContentType,
  countAtom: (atom: string) => number,
): Generator<void, Atoms> {
  const lines = sourceLines(source, contentType);
  // Typed columns of the exact size, counted first (~9 ms per MiB): a 5 MiB document has ~750k
  // atoms, which plain arrays of numbers would hold at 8 bytes each, and columns that grew by
  // doubling would hold at up to twice their size, four times for text of short words (a table of
  // numbers). Word pieces are kept only as running sums (a string holds under 2^30 characters,
  // so they fit 32 bits).
  const capacity = yield* countAtoms(source);
  const starts = new Int32Array(capacity);
  const ends = new Int32Array(capacity);
  const prefix = new Int32Array(capacity + 1);
  const before = new Uint8Array(capacity);
  let count = 0;
  let line = 0;
  let previousLine = -1;
  let previousAtom = '';
  for (const match of source.matchAll(ATOM)) {
    const atom = match[0];
    const start = match.index;
    while (line + 1 < lines.length && (lines[line + 1] as SourceLine).start <= start) line++;
    before[count] = strengthBefore(lines, previousLine, line, previousAtom, atom);
    starts[count] = start;
    ends[count] = start + atom.length;
    prefix[count + 1] = (prefix[count] as number) + countAtom(atom);
    count++;
    previousLine = line;
    previousAtom = atom;
    if (count % ATOMS_PER_STEP === 0) yield;
  }
  return { count, start: starts, end: ends, prefix, before, lines };
}

/** How many atoms the source has, without making a string or a match per atom. */
function* countAtoms(source: string): Generator<void, number> {
  const atom = new RegExp(ATOM.source, ATOM.flags);
  let count = 0;
  while (atom.test(source)) {
    count++;
    if (count % (8 * ATOMS_PER_STEP) === 0) yield;
  }
  return count;
}

/** Word pieces of atoms `from` to `to - 1`. */
export function spanTokens(atoms: Atoms, from: number, to: number): number {
  return (atoms.prefix[to] as number) - (atoms.prefix[from] as number);
}

/** The index of the line holding `offset` (lines are in order of their starts). */
export function lineAt(lines: readonly SourceLine[], offset: number): number {
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((lines[mid] as SourceLine).start <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

function strengthBefore(
  lines: readonly SourceLine[],
  previousLine: number,
  line: number,
  previousAtom: string,
  atom: string,
): number {
  if (previousLine < 0) return Strength.SECTION;
  const here = lines[line] as SourceLine;
  if (line === previousLine) {
    if (here.kind === 'code') return Strength.WORD;
    return endsSentence(previousAtom, atom) ? Strength.SENTENCE : Strength.WORD;
  }
  const there = lines[previousLine] as SourceLine;
  const afterHeading = there.kind === 'heading' || there.kind === 'underline';
  // A heading starts a section, unless the section before is only a heading (a chapter's title
  // right above its first subsection): then both titles lead the same chunk.
  if (here.kind === 'heading') return afterHeading ? Strength.LINE : Strength.SECTION;
  // The underline belongs to its title.
  if (here.kind === 'underline') return Strength.WORD;
  // A heading stays with the text under it: no chunk is a title alone.
  if (afterHeading) return Strength.LINE;
  // Lines between two atoms' lines hold no atom: they are blank.
  if (line > previousLine + 1) return Strength.PARAGRAPH;
  if (here.kind === 'fence' || there.kind === 'fence') return Strength.PARAGRAPH;
  if (here.kind === 'code' || here.kind === 'item') return Strength.SENTENCE;
  return endsSentence(previousAtom, atom) ? Strength.SENTENCE : Strength.LINE;
}

function endsSentence(previousAtom: string, atom: string): boolean {
  return SENTENCE_END.test(previousAtom) && SENTENCE_START.test(atom);
}
