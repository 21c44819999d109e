/*
 * Multi-head self-attention of one sequence, fp32: softmax(Q K^T / sqrt(32)) V for each of the
 * 12 heads. Only the sequence's own tokens take part (the graph's mask gives padded keys
 * exp(-10000) = 0, the same thing). Per head: Q and V copied into dense tiles, K transposed, the
 * scores as 4 x 64 register tiles, a softmax per row, then P V as 4 x 32 tiles.
 */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "encoder.h"
#include "vector-math.h"

enum {
  ROW = 3 * EQ_HIDDEN,
  /* Queries padded to whole 4-row tiles, keys to whole 64-column tiles. */
  QUERIES = EQ_MAX_POSITIONS + 4,
  KEYS = EQ_MAX_POSITIONS + 64,
};

/* queries [516][32], values [512][32], keys [32][576], scores [516][576], 1 / row sums [516]. */
size_t eq_attention_scratch_floats(void) {
  return (size_t)QUERIES * EQ_HEAD_SIZE + (size_t)EQ_MAX_POSITIONS * EQ_HEAD_SIZE + (size_t)EQ_HEAD_SIZE * KEYS +
         (size_t)QUERIES * KEYS + QUERIES;
}

/* scores[i0..i0+3][c0..c0+63] = q[i0..i0+3] . keys[.][c0..c0+63] x scale */
static inline void score_tile(const float *q, const float *keys, int keys_stride, float *scores, int stride,
                              __m512 scale) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  __m512 c0 = a0, c1 = a0, c2 = a0, c3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
  for (int d = 0; d < EQ_HEAD_SIZE; d++) {
    const float *k = keys + (size_t)d * keys_stride;
    const __m512 k0 = _mm512_load_ps(k), k1 = _mm512_load_ps(k + 16), k2 = _mm512_load_ps(k + 32),
                 k3 = _mm512_load_ps(k + 48);
    __m512 x = _mm512_set1_ps(q[d]);
    a0 = _mm512_fmadd_ps(x, k0, a0), a1 = _mm512_fmadd_ps(x, k1, a1), a2 = _mm512_fmadd_ps(x, k2, a2),
    a3 = _mm512_fmadd_ps(x, k3, a3);
    x = _mm512_set1_ps(q[EQ_HEAD_SIZE + d]);
    b0 = _mm512_fmadd_ps(x, k0, b0), b1 = _mm512_fmadd_ps(x, k1, b1), b2 = _mm512_fmadd_ps(x, k2, b2),
    b3 = _mm512_fmadd_ps(x, k3, b3);
    x = _mm512_set1_ps(q[2 * EQ_HEAD_SIZE + d]);
    c0 = _mm512_fmadd_ps(x, k0, c0), c1 = _mm512_fmadd_ps(x, k1, c1), c2 = _mm512_fmadd_ps(x, k2, c2),
    c3 = _mm512_fmadd_ps(x, k3, c3);
    x = _mm512_set1_ps(q[3 * EQ_HEAD_SIZE + d]);
    e0 = _mm512_fmadd_ps(x, k0, e0), e1 = _mm512_fmadd_ps(x, k1, e1), e2 = _mm512_fmadd_ps(x, k2, e2),
    e3 = _mm512_fmadd_ps(x, k3, e3);
  }
#define PUT(row, v0, v1, v2, v3)                                                   \
  _mm512_store_ps(scores + (size_t)(row) * stride, _mm512_mul_ps(v0, scale));      \
  _mm512_store_ps(scores + (size_t)(row) * stride + 16, _mm512_mul_ps(v1, scale)); \
  _mm512_store_ps(scores + (size_t)(row) * stride + 32, _mm512_mul_ps(v2, scale)); \
  _mm512_store_ps(scores + (size_t)(row) * stride + 48, _mm512_mul_ps(v3, scale))
  PUT(0, a0, a1, a2, a3);
  PUT(1, b0, b1, b2, b3);
  PUT(2, c0, c1, c2, c3);
  PUT(3, e0, e1, e2, e3);
#undef PUT
}

/* Softmax of one row of scores over `length` keys, in place; returns 1 / the sum of exponentials. */
static inline float softmax_row(float *row, int length) {
  const int blocks = (length + 15) / 16;
  const __mmask16 last = (__mmask16)(length % 16 == 0 ? 0xFFFF : (1u << (length % 16)) - 1);
  __m512 top = _mm512_set1_ps(-INFINITY);
  for (int b = 0; b < blocks; b++) {
    const __mmask16 m = b == blocks - 1 ? last : 0xFFFF;
    top = _mm512_mask_max_ps(top, m, top, _mm512_load_ps(row + 16 * b));
  }
  const __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(top));
  __m512 total = _mm512_setzero_ps();
  for (int b = 0; b < blocks; b++) {
    const __mmask16 m = b == blocks - 1 ? last : 0xFFFF;
    const __m512 e = _mm512_maskz_mov_ps(m, eq_exp(_mm512_sub_ps(_mm512_load_ps(row + 16 * b), max)));
    _mm512_store_ps(row + 16 * b, e);
    total = _mm512_add_ps(total, e);
  }
  return 1.0f / _mm512_reduce_add_ps(total);
}

