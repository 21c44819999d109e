import { seedChunk } from './chunks.js';
import { createPrng, deriveSeed } from './prng.js';
import { assertNonNegativeInteger } from './validate.js';

/**
 * A labelled search set over the seed workload: chunks whose right answers are known.
 * - Planted identifiers: a few chunks get a sentence naming a rare identifier (`ZQX-7741`); the
 *   query is the identifier (alone, or with the noun it was planted with) and the right answer is
 *   that chunk. Identifiers share prefixes and digits, so an embedding blurs them into each other.
 * - Paraphrases: a chunk's longest sentence reworded (synonyms, no parenthesised figures or
 *   citations); the right answer is that chunk.
 * - Filter selectivity: every chunk's metadata puts it in exactly one of 10 labs, 100 groups and
 *   1,000 projects, so `{ lab }`, `{ group }` and `{ project }` match 10%, 1% and 0.1% of a set
 *   whose size is a multiple of 1,000.
 * Everything depends only on the chunk count and the index, like the seed workload.
 */

const SEED = 1_801;
/** Identifier prefixes: few, so identifiers share their first letters. */
const PREFIXES = ['ZQX', 'ZQK', 'QXV', 'KVX', 'XKQ', 'VQZ'] as const;
/** How an identifier is planted: the noun that names it, and the sentence around it. */
const PLANTINGS = [
  { noun: 'strain', sentence: (id: string) => `Strain ${id} was obtained from the consortium collection.` },
  { noun: 'batch', sentence: (id: string) => `Batch ${id} was used for every measurement reported here.` },
  { noun: 'construct', sentence: (id: string) => `The ${id} construct served as the reference throughout.` },
  { noun: 'lot', sentence: (id: string) => `Reagents came from lot ${id} unless stated otherwise.` },
] as const;

export interface EvalChunk {
  readonly text: string;
  readonly metadata: { readonly lab: string; readonly group: string; readonly project: string };
}

export interface LabelledQuery {
  readonly query: string;
  /** Index of the one chunk that answers it. */
  readonly answer: number;
}

/** Chunks that hold a planted identifier: `count` of them, spread evenly over `chunks`. */
function plantedIndex(j: number, chunks: number, count: number): number {
  return Math.floor(((j + 0.5) * chunks) / count);
}

function checkCounts(chunks: number, count: number, what: string): void {
  assertNonNegativeInteger(chunks, 'chunks');
  assertNonNegativeInteger(count, what);
  if (count > chunks) throw new RangeError(`${what} (${count}) exceeds chunks (${chunks})`);
}

function checkIdentifiers(chunks: number, identifiers: number): void {
  checkCounts(chunks, identifiers, 'identifiers');
  // At most one identifier in every two chunks, so each chunk finds its own directly.
  if (identifiers * 2 > chunks)
    throw new RangeError(`identifiers (${identifiers}) exceed half of chunks (${chunks})`);
}

/** Identifier j: a shared prefix and four digits; distinct for distinct j (the digits carry j). */
export function plantedIdentifier(j: number): string {
  assertNonNegativeInteger(j, 'j');
  if (j >= 10_000) throw new RangeError('at most 10,000 planted identifiers');
  const rng = createPrng(deriveSeed(SEED, j));
  const prefix = rng.pick(PREFIXES);
  // A bijection of 0..9999 (7,919 is coprime with 10,000) that scatters neighbouring j.
  const digits = String((j * 7_919 + 1_234) % 10_000).padStart(4, '0');
  return `${prefix}-${digits}`;
}

function planting(j: number) {
  return PLANTINGS[j % PLANTINGS.length] as (typeof PLANTINGS)[number];
}

/** The project (0-999) of chunk i: exactly chunks/1000 chunks per project over each 1,000 indices. */
function project(index: number): number {
  return (index * 7_919) % 1_000;
}

/**
 * Chunk `index` of a labelled set of `chunks` with `identifiers` planted: the seed chunk, plus a
 * sentence naming its identifier when it holds one.
 */
export function evalChunk(index: number, chunks: number, identifiers: number): EvalChunk {
  checkIdentifiers(chunks, identifiers);
  if (index >= chunks) throw new RangeError(`index ${index} is outside ${chunks} chunks`);
  let text = seedChunk(index);
  // Planted chunks are evenly spaced, so the j that would land on this index is found directly.
  const j = Math.floor((index * identifiers) / chunks);
  if (identifiers > 0 && j < identifiers && plantedIndex(j, chunks, identifiers) === index) {
    text = `${text} ${planting(j).sentence(plantedIdentifier(j))}`;
  }
  const p = project(index);
  return { text, metadata: { lab: `lab-${p % 10}`, group: `group-${p % 100}`, project: `project-${p}` } };
}

