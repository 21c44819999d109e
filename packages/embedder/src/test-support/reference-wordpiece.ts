/**
 * An independent, deliberately plain BERT-uncased tokenizer, written from the behaviour of the
 * reference implementation (Hugging Face `tokenizers` in Rust, which sentence-transformers uses,
 * and Google's original BERT `tokenization.py`). It shares no code with @huggingface/tokenizers
 * (which @huggingface/transformers also uses), so it can serve as a test oracle for the
 * production tokenizer. Clarity over speed: every step is a separate pass over code points.
 *
 * Pipeline for one text (tokenizer.json of all-MiniLM-L6-v2):
 * 1. Added tokens ([PAD] [UNK] [CLS] [SEP] [MASK], `normalized: false`) are matched in the raw
 *    text, leftmost-longest, and kept whole; the text between them goes through steps 2-4.
 * 2. BertNormalizer, in the Rust order: clean text, pad CJK ideographs with spaces, strip accents
 *    (NFD, drop Mn; `strip_accents: null` follows `lowercase: true`), lowercase each code point
 *    on its own (Rust `char::to_lowercase`: no context, so no final-sigma rule).
 * 3. BertPreTokenizer: split on whitespace (dropped), isolate every punctuation code point.
 * 4. WordPiece: greedy longest-match-first with `##` continuations; a word longer than
 *    `max_input_chars_per_word` code points, or one that cannot be covered, becomes [UNK].
 * 5. Truncate the word pieces to `maxLength - 2`, then apply the template [CLS] A [SEP].
 *
 * Known, deliberate difference from the Rust crate: Rust classifies characters with the
 * `unicode_categories` crate, whose tables are from Unicode 9 and list only the two endpoints
 * of ranges such as the Private Use Area. So Rust removes U+E000 and U+F8FF but keeps
 * U+E001..U+F8FE (which then become [UNK]). This oracle follows the documented rule (remove
 * every Cc/Cf/Co code point) with the JavaScript engine's current Unicode tables.
 */
import { readFileSync } from 'node:fs';

interface TokenizerJsonSubset {
  readonly added_tokens: readonly { readonly id: number; readonly content: string }[];
  readonly model: {
    readonly type: string;
    readonly vocab: Readonly<Record<string, number>>;
    readonly unk_token: string;
    readonly continuing_subword_prefix: string;
    readonly max_input_chars_per_word: number;
  };
}

export interface ReferenceWordPiece {
  /** Ids with [CLS] first and [SEP] last, at most `maxLength` of them. */
  encode(text: string): number[];
  /** Word-piece strings without [CLS]/[SEP] and without truncation (for readable failures). */
  tokenize(text: string): string[];
}

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

const WHITE_SPACE = /^\p{White_Space}$/u;
const OTHER_CONTROL_FORMAT_PRIVATE_SURROGATE = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
const NONSPACING_MARK = /^\p{Mn}$/u;
const UNICODE_PUNCTUATION = /^\p{P}$/u;

/** Rust: `c == '\t' || c == '\n' || c == '\r' || c.is_whitespace()`. */
function isWhitespace(char: string): boolean {
  const codePoint = char.codePointAt(0)!;
  return (
    codePoint === TAB || codePoint === LINE_FEED || codePoint === CARRIAGE_RETURN || WHITE_SPACE.test(char)
  );
}

/** Rust `is_other()` minus tab/newline/carriage return, which count as whitespace. */
function isControl(char: string): boolean {
  const codePoint = char.codePointAt(0)!;
  if (codePoint === TAB || codePoint === LINE_FEED || codePoint === CARRIAGE_RETURN) return false;
  return OTHER_CONTROL_FORMAT_PRIVATE_SURROGATE.test(char);
}

/** The CJK ideograph ranges of the Rust BertNormalizer (note 0x2B920, as in the Rust source). */
function isChineseChar(codePoint: number): boolean {
  return (
    (codePoint >= 0x4e00 && codePoint <= 0x9fff) ||
    (codePoint >= 0x3400 && codePoint <= 0x4dbf) ||
    (codePoint >= 0x20000 && codePoint <= 0x2a6df) ||
    (codePoint >= 0x2a700 && codePoint <= 0x2b73f) ||
    (codePoint >= 0x2b740 && codePoint <= 0x2b81f) ||
    (codePoint >= 0x2b920 && codePoint <= 0x2ceaf) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0x2f800 && codePoint <= 0x2fa1f)
  );
}

