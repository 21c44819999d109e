/* exp and GELU over 8 floats (AVX2 + FMA): the AVX-512 versions' formulas without scalef, rcp14 or masks. */
#ifndef EMBEDQ_VECTOR_MATH_AVX2_H
#define EMBEDQ_VECTOR_MATH_AVX2_H

#include <immintrin.h>

/*
 * Cephes' expf as eq_exp, with 2^n built in the exponent bits. Clamped to [-87.3, 88]: n stays in
 * [-126, 127], a normal float (softmax only asks for x <= 0).
 */
static inline __m256 eq_exp8(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.33654f)), _mm256_set1_ps(88.0f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i power = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(power));
}

/* BERT's exact GELU with erf from Abramowitz and Stegun 7.1.28, as eq_gelu (vector-math-avx512.h). */
static inline __m256 eq_gelu8(__m256 x) {
  const __m256 z = _mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f));
  const __m256 a = _mm256_min_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), z), _mm256_set1_ps(6.0f));
  __m256 p = _mm256_set1_ps(0.0000430638f);
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(0.0002765672f));
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(0.0001520143f));
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(0.0092705272f));
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(0.0422820123f));
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(0.0705230784f));
  p = _mm256_fmadd_ps(p, a, _mm256_set1_ps(1.0f));
  p = _mm256_mul_ps(p, p);
  p = _mm256_mul_ps(p, p);
  p = _mm256_mul_ps(p, p);
  p = _mm256_mul_ps(p, p);
  /* 1 / p^16 from a 12-bit reciprocal and one Newton step (about 23 bits). */
  const __m256 guess = _mm256_rcp_ps(p);
  const __m256 inverse = _mm256_mul_ps(guess, _mm256_fnmadd_ps(p, guess, _mm256_set1_ps(2.0f)));
  const __m256 erf_abs = _mm256_sub_ps(_mm256_set1_ps(1.0f), inverse);
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 negative = _mm256_cmp_ps(z, _mm256_setzero_ps(), _CMP_LT_OQ);
  const __m256 one_plus = _mm256_blendv_ps(_mm256_add_ps(one, erf_abs), _mm256_sub_ps(one, erf_abs), negative);
  return _mm256_mul_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.5f)), one_plus);
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
