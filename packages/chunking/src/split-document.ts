import { type Atoms, findAtoms, lineAt, Strength, spanTokens } from './atoms.js';
import { resolveChunkingOptions } from './chunking-options.js';
import type { ChunkingOptions, TextChunk, WordPieceCounter } from './interfaces.js';
import { runSteps, runStepsYielding } from './run-steps.js';
import { type Piece, splitAtom } from './split-atom.js';

/** Distinct atoms whose counts are remembered while splitting one document. */
const ATOM_CACHE_ENTRIES = 65_536;
/**
 * Anchors come about once in this many budgets of text. Measured over 50 one-paragraph edits of
 * 200-chunk documents: 2 re-embeds 1.2-1.8 chunks per edit on average (max 3-9) against 1.4-7.9
 * (max 4-35) with no anchors, for 5-16% more chunks; 3 and 4 re-embed more.
 */
const ANCHOR_SPACING = 2;

/** A chunk's own text (no overlap yet), and where it sits among the atoms. */
interface OwnPiece extends Piece {
  /** The atom the piece starts in. */
  readonly atom: number;
  /** True when it starts at that atom's first character (not inside a cut atom). */
  readonly atAtomStart: boolean;
  /** The first atom of the piece's section: overlap never reaches before it. */
  readonly sectionStart: number;
}

/**
 * Splits a document into chunks of at most `maxTokens` word pieces, counted by `count` (the
 * model's own tokenizer). Markdown sections are split apart first; a section too long for one
 * chunk is cut at paragraphs, a paragraph at sentences (or list items, or lines of code), a
 * sentence at line breaks, then at words, and a word only when it alone is longer than a chunk.
 * The pieces of each level are merged again, greedily in order, up to the budget. Cutting top
 * down keeps an edit's effect local: the chunks of other sections, and of other runs of fitting
 * paragraphs, do not move, so a re-posted document keeps their vectors.
 *
 * Returns no chunk when the text holds no word piece at all. Throws a ChunkingOptionsError for
 * bad options.
 */
export function splitDocument(
  source: string,
  options: Partial<ChunkingOptions>,
  count: WordPieceCounter,
): TextChunk[] {
  return runSteps(splitSteps(source, options, count));
}

/** `splitDocument`, giving the event loop a turn every few milliseconds (for a server). */
export function splitDocumentYielding(
  source: string,
  options: Partial<ChunkingOptions>,
  count: WordPieceCounter,
): Promise<TextChunk[]> {
  return runStepsYielding(splitSteps(source, options, count));
}

function* splitSteps(
  source: string,
  options: Partial<ChunkingOptions>,
  count: WordPieceCounter,
): Generator<void, TextChunk[]> {
  const resolved = resolveChunkingOptions(options);
  const atoms = yield* findAtoms(source, resolved.contentType, cachedCounter(count));
  const budget = resolved.maxTokens - resolved.overlapTokens;
  const splitter = new SpanSplitter(source, atoms, budget, count);
  const pieces: OwnPiece[] = [];
  let sectionStart = 0;
  for (let i = 1; i <= atoms.count; i++) {
    if (i < atoms.count && atoms.before[i] !== Strength.SECTION) continue;
    splitter.split(sectionStart, i, Strength.PARAGRAPH, pieces);
    sectionStart = i;
    yield;
  }
  return assemble(source, atoms, pieces, resolved.overlapTokens);
}

function cachedCounter(count: WordPieceCounter): WordPieceCounter {
  const cache = new Map<string, number>();
  return (atom) => {
    let tokens = cache.get(atom);
    if (tokens === undefined) {
      tokens = count(atom);
      if (cache.size >= ATOM_CACHE_ENTRIES) cache.clear();
      cache.set(atom, tokens);
    }
    return tokens;
  };
}

/** Cuts spans of atoms top down into own pieces of at most `budget` word pieces. */
class SpanSplitter {
  constructor(
    private readonly source: string,
    private readonly atoms: Atoms,
    private readonly budget: number,
    private readonly count: WordPieceCounter,
  ) {}

