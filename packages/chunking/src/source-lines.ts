import type { ContentType } from './interfaces.js';

/**
 * What a line of the source is, as far as choosing boundaries needs:
 * - heading: a markdown ATX heading (`## Title`) or the title line of a setext heading;
 * - underline: the `===` / `---` line under a setext heading's title;
 * - fence: a markdown code fence line (``` or ~~~), opening or closing;
 * - code: a line inside a fenced code block;
 * - item: a list item or a table row, in markdown and plain text alike;
 * - text: anything else with a word on it; blank lines hold none and are never looked up.
 */
export type LineKind = 'heading' | 'underline' | 'fence' | 'code' | 'item' | 'text';

export interface SourceLine {
  readonly start: number;
  readonly kind: LineKind;
  /** No word on it. */
  readonly blank: boolean;
  /** The headings this line sits under, outermost first (a heading line includes itself). */
  readonly headingPath: readonly string[];
}

const LINE_BREAK = /\r\n|\r|\n/g;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const LIST_ITEM_OR_ROW = /^[ \t]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|\|)/;
const BLANK = /^[ \t\p{Zs}]*$/u;

/** Splits the source into lines and classifies them; markdown structure only for markdown. */
export function sourceLines(source: string, contentType: ContentType): SourceLine[] {
  const markdown = contentType === 'text/markdown';
  const lines: SourceLine[] = [];
  let path: readonly string[] = [];
  /** Titles by heading level (index 0 = level 1). */
  const open: string[] = [];
  let fence: { readonly char: string; readonly length: number } | undefined;
  let previousText = '';
  const kindOf = (text: string, blank: boolean): LineKind => {
    if (!markdown) return LIST_ITEM_OR_ROW.test(text) ? 'item' : 'text';
    if (fence !== undefined) {
      const marker = FENCE.exec(text)?.[1];
      const closes =
        marker !== undefined &&
        marker[0] === fence.char &&
        marker.length >= fence.length &&
        text.trim() === marker;
      if (!closes) return 'code';
      fence = undefined;
      return 'fence';
    }
    const opening = FENCE.exec(text)?.[1];
    if (opening !== undefined) {
      fence = { char: opening.charAt(0), length: opening.length };
      return 'fence';
    }
    const heading = ATX_HEADING.exec(text);
    if (heading !== null) {
      path = enter(open, heading[1]?.length ?? 1, (heading[2] ?? '').trim());
      return 'heading';
    }
    if (!blank && SETEXT_UNDERLINE.test(text) && isSetextTitle(lines)) {
      // The line above, a paragraph of one line, is the heading's title.
      const title = lines.pop() as SourceLine;
      path = enter(open, text.trim().startsWith('=') ? 1 : 2, previousText.trim());
      lines.push({ ...title, kind: 'heading', headingPath: path });
      return 'underline';
    }
    return LIST_ITEM_OR_ROW.test(text) ? 'item' : 'text';
  };
  const push = (lineStart: number, text: string) => {
    const blank = BLANK.test(text);
    const kind = kindOf(text, blank);
    lines.push({ start: lineStart, kind, blank, headingPath: path });
    previousText = text;
  };
  let start = 0;
  for (const match of source.matchAll(LINE_BREAK)) {
    push(start, source.slice(start, match.index));
    start = match.index + match[0].length;
  }
  push(start, source.slice(start));
  return lines;
}

/**
 * A setext underline (`===`, `---`) makes a heading of the line above only when that line is a
 * paragraph of one line; otherwise `---` is a thematic break, taken here as a line of text.
 */
function isSetextTitle(lines: readonly SourceLine[]): boolean {
  const above = lines.at(-1);
  if (above === undefined || above.blank || above.kind !== 'text') return false;
  const twoAbove = lines.at(-2);
  return twoAbove === undefined || twoAbove.blank || twoAbove.kind !== 'text';
}

/** Opens a heading of `level`: it closes every heading of the same or a deeper level. */
function enter(open: string[], level: number, title: string): readonly string[] {
  open.length = level - 1;
  open[level - 1] = title;
  // Skipped levels (a ## under no #) leave holes: the path holds the headings there are.
  return open.filter((t): t is string => t !== undefined);
}