/** ASCII punctuation (33-47, 58-64, 91-96, 123-126) or any Unicode P* category. */
function isPunctuation(char: string): boolean {
  const codePoint = char.codePointAt(0)!;
  if (
    (codePoint >= 33 && codePoint <= 47) ||
    (codePoint >= 58 && codePoint <= 64) ||
    (codePoint >= 91 && codePoint <= 96) ||
    (codePoint >= 123 && codePoint <= 126)
  ) {
    return true;
  }
  return UNICODE_PUNCTUATION.test(char);
}

function cleanText(text: string): string {
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    if (codePoint === 0 || codePoint === 0xfffd || isControl(char)) continue;
    out += isWhitespace(char) ? ' ' : char;
  }
  return out;
}

function padChineseChars(text: string): string {
  let out = '';
  for (const char of text) out += isChineseChar(char.codePointAt(0)!) ? ` ${char} ` : char;
  return out;
}

function stripAccents(text: string): string {
  let out = '';
  for (const char of text.normalize('NFD')) if (!NONSPACING_MARK.test(char)) out += char;
  return out;
}

/** One code point at a time, so String#toLowerCase cannot apply the context-dependent final sigma. */
function lowercaseEachChar(text: string): string {
  let out = '';
  for (const char of text) out += char.toLowerCase();
  return out;
}

export function normalizeBert(text: string): string {
  return lowercaseEachChar(stripAccents(padChineseChars(cleanText(text))));
}

export function preTokenizeBert(text: string): string[] {
  const words: string[] = [];
  let current = '';
  for (const char of text) {
    if (isWhitespace(char)) {
      if (current) words.push(current);
      current = '';
    } else if (isPunctuation(char)) {
      if (current) words.push(current);
      words.push(char);
      current = '';
    } else {
      current += char;
    }
  }
  if (current) words.push(current);
  return words;
}

export function loadReferenceWordPiece(tokenizerJsonPath: string, maxLength = 256): ReferenceWordPiece {
  const json = JSON.parse(readFileSync(tokenizerJsonPath, 'utf8')) as TokenizerJsonSubset;
  if (json.model.type !== 'WordPiece') throw new Error(`expected a WordPiece model, got ${json.model.type}`);
  const vocab = new Map<string, number>(Object.entries(json.model.vocab));
  const { unk_token: unkToken, continuing_subword_prefix: prefix } = json.model;
  const maxCharsPerWord = json.model.max_input_chars_per_word;
  const addedTokens = json.added_tokens.map((token) => token.content);
  const idOf = (token: string): number => {
    const id = vocab.get(token) ?? json.added_tokens.find((added) => added.content === token)?.id;
    if (id === undefined) throw new Error(`token ${token} is not in the vocabulary`);
    return id;
  };

  function wordPiece(word: string): string[] {
    const chars = Array.from(word);
    if (chars.length > maxCharsPerWord) return [unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let match: string | undefined;
      while (start < end) {
        const candidate = (start > 0 ? prefix : '') + chars.slice(start, end).join('');
        if (vocab.has(candidate)) {
          match = candidate;
          break;
        }
        end -= 1;
      }
      if (match === undefined) return [unkToken];
      pieces.push(match);
      start = end;
    }
    return pieces;
  }

  function tokenizeSegment(segment: string): string[] {
    return preTokenizeBert(normalizeBert(segment)).flatMap(wordPiece);
  }

  function tokenize(text: string): string[] {
    const pieces: string[] = [];
    let segmentStart = 0;
    let position = 0;
    while (position < text.length) {
      let longest = '';
      for (const token of addedTokens) {
        if (token.length > longest.length && text.startsWith(token, position)) longest = token;
      }
      if (longest) {
        pieces.push(...tokenizeSegment(text.slice(segmentStart, position)), longest);
        position += longest.length;
        segmentStart = position;
      } else {
        position += 1;
      }
    }
    pieces.push(...tokenizeSegment(text.slice(segmentStart)));
    return pieces;
  }

  return {
    tokenize,
    encode(text) {
      const pieces = tokenize(text).slice(0, maxLength - 2);
      return [idOf('[CLS]'), ...pieces.map(idOf), idOf('[SEP]')];
    },
  };
}
