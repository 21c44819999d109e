/** Counts and indices come from CLI flags and HTTP bodies: reject NaN, fractions and negatives loudly. */
export function assertNonNegativeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Seeds are mixed as 32-bit integers; a fraction or NaN would silently collapse to another seed. */
export function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be an integer, got ${String(seed)}`);
  }
}
