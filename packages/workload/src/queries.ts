import { createPrng, deriveSeed, type Prng } from './prng.js';
import { capitalise } from './text.js';
import { assertNonNegativeInteger, assertSeed } from './validate.js';
import {
  CHEMICALS,
  MATERIALS,
  MOLECULES,
  ORGANISMS,
  PROCESSES,
  PROPERTIES,
  TECHNIQUES,
} from './vocabulary.js';

export const DEFAULT_QUERY_SEED = 7;
export const MIN_QUERY_WORDS = 5;
export const MAX_QUERY_WORDS = 15;

/** Question shapes over the chunk vocabulary, so retrieval tests have something to find. */
const QUESTIONS: readonly ((rng: Prng) => string)[] = [
  (rng) => `How does ${rng.pick(CHEMICALS)} affect ${rng.pick(PROPERTIES)} in ${rng.pick(ORGANISMS)}?`,
  (rng) => `What is the effect of ${rng.pick(CHEMICALS)} on ${rng.pick(PROCESSES)}?`,
  (rng) => `Which technique measures the ${rng.pick(PROPERTIES)} of ${rng.pick(MATERIALS)}?`,
  (rng) => `Is ${rng.pick(MOLECULES)} required for ${rng.pick(PROCESSES)}?`,
  (rng) => `${rng.pick(TECHNIQUES)} results for ${rng.pick(MATERIALS)}`,
  (rng) => `How does ${rng.pick(MOLECULES)} regulate ${rng.pick(PROCESSES)} in ${rng.pick(ORGANISMS)}?`,
  (rng) => `What limits the ${rng.pick(PROPERTIES)} of ${rng.pick(MATERIALS)}?`,
  (rng) => `Why does ${rng.pick(PROCESSES)} change the ${rng.pick(PROPERTIES)} of ${rng.pick(MATERIALS)}?`,
  (rng) => `Role of ${rng.pick(MOLECULES)} in ${rng.pick(PROCESSES)} and ${rng.pick(PROCESSES)}`,
];

function wordCount(text: string): number {
  return text.split(' ').length;
}

function buildQuery(index: number, seed: number): string {
  const rng = createPrng(deriveSeed(seed, index));
  // Redraw until the length fits; the bounds are loose enough that this ends in a few draws.
  for (;;) {
    const query = capitalise(rng.pick(QUESTIONS)(rng));
    const words = wordCount(query);
    if (words >= MIN_QUERY_WORDS && words <= MAX_QUERY_WORDS) return query;
  }
}

/** Query `index` of the seed queries: depends only on (seed, index). */
export function seedQuery(index: number, seed: number = DEFAULT_QUERY_SEED): string {
  assertNonNegativeInteger(index, 'index');
  assertSeed(seed);
  return buildQuery(index, seed);
}

/** `count` deterministic short (5-15 words) questions over the seed workload's vocabulary. */
export function generateSeedQueries(count: number, seed: number = DEFAULT_QUERY_SEED): string[] {
  assertNonNegativeInteger(count, 'count');
  assertSeed(seed);
  const queries = new Array<string>(count);
  for (let index = 0; index < count; index++) queries[index] = buildQuery(index, seed);
  return queries;
}