  /**
   * Splits atoms [from, to) of the section starting at `sectionStart`, cutting at boundaries of
   * `level` or weaker (there is none stronger inside), and appends the pieces to `out`.
   */
  split(from: number, to: number, level: number, out: OwnPiece[], sectionStart = from): void {
    const tokens = this.tokensOf(from, to);
    if (tokens <= this.budget) {
      out.push(this.piece(from, to, sectionStart));
      return;
    }
    if (to - from === 1) {
      for (const piece of splitAtom(
        this.source,
        this.atoms.start[from] as number,
        this.atoms.end[from] as number,
        this.budget,
        this.count,
      )) {
        out.push({ ...piece, atom: from, atAtomStart: piece.start === this.atoms.start[from], sectionStart });
      }
      return;
    }
    let cut = level;
    while (cut > Strength.WORD && !this.hasBoundary(from, to, cut)) cut--;
    // Fitting parts in a row are merged up to the budget; a part too long is cut further.
    let row: OwnPiece[] = [];
    let partStart = from;
    for (let i = from + 1; i <= to; i++) {
      if (i < to && (this.atoms.before[i] as number) < cut) continue;
      if (this.tokensOf(partStart, i) <= this.budget) {
        row.push(this.piece(partStart, i, sectionStart));
      } else {
        this.mergeRow(row, out);
        row = [];
        this.split(partStart, i, cut - 1, out, sectionStart);
      }
      partStart = i;
    }
    this.mergeRow(row, out);
  }

  private hasBoundary(from: number, to: number, strength: number): boolean {
    for (let i = from + 1; i < to; i++) if ((this.atoms.before[i] as number) >= strength) return true;
    return false;
  }

  private tokensOf(from: number, to: number): number {
    return spanTokens(this.atoms, from, to);
  }

  private piece(from: number, to: number, sectionStart: number): OwnPiece {
    return {
      start: this.atoms.start[from] as number,
      end: this.atoms.end[to - 1] as number,
      tokens: this.tokensOf(from, to),
      atom: from,
      atAtomStart: true,
      sectionStart,
    };
  }

  /**
   * Merges a row of fitting parts greedily, in order, up to the budget, except that a chunk
   * always ends after an anchor part. Whether a part is an anchor depends on its own text only
   * (a hash of it), with odds of its word pieces in ANCHOR_SPACING budgets. Pure greedy merging
   * lets an edit that changes a part's length move every later boundary of the row (measured:
   * one edited paragraph in a 200-chunk document re-embedded up to 33 chunks); anchors stop that
   * at the next anchor, at the cost of a partly filled chunk before each.
   */
  private mergeRow(row: readonly OwnPiece[], out: OwnPiece[]): void {
    const anchorOdds = 1 / (ANCHOR_SPACING * this.budget);
    let current: OwnPiece | undefined;
    for (const part of row) {
      if (current !== undefined && current.tokens + part.tokens <= this.budget) {
        current = { ...current, end: part.end, tokens: current.tokens + part.tokens };
      } else {
        if (current !== undefined) out.push(current);
        current = part;
      }
      if (unitHash(this.source, part.start, part.end) < part.tokens * anchorOdds) {
        out.push(current);
        current = undefined;
      }
    }
    if (current !== undefined) out.push(current);
  }
}

/** FNV-1a of a span of the source, as a fraction in [0, 1). */
function unitHash(source: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ source.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 2 ** 32;
}

/**
 * Turns own pieces into chunks that tile the source: each chunk's text runs to where the next
 * one's own text begins (the first from offset 0), so whitespace between them is kept and the
 * source can be rebuilt. Pieces with no word piece (only characters the tokenizer drops) join
 * the chunk before them. With overlap, a chunk begins with the last whole words before it, up to
 * `overlapTokens`, from a sentence's start where one is among them; never across a section.
 */
function assemble(
  source: string,
  atoms: Atoms,
  pieces: readonly OwnPiece[],
  overlapTokens: number,
): TextChunk[] {
  const own = pieces.filter((piece) => piece.tokens > 0);
  const chunks: TextChunk[] = [];
  own.forEach((piece, index) => {
    const ownStart = index === 0 ? 0 : piece.start;
    const end = own[index + 1]?.start ?? source.length;
    let start = ownStart;
    let tokens = piece.tokens;
    if (overlapTokens > 0 && index > 0 && piece.atAtomStart) {
      const from = overlapStart(atoms, piece, overlapTokens);
      if (from < piece.atom) {
        start = atoms.start[from] as number;
        tokens += spanTokens(atoms, from, piece.atom);
      }
    }
    // Its last line's: a chunk led by a chapter title and a section title sits under both.
    const line = atoms.lines[lineAt(atoms.lines, piece.end - 1)];
    chunks.push({
      index,
      start,
      end,
      text: source.slice(start, end),
      tokenCount: tokens,
      headingPath: line?.headingPath ?? [],
    });
  });
  return chunks;
}

/** The first atom of a chunk's overlap (`piece.atom` itself when none fits). */
function overlapStart(atoms: Atoms, piece: OwnPiece, overlapTokens: number): number {
  let from = piece.atom;
  while (from > piece.sectionStart && spanTokens(atoms, from - 1, piece.atom) <= overlapTokens) from--;
  for (let i = from; i < piece.atom; i++) if ((atoms.before[i] as number) >= Strength.SENTENCE) return i;
  return from;
}
