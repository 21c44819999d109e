/**
 * A small seeded pseudo-random number generator (mulberry32 seeded through splitmix32).
 * The seed workload must be identical on every machine and Node version, so nothing here may
 * touch `Math.random` or any platform source of randomness.
 */
export interface Prng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  float(min: number, max: number): number;
  /** True with probability `probability`. */
  chance(probability: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** splitmix32 finaliser: spreads nearby inputs (seed 1, seed 2, ...) over the whole 32-bit space. */
export function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Derives an independent stream seed for item `index` of a sequence, so item i never depends on
 * how many items came before it (this is what makes the workload prefix-stable).
 */
export function deriveSeed(seed: number, index: number): number {
  return mix32(mix32(seed) ^ mix32(index + 0x632be5ab));
}

export function createPrng(seed: number): Prng {
  let state = mix32(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
  };
}
