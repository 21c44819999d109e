/* exp2 and GELU over 16 floats (AVX-512), for softmax and the FFN: the AVX2 set's formulas. */
#ifndef EMBEDQ_VECTOR_MATH_AVX512_H
#define EMBEDQ_VECTOR_MATH_AVX512_H

#include <immintrin.h>

#include "vector-math-constants.h"

/* 2^x for x <= 0 as eq_exp2_8 (vector-math-avx2.h) computes it, with roundscale and scalef. */
static inline __m512 eq_exp2(__m512 x) {
  x = _mm512_max_ps(x, _mm512_set1_ps(-126.0f));
  const __m512 n = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 f = _mm512_sub_ps(x, n);
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(EQ_EXP2_C5), f, _mm512_set1_ps(EQ_EXP2_C4));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(EQ_EXP2_C3));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(EQ_EXP2_C2));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(EQ_EXP2_C1));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(EQ_EXP2_C0));
  return _mm512_scalef_ps(p, n);
}

/* BERT's exact GELU as eq_gelu8 (vector-math-avx2.h) computes it, with a 14-bit reciprocal. */
static inline __m512 eq_gelu(__m512 x) {
  const __m512 u = _mm512_abs_ps(x);
  const __m512 a = _mm512_min_ps(u, _mm512_set1_ps(EQ_GELU_CLAMP));
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(EQ_GELU_P6), a, _mm512_set1_ps(EQ_GELU_P5));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(EQ_GELU_P4));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(EQ_GELU_P3));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(EQ_GELU_P2));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(EQ_GELU_P1));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(EQ_GELU_P0));
  p = _mm512_mul_ps(p, p);
  p = _mm512_mul_ps(p, p);
  p = _mm512_mul_ps(p, p);
  p = _mm512_mul_ps(p, p);
  const __m512 guess = _mm512_rcp14_ps(p);
  const __m512 half_erfc = _mm512_mul_ps(guess, _mm512_fnmadd_ps(p, guess, _mm512_set1_ps(2.0f)));
  return _mm512_fnmadd_ps(u, half_erfc, _mm512_max_ps(x, _mm512_setzero_ps()));
}

#endif
