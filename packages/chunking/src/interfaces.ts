/**
 * Glossary
 * - source: the whole text of one document, as posted.
 * - word piece: one unit of the model's WordPiece vocabulary; what the model's window counts.
 * - atom: a maximal run of non-whitespace characters of the source. Whitespace only separates
 *   words in the tokenizer, so a span of atoms counts the sum of its atoms' word pieces.
 * - boundary: the whitespace between two atoms, with a strength (section, paragraph, sentence,
 *   line, word); a chunk ends at the strongest boundary that lets it fit.
 * - chunk: a span [start, end) of the source, in UTF-16 code units (JavaScript string indices).
 *   Chunks tile the source in order: each one's own text runs to where the next one's begins, so
 *   the source is rebuilt from them exactly (`rebuildSource`). With overlap, a chunk also begins
 *   with the tail of the one before it.
 */

/** Counts the word pieces of a text, without [CLS]/[SEP] and without truncation. */
export type WordPieceCounter = (text: string) => number;

export type ContentType = 'text/plain' | 'text/markdown';

export interface ChunkingOptions {
  /** Most word pieces in one chunk's text ([CLS] and [SEP] not counted). */
  readonly maxTokens: number;
  /** Word pieces of the previous chunk's tail that a chunk begins with (at most half of maxTokens). */
  readonly overlapTokens: number;
  readonly contentType: ContentType;
}

export interface TextChunk {
  /** 0-based position in the document. */
  readonly index: number;
  /** Where the chunk's text begins in the source (its overlap included). */
  readonly start: number;
  /** Where it ends (exclusive). */
  readonly end: number;
  /** `source.slice(start, end)`. */
  readonly text: string;
  /** Word pieces of `text`: at most `maxTokens`. */
  readonly tokenCount: number;
  /** Titles of the markdown headings the chunk sits under, outermost first; empty for plain text. */
  readonly headingPath: readonly string[];
}
