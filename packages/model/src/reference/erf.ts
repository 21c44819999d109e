/**
 * The error function erf(x) = 2/sqrt(pi) * integral from 0 to x of exp(-t^2) dt, in float64,
 * accurate to a few units in the last place (absolute error well below 1e-14 everywhere).
 *
 * It sums the series of Abramowitz & Stegun 7.1.6,
 *
 *   erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_{n>=0} 2^n x^(2n+1) / (1 * 3 * 5 * ... * (2n+1)),
 *
 * whose terms are all of one sign, so nothing cancels (the plain Taylor series loses digits
 * to cancellation for |x| > 2). Each term is the previous one times 2x^2/(2n+1); the sum stops
 * once a term no longer changes it. Past |x| = 6, erfc(|x|) < 2.2e-17 is below half an ulp
 * of 1, so erf is +-1 exactly in float64. Slow next to a rational approximation (up to ~150
 * terms near |x| = 6), which is fine for a reference implementation.
 */
const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2 / sqrt(pi)
const SATURATION = 6;

export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return -erf(-x);
  if (x >= SATURATION) return 1;
  if (x === 0) return 0;
  const twoXSquared = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; ; n++) {
    term *= twoXSquared / (2 * n + 1);
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}

/** The exact GELU of BERT's `hidden_act: "gelu"`: 0.5 * x * (1 + erf(x / sqrt(2))). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}
