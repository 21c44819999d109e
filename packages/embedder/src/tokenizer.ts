/**
 * The production tokenizer: BERT-uncased WordPiece for all-MiniLM-L6-v2, built on
 * @huggingface/tokenizers, with sentence-transformers semantics:
 * - truncation to `maxLength` word pieces including [CLS] and [SEP] (256 for this model);
 *   the shipped tokenizer.json says 128, which is what the ONNX export used, not what
 *   sentence-transformers does;
 * - no padding: the embedder pads each inference batch to its own longest sequence
 *   (tokenizer.json says Fixed(128), which would waste half of every batch).
 *
 * It also corrects the two places where the JS library disagrees with the Rust `tokenizers`
 * crate that sentence-transformers runs (see `alignWithRustBert`), and it is fast: a cache of
 * word -> word-piece ids and an ASCII fast path skip most of the library's per-character work.
 */
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { MAX_SEQUENCE_LENGTH } from './interfaces.js';

export interface EncodedText {
  /** [CLS] word pieces [SEP], truncated to the tokenizer's `maxLength`, never padded. */
  readonly ids: Int32Array;
  /** Number of real tokens (`ids.length`): what the attention mask covers. */
  readonly length: number;
}

export interface WordPieceTokenizer {
  /** Most ids `encode` returns, [CLS] and [SEP] included. */
  readonly maxLength: number;
  readonly clsId: number;
  readonly sepId: number;
  /** What the embedder pads batches with (attention mask 0 there). */
  readonly padId: number;
  encode(text: string): EncodedText;
  /**
   * Writes the same ids as `encode` into `target` from `offset` and returns how many it wrote.
   * `target` must have room for `maxLength` ids from `offset`. Allocates no typed array, so a
   * caller that packs many texts into one buffer makes no per-text garbage that outlives the call.
   */
  encodeInto(text: string, target: Int32Array, offset: number): number;
  /**
   * Word pieces of `text` without [CLS] and [SEP] and without truncation: the text fits the
   * model's window when this is at most `maxLength - 2`. Texts joined by whitespace count the
   * sum of their counts (whitespace only separates words), which is what a splitter relies on.
   */
  countWordPieces(text: string): number;
}

/** The subset of tokenizer.json this wrapper checks before trusting its Rust-parity fixes. */
interface TokenizerJsonShape {
  readonly model?: { readonly type?: unknown };
  readonly normalizer?: { readonly type?: unknown; readonly lowercase?: unknown } | null;
  readonly pre_tokenizer?: { readonly type?: unknown } | null;
  readonly added_tokens?: readonly { readonly content?: unknown }[];
}

/** Texts longer than this are tokenized in space-separated windows until `maxLength` is reached. */
const WINDOW_CHARS = 4096;
/** Distinct words remembered; the cache is dropped and rebuilt when it grows past this. */
const WORD_CACHE_ENTRIES = 8192;

/** Printable ASCII plus tab/newline/CR: BertNormalizer reduces to lower-casing for such text. */
const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;
const HIGH_SURROGATE = /[\ud800-\udbff]/;
/** CJK ideographs outside the BMP, in the ranges of the Rust BertNormalizer. */
const SUPPLEMENTARY_CJK_IDEOGRAPH =
  /[\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B920}-\u{2CEAF}\u{2F800}-\u{2FA1F}]/gu;
const CAPITAL_SIGMA = 'Σ';
const SMALL_SIGMA = 'σ';

/**
 * Pre-normalises text so the JS library produces what the Rust crate produces:
 * 1. The library lower-cases the whole string with String#toLowerCase, which turns a final
 *    capital sigma into 'ς'; Rust lower-cases char by char ('Σ' -> 'σ' always). Lower-casing
 *    'Σ' ourselves first leaves the library nothing context-dependent to do.
 * 2. The library pads CJK ideographs with spaces one UTF-16 unit at a time, so it never sees
 *    ideographs outside the BMP (U+20000 and up); Rust does. Padding them here is exact because
 *    whitespace only separates words in every later step.
 */
export function alignWithRustBert(text: string): string {
  let aligned = text;
  if (aligned.includes(CAPITAL_SIGMA)) aligned = aligned.replaceAll(CAPITAL_SIGMA, SMALL_SIGMA);
  if (HIGH_SURROGATE.test(aligned)) aligned = aligned.replace(SUPPLEMENTARY_CJK_IDEOGRAPH, ' $& ');
  return aligned;
}

function describeShapeProblem(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return 'it is not a JSON object';
  const shape = json as TokenizerJsonShape;
  if (shape.model?.type !== 'WordPiece') return `model.type is ${String(shape.model?.type)}, not WordPiece`;
  if (shape.normalizer?.type !== 'BertNormalizer' || shape.normalizer.lowercase !== true) {
    return 'the normalizer is not a lower-casing BertNormalizer';
  }
  if (shape.pre_tokenizer?.type !== 'BertPreTokenizer') return 'the pre-tokenizer is not BertPreTokenizer';
  return undefined;
}

function requireId(tokenizer: Tokenizer, token: string): number {
  const id = tokenizer.token_to_id(token);
  if (id === undefined) throw new Error(`tokenizer.json has no ${token} token`);
  return id;
}

