/* LayerNormalization over the hidden size (epsilon 1e-12, as BERT), with the residual added first; AVX-512. */
#include <immintrin.h>
#include <math.h>

#include "encoder.h"

enum { VECTORS = EQ_HIDDEN / 16 };

void eq_layer_norm_avx512(float *x, const float *add, int rows, const eq_norm *norm) {
  for (int r = 0; r < rows; r++) {
    float *row = x + (size_t)r * EQ_HIDDEN;
    __m512 v[VECTORS];
    __m512 sum = _mm512_setzero_ps();
    for (int i = 0; i < VECTORS; i++) {
      v[i] = _mm512_loadu_ps(row + 16 * i);
      if (add) v[i] = _mm512_add_ps(v[i], _mm512_loadu_ps(add + (size_t)r * EQ_HIDDEN + 16 * i));
      sum = _mm512_add_ps(sum, v[i]);
    }
    const __m512 mean = _mm512_set1_ps(_mm512_reduce_add_ps(sum) / EQ_HIDDEN);
    __m512 squares = _mm512_setzero_ps();
    for (int i = 0; i < VECTORS; i++) {
      v[i] = _mm512_sub_ps(v[i], mean);
      squares = _mm512_fmadd_ps(v[i], v[i], squares);
    }
    const float variance = _mm512_reduce_add_ps(squares) / EQ_HIDDEN;
    const __m512 inverse = _mm512_set1_ps(1.0f / sqrtf(variance + 1e-12f));
    for (int i = 0; i < VECTORS; i++) {
      const __m512 scaled = _mm512_mul_ps(_mm512_mul_ps(v[i], inverse), _mm512_loadu_ps(norm->gamma + 16 * i));
      _mm512_storeu_ps(row + 16 * i, _mm512_add_ps(scaled, _mm512_loadu_ps(norm->beta + 16 * i)));
    }
  }
}
