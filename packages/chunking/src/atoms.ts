import type { ContentType } from './interfaces.js';
import { type SourceLine, sourceLines } from './source-lines.js';

/** How strong the boundary before an atom is: a chunk ends at the strongest boundary that fits. */
export const Strength = {
  /** Inside one line of code, or between two words of a sentence. */
  WORD: 1,
  /** A line break inside a paragraph of prose (hard-wrapped text). */
  LINE: 2,
  /** A sentence's end, a list item or table row, or a line break inside a code block. */
  SENTENCE: 3,
  /** A blank line, or the edge of a code block or a heading line. */
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
  readonly tokens: Int32Array;
  /** `before[i]`: the strength of the boundary between atom i - 1 and atom i. */
  readonly before: Uint8Array;
  /** The line each atom starts on, for its heading path. */
  readonly line: Int32Array;
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
  const starts: number[] = [];
  const ends: number[] = [];
  const tokens: number[] = [];
  const before: number[] = [];
  const lineOf: number[] = [];
  let line = 0;
  let previousLine = -1;
  let previousAtom = '';
  for (const match of source.matchAll(ATOM)) {
    const atom = match[0];
    const start = match.index;
    while (line + 1 < lines.length && (lines[line + 1] as SourceLine).start <= start) line++;
    before.push(strengthBefore(lines, previousLine, line, previousAtom, atom));
    starts.push(start);
    ends.push(start + atom.length);
    tokens.push(countAtom(atom));
    lineOf.push(line);
    previousLine = line;
    previousAtom = atom;
    if (starts.length % ATOMS_PER_STEP === 0) yield;
  }
  return {
    count: starts.length,
    start: Int32Array.from(starts),
    end: Int32Array.from(ends),
    tokens: Int32Array.from(tokens),
    before: Uint8Array.from(before),
    line: Int32Array.from(lineOf),
    lines,
  };
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
  if (here.kind === 'heading') return Strength.SECTION;
  // The underline belongs to its title.
  if (here.kind === 'underline') return Strength.WORD;
  // Lines between two atoms' lines hold no atom: they are blank.
  if (line > previousLine + 1) return Strength.PARAGRAPH;
  if (
    here.kind === 'fence' ||
    there.kind === 'fence' ||
    there.kind === 'heading' ||
    there.kind === 'underline'
  ) {
    return Strength.PARAGRAPH;
  }
  if (here.kind === 'code' || here.kind === 'item') return Strength.SENTENCE;
  return endsSentence(previousAtom, atom) ? Strength.SENTENCE : Strength.LINE;
}

function endsSentence(previousAtom: string, atom: string): boolean {
  return SENTENCE_END.test(previousAtom) && SENTENCE_START.test(atom);
}
