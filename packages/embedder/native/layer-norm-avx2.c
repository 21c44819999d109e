/* LayerNormalization over the hidden size (epsilon 1e-12, as BERT), with the residual added first; AVX2. */
#include <immintrin.h>
#include <math.h>

#include "encoder.h"
#include "vector-math-avx2.h"

enum { VECTORS = EQ_HIDDEN / 8 };

void eq_layer_norm_avx2(float *x, const float *add, int rows, const eq_norm *norm) {
  for (int r = 0; r < rows; r++) {
    float *row = x + (size_t)r * EQ_HIDDEN;
    /* 48 vectors do not fit 16 registers: the row is summed in place, then read back from L1. */
    /* Two sums apart, so the adds do not wait on each other's latency. */
    __m256 sum[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int i = 0; i < VECTORS; i++) {
      __m256 v = _mm256_loadu_ps(row + 8 * i);
      if (add) {
        v = _mm256_add_ps(v, _mm256_loadu_ps(add + (size_t)r * EQ_HIDDEN + 8 * i));
        _mm256_storeu_ps(row + 8 * i, v);
      }
      sum[i & 1] = _mm256_add_ps(sum[i & 1], v);
    }
    const __m256 mean = _mm256_set1_ps(eq_sum8(_mm256_add_ps(sum[0], sum[1])) / EQ_HIDDEN);
    __m256 squares[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int i = 0; i < VECTORS; i++) {
      const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + 8 * i), mean);
      squares[i & 1] = _mm256_fmadd_ps(d, d, squares[i & 1]);
    }
    const float variance = eq_sum8(_mm256_add_ps(squares[0], squares[1])) / EQ_HIDDEN;
    const __m256 inverse = _mm256_set1_ps(1.0f / sqrtf(variance + 1e-12f));
    for (int i = 0; i < VECTORS; i++) {
      const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + 8 * i), mean);
      const __m256 scaled = _mm256_mul_ps(_mm256_mul_ps(d, inverse), _mm256_loadu_ps(norm->gamma + 8 * i));
      _mm256_storeu_ps(row + 8 * i, _mm256_add_ps(scaled, _mm256_loadu_ps(norm->beta + 8 * i)));
    }
  }
}