/** One query per planted identifier: the identifier alone (even j) or with its noun (odd j). */
export function identifierQueries(chunks: number, identifiers: number): LabelledQuery[] {
  checkIdentifiers(chunks, identifiers);
  return Array.from({ length: identifiers }, (_, j) => {
    const id = plantedIdentifier(j);
    return {
      query: j % 2 === 0 ? id : `${planting(j).noun} ${id}`,
      answer: plantedIndex(j, chunks, identifiers),
    };
  });
}

/** Rewordings that keep a sentence's meaning (longest phrases first, so they win). */
const PARAPHRASES: readonly (readonly [RegExp, string])[] = [
  [/\bIn agreement with earlier work\b/g, 'Consistent with prior studies'],
  [/\bHere, we\b/g, 'This study set out to'],
  [/\bTreatment with\b/g, 'Exposure to'],
  [/\brelative to controls\b/g, 'versus untreated controls'],
  [/\bcompared with\b/gi, 'versus'],
  [/\bSamples were annealed at\b/g, 'Specimens were heated to'],
  [/\bcharacterised by\b/g, 'analysed with'],
  [/\bOur findings provide\b/g, 'This work offers'],
  [/\bThese results\b/g, 'The data'],
  [/\blevels remained unchanged\b/g, 'levels did not change'],
  [/\bthe effect persisted for\b/g, 'the effect lasted'],
  [/\bexhibited\b/g, 'showed'],
  [/\brevealed\b/g, 'showed'],
  [/\busing\b/g, 'by means of'],
  [/\bincreased\b/g, 'raised'],
  [/\benhanced\b/g, 'boosted'],
  [/\belevated\b/g, 'raised'],
  [/\bimproved\b/g, 'bettered'],
  [/\bup-regulated\b/g, 'upregulated'],
  [/\breduced\b/g, 'lowered'],
  [/\bdecreased\b/g, 'lowered'],
  [/\bsuppressed\b/g, 'inhibited'],
  [/\battenuated\b/g, 'weakened'],
  [/\bdown-regulated\b/g, 'downregulated'],
  [/\bknockdown\b/g, 'silencing'],
  [/\bhigher\b/g, 'greater'],
  [/\bexposed to\b/g, 'treated with'],
  [/\bapplications\b/g, 'uses'],
];

/** A sentence reworded: synonyms in, parenthesised figures and citations out. */
export function paraphrase(sentence: string): string {
  let text = sentence.replace(/\s*\([^()]*\)/g, '');
  for (const [pattern, replacement] of PARAPHRASES) text = text.replace(pattern, replacement);
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;])/g, '$1')
    .trim();
}

/** The longest sentence of a chunk (a sentence ends with '.', '?' or '!' and a space). */
function longestSentence(text: string): string {
  const sentences = text.split(/(?<=[.?!])\s+/);
  return sentences.reduce((best, s) => (s.length > best.length ? s : best), '');
}

/**
 * `count` paraphrase queries spread over chunks that hold no planted identifier: each the
 * reworded longest sentence of its chunk.
 */
export function paraphraseQueries(chunks: number, identifiers: number, count: number): LabelledQuery[] {
  checkCounts(chunks, count, 'count');
  const planted = new Set(
    Array.from({ length: identifiers }, (_, j) => plantedIndex(j, chunks, identifiers)),
  );
  return Array.from({ length: count }, (_, q) => {
    let answer = Math.floor(((q + 0.25) * chunks) / count);
    while (planted.has(answer)) answer = (answer + 1) % chunks;
    return { query: paraphrase(longestSentence(evalChunk(answer, chunks, identifiers).text)), answer };
  });
}

/** Filters matching 100%, 10%, 1% and 0.1% of the set, the q-th of each picking another subset. */
export const SELECTIVITY_FILTERS = [
  { selectivity: 1, filter: (_q: number) => undefined },
  { selectivity: 0.1, filter: (q: number) => ({ lab: `lab-${q % 10}` }) },
  { selectivity: 0.01, filter: (q: number) => ({ group: `group-${(q * 37) % 100}` }) },
  { selectivity: 0.001, filter: (q: number) => ({ project: `project-${(q * 397) % 1_000}` }) },
] as const;
