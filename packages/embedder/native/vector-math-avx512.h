/* exp and GELU over 16 floats (AVX-512), for softmax and the FFN. */
#ifndef EMBEDQ_VECTOR_MATH_AVX512_H
#define EMBEDQ_VECTOR_MATH_AVX512_H

#include <immintrin.h>

/* Cephes' expf: e^x = 2^n e^r, |r| <= ln2 / 2, e^r by a degree-6 polynomial. */
static inline __m512 eq_exp(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.33654f)), _mm512_set1_ps(88.72283f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}

/*
 * BERT's exact GELU, x/2 (1 + erf(x / sqrt 2)), with erf from Abramowitz and Stegun 7.1.28:
 * 1 - 1 / (1 + a1 z + ... + a6 z^6)^16, absolute error under 3e-7 (GELU within 1e-6 of libm's
 * over [-1000, 1000]): a polynomial, a reciprocal and four squarings, no exp and no divide.
 */
static inline __m512 eq_gelu(__m512 x) {
  const __m512 z = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f));
  /* erf(|z|) is 1 in float beyond 6; clamped so p^16 stays finite (rcp14(inf) x inf is NaN). */
  const __m512 a = _mm512_min_ps(_mm512_abs_ps(z), _mm512_set1_ps(6.0f));
  __m512 p = _mm512_set1_ps(0.0000430638f);
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(0.0002765672f));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(0.0001520143f));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(0.0092705272f));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(0.0422820123f));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(0.0705230784f));
  p = _mm512_fmadd_ps(p, a, _mm512_set1_ps(1.0f));
  p = _mm512_mul_ps(p, p);
  p = _mm512_mul_ps(p, p);
  p = _mm512_mul_ps(p, p);
  p = _mm512_mul_ps(p, p);
  /* 1 / p^16 by a 14-bit reciprocal and one Newton step. */
  const __m512 guess = _mm512_rcp14_ps(p);
  const __m512 inverse = _mm512_mul_ps(guess, _mm512_fnmadd_ps(p, guess, _mm512_set1_ps(2.0f)));
  const __m512 erf_abs = _mm512_sub_ps(_mm512_set1_ps(1.0f), inverse);
  /* The sign of z comes back through a mask: 1 + erf(z) is 1 + erf|z| or 1 - erf|z|. */
  const __mmask16 negative = _mm512_cmp_ps_mask(z, _mm512_setzero_ps(), _CMP_LT_OQ);
  const __m512 one_plus = _mm512_mask_sub_ps(_mm512_add_ps(_mm512_set1_ps(1.0f), erf_abs), negative,
                                             _mm512_set1_ps(1.0f), erf_abs);
  return _mm512_mul_ps(_mm512_mul_ps(x, _mm512_set1_ps(0.5f)), one_plus);
}

#endif
