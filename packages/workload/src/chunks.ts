import { createPrng, deriveSeed, type Prng } from './prng.js';
import { capitalise } from './text.js';
import { assertNonNegativeInteger, assertSeed } from './validate.js';
import {
  ADJECTIVES,
  APPROACHES,
  CHEMICALS,
  CONCLUSION_VERBS,
  DECREASE_VERBS,
  FIELDS,
  GREEK_LETTERS,
  HEDGES,
  INCREASE_VERBS,
  MATERIALS,
  MOLECULES,
  ORGANISMS,
  PROCESSES,
  PROPERTIES,
  ROLES,
  STUDY_VERBS,
  SURNAMES,
  TECHNIQUES,
  UNITS,
} from './vocabulary.js';

export const MIN_CHUNK_CHARS = 100;
export const MAX_CHUNK_CHARS = 500;
export const DEFAULT_CHUNK_SEED = 42;

/** Fixed decimals (no exponent, no locale) so output never depends on the platform. */
function decimal(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

function measurement(rng: Prng): string {
  const { unit, min, max } = rng.pick(UNITS);
  const value = rng.float(min, max);
  const decimals = Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0;
  const error = Math.abs(value) * rng.float(0.02, 0.15);
  return rng.chance(0.5)
    ? `${decimal(value, decimals)} ± ${decimal(error, decimals)} ${unit}`
    : `${decimal(value, decimals)} ${unit}`;
}

function percent(rng: Prng): string {
  return `${decimal(rng.float(1.5, 95), 1)}%`;
}

function pValue(rng: Prng): string {
  return rng.chance(0.5)
    ? rng.pick(['p < 0.05', 'p < 0.01', 'p < 0.001'])
    : `p = ${decimal(rng.float(0.001, 0.049), 3)}`;
}

function sampleSize(rng: Prng): string {
  return `n = ${rng.int(3, 480)}`;
}

function citation(rng: Prng): string {
  const year = rng.int(1998, 2024);
  const first = rng.pick(SURNAMES);
  const shape = rng.next();
  if (shape < 0.6) return `${first} et al., ${year}`;
  if (shape < 0.85) return `${first} and ${rng.pick(SURNAMES)}, ${year}`;
  return `${first} et al., ${year}; ${rng.pick(SURNAMES)} et al., ${rng.int(1998, 2024)}`;
}

function subject(rng: Prng): string {
  const kind = rng.next();
  if (kind < 0.35) return rng.pick(MATERIALS);
  if (kind < 0.65) return rng.pick(ORGANISMS);
  if (kind < 0.85) return `${rng.pick(MOLECULES)} signalling in ${rng.pick(ORGANISMS)}`;
  return `${rng.pick(CHEMICALS)}-treated ${rng.pick(ORGANISMS)}`;
}

function change(rng: Prng): string {
  return rng.chance(0.5) ? rng.pick(INCREASE_VERBS) : rng.pick(DECREASE_VERBS);
}

/** Each template is one sentence shape of an abstract: aim, method, result, comparison, conclusion. */
const SENTENCES: readonly ((rng: Prng) => string)[] = [
  (rng) =>
    `Here, we ${rng.pick(STUDY_VERBS)} the ${rng.pick(PROPERTIES)} of ${subject(rng)} using ${rng.pick(TECHNIQUES)}.`,
  (rng) =>
    `We present ${rng.pick(APPROACHES)} for controlling ${rng.pick(PROCESSES)} in ${rng.pick(FIELDS)} applications.`,
  (rng) =>
    `Treatment with ${rng.pick(CHEMICALS)} (${measurement(rng)}) ${change(rng)} the ${rng.pick(PROPERTIES)} by ${percent(rng)} relative to controls (${sampleSize(rng)}, ${pValue(rng)}).`,
  (rng) =>
    `${rng.pick(TECHNIQUES)} revealed a ${rng.pick(ADJECTIVES)} change in ${rng.pick(PROPERTIES)}, reaching ${measurement(rng)}.`,
  (rng) =>
    `The ${rng.pick(PROPERTIES)} of ${rng.pick(MATERIALS)} was ${measurement(rng)}, compared with ${measurement(rng)} for the unmodified samples.`,
  (rng) =>
    `These results ${rng.pick(CONCLUSION_VERBS)} that ${rng.pick(MOLECULES)} is ${rng.pick(ROLES)} for ${rng.pick(PROCESSES)} (${citation(rng)}).`,
  (rng) =>
    `${rng.pick(HEDGES)} ${rng.pick(PROCESSES)} was ${change(rng)} in ${rng.pick(ORGANISMS)} exposed to ${rng.pick(CHEMICALS)}.`,
  (rng) =>
    `In agreement with earlier work (${citation(rng)}), the ${rng.pick(GREEK_LETTERS)}-phase showed a ${rng.pick(ADJECTIVES)} ${rng.pick(PROPERTIES)}.`,
  (rng) =>
    `Samples were annealed at ${rng.int(150, 900)} °C for ${rng.int(1, 48)} h and characterised by ${rng.pick(TECHNIQUES)} and ${rng.pick(TECHNIQUES)}.`,
  (rng) =>
    `The fitted ${rng.pick(GREEK_LETTERS)} value was ${decimal(rng.float(0.01, 9.9), 2)} (95% CI ${decimal(rng.float(0.01, 1), 2)}-${decimal(rng.float(1, 12), 2)}; ${sampleSize(rng)}).`,
  (rng) =>
    `${rng.pick(MOLECULES)} knockdown ${change(rng)} ${rng.pick(PROCESSES)} by ${percent(rng)} (${pValue(rng)}), whereas ${rng.pick(MOLECULES)} levels remained unchanged.`,
  (rng) =>
    `Our findings provide a ${rng.pick(ADJECTIVES)} basis for the design of ${rng.pick(MATERIALS)} with tunable ${rng.pick(PROPERTIES)}.`,
  (rng) => `${rng.pick(HEDGES)} the effect persisted for ${rng.int(2, 30)} days after withdrawal.`,
  (rng) =>
    `Compared with ${rng.pick(MATERIALS)}, the composite exhibited a ${decimal(rng.float(1.1, 9.5), 1)}-fold higher ${rng.pick(PROPERTIES)}.`,
];

function sentence(rng: Prng): string {
  return capitalise(rng.pick(SENTENCES)(rng));
}

/** Cuts at the last word boundary at or before `limit`, so a chunk never ends mid-word. */
function cutAtWord(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const space = text.lastIndexOf(' ', limit);
  return text.slice(0, space > MIN_CHUNK_CHARS ? space : limit);
}

/**
 * Target lengths: a triangular spread over 95-470 characters (sum of two uniforms, no platform
 * dependency), like paragraphs cut by a chunker. Tuned so that the model's tokenizer sees a mean
 * of ~65 word pieces per chunk and a p99 of ~113, the figures of the performance model.
 */
const TARGET_MIN_CHARS = 95;
const TARGET_SPREAD_CHARS = 375;

function targetLength(rng: Prng): number {
  return Math.round(TARGET_MIN_CHARS + (rng.next() + rng.next()) * 0.5 * TARGET_SPREAD_CHARS);
}

/** Chunk `index` of the seed workload: depends only on (seed, index). */
export function seedChunk(index: number, seed: number = DEFAULT_CHUNK_SEED): string {
  assertNonNegativeInteger(index, 'index');
  assertSeed(seed);
  return buildChunk(index, seed);
}

function buildChunk(index: number, seed: number): string {
  const rng = createPrng(deriveSeed(seed, index));
  const target = targetLength(rng);
  // At least two sentences: a lone short sentence has few enough variants to repeat in 20k chunks.
  let text = `${sentence(rng)} ${sentence(rng)}`;
  for (;;) {
    const next = sentence(rng);
    const fits = text.length + 1 + next.length <= target;
    if (!fits && text.length >= MIN_CHUNK_CHARS) break;
    text = `${text} ${next}`;
  }
  return cutAtWord(text, MAX_CHUNK_CHARS);
}

/**
 * `count` deterministic synthetic abstract-like chunks of 100-500 characters. Prefix-stable:
 * the first n chunks of a larger request equal a request for n.
 */
export function generateSeedChunks(count: number, seed: number = DEFAULT_CHUNK_SEED): string[] {
  assertNonNegativeInteger(count, 'count');
  assertSeed(seed);
  const chunks = new Array<string>(count);
  for (let index = 0; index < count; index++) chunks[index] = buildChunk(index, seed);
  return chunks;
}