/** Splits a long text at spaces (exact: a space separates words in every step) into bounded windows. */
function* windows(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > WINDOW_CHARS) {
    let cut = text.lastIndexOf(' ', start + WINDOW_CHARS);
    if (cut <= start) cut = text.indexOf(' ', start + WINDOW_CHARS);
    if (cut === -1) break;
    yield text.slice(start, cut);
    start = cut + 1;
  }
  yield text.slice(start);
}

/**
 * Builds the tokenizer from the parsed contents of a tokenizer.json (BERT uncased WordPiece).
 * `maxLength` counts [CLS] and [SEP]; the file's own truncation and padding are ignored.
 */
export function createTokenizer(
  tokenizerJson: unknown,
  maxLength: number = MAX_SEQUENCE_LENGTH,
): WordPieceTokenizer {
  if (!Number.isSafeInteger(maxLength) || maxLength < 2) {
    throw new RangeError(`maxLength must be an integer >= 2 (room for [CLS] and [SEP]), got ${maxLength}`);
  }
  const problem = describeShapeProblem(tokenizerJson);
  if (problem) throw new Error(`unsupported tokenizer.json: ${problem}`);
  const shape = tokenizerJson as TokenizerJsonShape & object;

  // The library ignores truncation and padding; drop them anyway so nobody reads 128 from here.
  const library = new Tokenizer({ ...shape, truncation: null, padding: null }, {});
  const { normalizer, pre_tokenizer: preTokenizer, model } = library;
  if (!normalizer || !preTokenizer || !model) {
    throw new Error('tokenizer.json lost a component while loading');
  }
  const clsId = requireId(library, '[CLS]');
  const sepId = requireId(library, '[SEP]');
  const padId = requireId(library, '[PAD]');
  const unkId = requireId(library, '[UNK]');
  const addedTokens = (shape.added_tokens ?? [])
    .map((token) => token.content)
    .filter((content): content is string => typeof content === 'string' && content.length > 0);

  const wordCache = new Map<string, readonly number[]>();
  const wordPieceIds = (word: string): readonly number[] => {
    const cached = wordCache.get(word);
    if (cached !== undefined) return cached;
    const pieces: string[] = model.encode([word]);
    const ids = pieces.map((piece) => model.tokens_to_ids.get(piece) ?? unkId);
    if (wordCache.size >= WORD_CACHE_ENTRIES) wordCache.clear();
    wordCache.set(word, ids);
    return ids;
  };

  const mayContainAddedToken = (text: string): boolean =>
    text.includes('[') && addedTokens.some((token) => text.includes(token));

  // Word pieces fill out[1..sepIndex-1]; [CLS] is at 0 and [SEP] goes right after the last piece.
  const sepIndex = maxLength - 1;

  /**
   * What one window is made of: its words after normalisation and pre-tokenization, or, when it
   * holds an added token such as "[SEP]" (rare: user text), its ids straight from the library,
   * which splits added tokens out exactly as Rust does.
   */
  const analyse = (window: string): { words: readonly string[] } | { ids: readonly number[] } => {
    const aligned = alignWithRustBert(window);
    if (mayContainAddedToken(aligned)) {
      return { ids: library.encode(aligned, { add_special_tokens: false }).ids };
    }
    const normalized = PLAIN_ASCII.test(aligned) ? aligned.toLowerCase() : normalizer.normalize(aligned);
    return { words: preTokenizer.pre_tokenize_text(normalized) };
  };

  /** Appends the word-piece ids of `window` to `out` from `count`; returns the new count. */
  const appendWindow = (window: string, out: Int32Array, count: number): number => {
    let filled = count;
    const parts = analyse(window);
    if ('ids' in parts) {
      for (const id of parts.ids) {
        if (filled === sepIndex) return filled;
        out[filled++] = id;
      }
      return filled;
    }
    for (const word of parts.words) {
      for (const id of wordPieceIds(word)) {
        if (filled === sepIndex) return filled;
        out[filled++] = id;
      }
    }
    return filled;
  };

  const countWordPieces = (text: string): number => {
    let count = 0;
    for (const window of windows(text)) {
      const parts = analyse(window);
      if ('ids' in parts) count += parts.ids.length;
      else for (const word of parts.words) count += wordPieceIds(word).length;
    }
    return count;
  };

  const encodeInto = (text: string, target: Int32Array, offset: number): number => {
    if (!Number.isInteger(offset) || offset < 0 || target.length - offset < maxLength) {
      throw new RangeError(`encodeInto needs room for ${maxLength} ids from offset ${offset}`);
    }
    // appendWindow fills from position 1 up to sepIndex, so it works on a view of the room.
    const out = target.subarray(offset, offset + maxLength);
    out[0] = clsId;
    let count = 1;
    for (const window of windows(text)) {
      count = appendWindow(window, out, count);
      if (count === sepIndex) break;
    }
    out[count++] = sepId;
    return count;
  };

  return {
    maxLength,
    clsId,
    sepId,
    padId,
    encode(text: string): EncodedText {
      const out = new Int32Array(maxLength);
      const length = encodeInto(text, out, 0);
      return { ids: length === maxLength ? out : out.slice(0, length), length };
    },
    encodeInto,
    countWordPieces,
  };
}

/** Loads a tokenizer.json file; see `createTokenizer`. */
export async function loadTokenizer(
  tokenizerJsonPath: string,
  maxLength: number = MAX_SEQUENCE_LENGTH,
): Promise<WordPieceTokenizer> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(tokenizerJsonPath, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read tokenizer file ${tokenizerJsonPath}`, { cause: error });
  }
  return createTokenizer(json, maxLength);
}
