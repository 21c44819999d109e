/* exp2 and GELU over 8 floats (AVX2 + FMA), and horizontal reductions. */
#ifndef EMBEDQ_VECTOR_MATH_AVX2_H
#define EMBEDQ_VECTOR_MATH_AVX2_H

#include <immintrin.h>

#include "vector-math-constants.h"

/*
 * 2^x for x <= 0, softmax's exponential in base 2 (attention scales its scores by log2(e) first, so
 * the range reduction is one subtraction, exact). x is clamped at -126 so 2^n stays a normal float.
 * Adding 1.5 x 2^23 + 127 rounds x to an integer n in the low mantissa bits, already biased: shifted
 * left by 23 they are 2^n's exponent field. 2^f on [-0.5, 0.5] by a degree-5 minimax polynomial
 * (relative error 9e-8 before rounding).
 */
static inline __m256 eq_exp2_8(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(-126.0f));
  const __m256 shifter = _mm256_set1_ps(12582912.0f + 127.0f);
  const __m256 t = _mm256_add_ps(x, shifter);
  const __m256 f = _mm256_sub_ps(x, _mm256_sub_ps(t, shifter));
  __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(EQ_EXP2_C5), f, _mm256_set1_ps(EQ_EXP2_C4));
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(EQ_EXP2_C3));
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(EQ_EXP2_C2));
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(EQ_EXP2_C1));
  p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(EQ_EXP2_C0));
  return _mm256_mul_ps(p, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(t), 23)));
}

/*
 * BERT's exact GELU, x Phi(x), in 17 operations, 13 of them multiplies or FMAs (which share ports
 * with the GEMM's multiplies) and a reciprocal. Phi is even about 1/2, so with u = |x|: GELU(x) = max(x, 0) - u erfc(u / sqrt 2) / 2,
 * with no sign select. erfc(u / sqrt 2) / 2 is 1 / p(u)^16, the form of Abramowitz and Stegun 7.1.28,
 * with p's degree-6 coefficients refitted (minimax on u in [0, 9]) for the error of GELU itself and
 * scaled by 2^(1/16) for the halving: 2.5e-7 absolute before rounding, against up to 1e-6 with the
 * book's coefficients for erf. u is clamped at 8.5, where erfc is below 1e-16 and p^16 stays finite.
 */
static inline __m256 eq_gelu8(__m256 x) {
  const __m256 u = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
  const __m256 a = _mm256_min_ps(u, _mm256_set1_ps(EQ_GELU_CLAMP));
  __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(EQ_GELU_P6), a, _mm256_set1_ps(EQ_GELU_P5));
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(EQ_GELU_P4));
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(EQ_GELU_P3));
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(EQ_GELU_P2));
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(EQ_GELU_P1));
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(EQ_GELU_P0));
  p = _mm256_mul_ps(p, p);
  p = _mm256_mul_ps(p, p);
  p = _mm256_mul_ps(p, p);
  p = _mm256_mul_ps(p, p);
  /* 1 / p^16 from a 12-bit reciprocal and one Newton step (about 23 bits). */
  const __m256 guess = _mm256_rcp_ps(p);
  const __m256 half_erfc = _mm256_mul_ps(guess, _mm256_fnmadd_ps(p, guess, _mm256_set1_ps(2.0f)));
  return _mm256_fnmadd_ps(u, half_erfc, _mm256_max_ps(x, _mm256_setzero_ps()));
}

/* Horizontal sum, min and max of 8 floats. */
static inline float eq_sum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}
static inline float eq_min8(__m256 v) {
  __m128 s = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_min_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_min_ss(s, _mm_movehdup_ps(s)));
}
static inline float eq_max8(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_max_ss(s, _mm_movehdup_ps(s)));
}

#endif