/* out[r] = (p[r] . values) x inverse[r] for 4 rows of probabilities over `length` keys. */
static inline void weighted_tile(const float *p, int stride, const float *values, int length, const float *inverse,
                                 float *out, int rows) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, e0 = a0, e1 = a0;
  for (int j = 0; j < length; j++) {
    const __m512 v0 = _mm512_load_ps(values + (size_t)j * EQ_HEAD_SIZE);
    const __m512 v1 = _mm512_load_ps(values + (size_t)j * EQ_HEAD_SIZE + 16);
    __m512 x = _mm512_set1_ps(p[j]);
    a0 = _mm512_fmadd_ps(x, v0, a0), a1 = _mm512_fmadd_ps(x, v1, a1);
    x = _mm512_set1_ps(p[stride + j]);
    b0 = _mm512_fmadd_ps(x, v0, b0), b1 = _mm512_fmadd_ps(x, v1, b1);
    x = _mm512_set1_ps(p[2 * stride + j]);
    c0 = _mm512_fmadd_ps(x, v0, c0), c1 = _mm512_fmadd_ps(x, v1, c1);
    x = _mm512_set1_ps(p[3 * stride + j]);
    e0 = _mm512_fmadd_ps(x, v0, e0), e1 = _mm512_fmadd_ps(x, v1, e1);
  }
  const __m512 sums[4][2] = {{a0, a1}, {b0, b1}, {c0, c1}, {e0, e1}};
  for (int r = 0; r < rows; r++) {
    const __m512 s = _mm512_set1_ps(inverse[r]);
    _mm512_storeu_ps(out + (size_t)r * EQ_HIDDEN, _mm512_mul_ps(sums[r][0], s));
    _mm512_storeu_ps(out + (size_t)r * EQ_HIDDEN + 16, _mm512_mul_ps(sums[r][1], s));
  }
}

void eq_attention(const float *qkv, int length, float *context, float *scratch) {
  float *queries = scratch;
  float *values = queries + (size_t)QUERIES * EQ_HEAD_SIZE;
  float *keys = values + (size_t)EQ_MAX_POSITIONS * EQ_HEAD_SIZE;
  float *scores = keys + (size_t)EQ_HEAD_SIZE * KEYS;
  float *inverse = scores + (size_t)QUERIES * KEYS;
  const int query_rows = (length + 3) / 4 * 4;
  const int key_columns = (length + 63) / 64 * 64;
  const __m512 scale = _mm512_set1_ps(1.0f / sqrtf((float)EQ_HEAD_SIZE));
  for (int h = 0; h < EQ_HEADS; h++) {
    const float *q = qkv + h * EQ_HEAD_SIZE;
    const float *k = qkv + EQ_HIDDEN + h * EQ_HEAD_SIZE;
    const float *v = qkv + 2 * EQ_HIDDEN + h * EQ_HEAD_SIZE;
    for (int j = 0; j < length; j++) {
      memcpy(queries + (size_t)j * EQ_HEAD_SIZE, q + (size_t)j * ROW, sizeof(float) * EQ_HEAD_SIZE);
      memcpy(values + (size_t)j * EQ_HEAD_SIZE, v + (size_t)j * ROW, sizeof(float) * EQ_HEAD_SIZE);
      for (int d = 0; d < EQ_HEAD_SIZE; d++) keys[(size_t)d * KEYS + j] = k[(size_t)j * ROW + d];
    }
    memset(queries + (size_t)length * EQ_HEAD_SIZE, 0, sizeof(float) * EQ_HEAD_SIZE * (query_rows - length));
    for (int d = 0; d < EQ_HEAD_SIZE; d++)
      memset(keys + (size_t)d * KEYS + length, 0, sizeof(float) * (key_columns - length));
    for (int i = 0; i < query_rows; i += 4)
      for (int c = 0; c < key_columns; c += 64)
        score_tile(queries + (size_t)i * EQ_HEAD_SIZE, keys + c, KEYS, scores + (size_t)i * KEYS + c, KEYS, scale);
    for (int i = 0; i < length; i++) inverse[i] = softmax_row(scores + (size_t)i * KEYS, length);
    for (int i = 0; i < length; i += 4)
      weighted_tile(scores + (size_t)i * KEYS, KEYS, values, length, inverse + i,
                    context + (size_t)i * EQ_HIDDEN + h * EQ_HEAD_SIZE, length - i < 4 ? length - i : 4);
  }
}
