/* exp2 and GELU over 16 floats (AVX-512), for softmax and the FFN: the AVX2 set's formulas. */
#ifndef EMBEDQ_VECTOR_MATH_AVX512_H
#define EMBEDQ_VECTOR_MATH_AVX512_H

#include <immintrin.h>

/* 2^x for x <= 0 as eq_exp2_8 (vector-math-avx2.h) computes it, with roundscale and scalef. */
static inline __m512 eq_exp2(__m512 x) {
  x = _mm512_max_ps(x, _mm512_set1_ps(-126.0f));
  const __m512 n = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 f = _mm512_sub_ps(x, n);
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(0.001326465946f), f, _mm512_set1_ps(0.009671495491f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(0.05550733749f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(0.2402224235f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(0.6931469777f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

/* BERT's exact GELU as eq_gelu8 (vector-math-avx2.h) computes it, with a 14-bit reciprocal. */
static inline __m512 eq_gelu(__m512 x) {
  const __m512 u = _mm512_abs_ps(x);
  const __m512 a = _mm512_min_ps(u, _mm512_set1_ps(8.5f));
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(6.613346735e-06f), a, _mm512_set1_ps(4.321620577e-05f));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(6.236152407e-05f));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(0.003393175498f));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(0.02209401083f));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(0.05207181145f));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(1.044273782f));
  p = _mm512_mul_ps(p, p);
  p = _mm512_mul_ps(p, p);
  p = _mm512_mul_ps(p, p);
  p = _mm512_mul_ps(p, p);
  const __m512 guess = _mm512_rcp14_ps(p);
  const __m512 half_erfc = _mm512_mul_ps(guess, _mm512_fnmadd_ps(p, guess, _mm512_set1_ps(2.0f)));
  return _mm512_fnmadd_ps(u, half_erfc, _mm512_max_ps(x, _mm512_setzero_ps()));
}

#endif
