/*
 * Multi-head self-attention of one sequence, fp32, with AVX2: the AVX-512 version's plan
 * (attention-avx512.c) in 8-float registers. Per head: Q and V copied into dense tiles, K
 * transposed in 8 x 8 blocks, the scores as register tiles of 4 queries x 8-24 keys (scaled by
 * log2(e) / sqrt(32), so the softmax takes 2^x), a softmax per row, then P V as 6 x 16 tiles (4 x 16
 * for the last rows), twice per head.
 */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "encoder.h"
#include "vector-math-avx2.h"

enum { ROW = 3 * EQ_HIDDEN, QUERIES = EQ_ATTENTION_QUERIES, KEYS = EQ_ATTENTION_KEYS };

/* scores[4 rows][8 x BLOCKS keys] = q[4 rows] . keys x scale, in 4 x BLOCKS registers. */
#define SCORE_TILE(BLOCKS)                                                                             \
  static inline void score_tile_##BLOCKS(const float *q, const float *keys, float *scores, __m256 scale) { \
    __m256 acc[4][BLOCKS];                                                                             \
    for (int r = 0; r < 4; r++)                                                                        \
      for (int b = 0; b < BLOCKS; b++) acc[r][b] = _mm256_setzero_ps();                                \
    for (int d = 0; d < EQ_HEAD_SIZE; d++) {                                                           \
      __m256 k[BLOCKS];                                                                                \
      for (int b = 0; b < BLOCKS; b++) k[b] = _mm256_load_ps(keys + (size_t)d * KEYS + 8 * b);         \
      for (int r = 0; r < 4; r++) {                                                                    \
        const __m256 x = _mm256_broadcast_ss(q + r * EQ_HEAD_SIZE + d);                                \
        for (int b = 0; b < BLOCKS; b++) acc[r][b] = _mm256_fmadd_ps(x, k[b], acc[r][b]);              \
      }                                                                                                \
    }                                                                                                  \
    for (int r = 0; r < 4; r++)                                                                        \
      for (int b = 0; b < BLOCKS; b++)                                                                 \
        _mm256_store_ps(scores + (size_t)r * KEYS + 8 * b, _mm256_mul_ps(acc[r][b], scale));           \
  }
/* One block: 4 chains would wait on the FMA latency, so even and odd channels sum apart. */
static inline void score_tile_1(const float *q, const float *keys, float *scores, __m256 scale) {
  __m256 even[4], odd[4];
  for (int r = 0; r < 4; r++) even[r] = odd[r] = _mm256_setzero_ps();
  for (int d = 0; d < EQ_HEAD_SIZE; d += 2) {
    const __m256 k0 = _mm256_load_ps(keys + (size_t)d * KEYS), k1 = _mm256_load_ps(keys + (size_t)(d + 1) * KEYS);
    for (int r = 0; r < 4; r++) {
      even[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(q + r * EQ_HEAD_SIZE + d), k0, even[r]);
      odd[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(q + r * EQ_HEAD_SIZE + d + 1), k1, odd[r]);
    }
  }
  for (int r = 0; r < 4; r++)
    _mm256_store_ps(scores + (size_t)r * KEYS, _mm256_mul_ps(_mm256_add_ps(even[r], odd[r]), scale));
}
SCORE_TILE(2)
SCORE_TILE(3)

static void score_rows(const float *q, const float *keys, int blocks, float *scores, __m256 scale) {
  int b = 0;
  for (; b + 3 <= blocks; b += 3) score_tile_3(q, keys + 8 * b, scores + 8 * b, scale);
  switch (blocks - b) {
    case 2: score_tile_2(q, keys + 8 * b, scores + 8 * b, scale); break;
    case 1: score_tile_1(q, keys + 8 * b, scores + 8 * b, scale); break;
    default: break;
  }
}

/* Softmax of one row of scores over `length` keys, in place; returns 1 / the sum of exponentials. */
static inline float softmax_row(float *row, int length) {
  const int blocks = (length + 7) / 8;
  /* Lanes of the last block that hold keys of the sequence. */
  const __m256 last = _mm256_castsi256_ps(
      _mm256_cmpgt_epi32(_mm256_set1_epi32(length - 8 * (blocks - 1)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
  const __m256 minus_infinity = _mm256_set1_ps(-INFINITY);
  __m256 top = minus_infinity;
  for (int b = 0; b < blocks; b++) {
    __m256 v = _mm256_load_ps(row + 8 * b);
    if (b == blocks - 1) v = _mm256_blendv_ps(minus_infinity, v, last);
    top = _mm256_max_ps(top, v);
  }
  const __m256 max = _mm256_set1_ps(eq_max8(top));
  __m256 total = _mm256_setzero_ps();
  for (int b = 0; b < blocks; b++) {
    __m256 e = eq_exp2_8(_mm256_sub_ps(_mm256_load_ps(row + 8 * b), max));
    if (b == blocks - 1) e = _mm256_and_ps(e, last);
    _mm256_store_ps(row + 8 * b, e);
    total = _mm256_add_ps(total, e);
  }
  return 1.0f / eq_sum8(total);
}

/*
 * out[r][0..15] = (p[r] . values[.][0..15]) x inverse[r] for up to 4 rows of probabilities over
 * `length` keys: the tail after the 6-row tiles. Rows past `rows` repeat the last one (read, never
 * stored), so nothing past the rows the scores hold is read.
 */
static inline void weighted_tile(const float *p, int stride, const float *values, int length, const float *inverse,
                                 float *out, int rows) {
  const float *p1 = p + (size_t)(rows > 1 ? 1 : 0) * stride, *p2 = p + (size_t)(rows > 2 ? 2 : rows - 1) * stride;
  const float *p3 = p + (size_t)(rows > 3 ? 3 : rows - 1) * stride;
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, e0 = a0, e1 = a0;
  for (int j = 0; j < length; j++) {
    const __m256 v0 = _mm256_load_ps(values + (size_t)j * EQ_HEAD_SIZE);
    const __m256 v1 = _mm256_load_ps(values + (size_t)j * EQ_HEAD_SIZE + 8);
    __m256 x = _mm256_broadcast_ss(p + j);
    a0 = _mm256_fmadd_ps(x, v0, a0), a1 = _mm256_fmadd_ps(x, v1, a1);
    x = _mm256_broadcast_ss(p1 + j);
    b0 = _mm256_fmadd_ps(x, v0, b0), b1 = _mm256_fmadd_ps(x, v1, b1);
    x = _mm256_broadcast_ss(p2 + j);
    c0 = _mm256_fmadd_ps(x, v0, c0), c1 = _mm256_fmadd_ps(x, v1, c1);
    x = _mm256_broadcast_ss(p3 + j);
    e0 = _mm256_fmadd_ps(x, v0, e0), e1 = _mm256_fmadd_ps(x, v1, e1);
  }
  const __m256 sums[4][2] = {{a0, a1}, {b0, b1}, {c0, c1}, {e0, e1}};
  for (int r = 0; r < rows; r++) {
    const __m256 s = _mm256_set1_ps(inverse[r]);
    _mm256_storeu_ps(out + (size_t)r * EQ_HIDDEN, _mm256_mul_ps(sums[r][0], s));
    _mm256_storeu_ps(out + (size_t)r * EQ_HIDDEN + 8, _mm256_mul_ps(sums[r][1], s));
  }
}

/* The same for 6 rows, the bulk of them: 12 accumulators hide the FMA latency, and each value load serves 6 rows. */
static inline void weighted_tile6(const float *p, int stride, const float *values, int length, const float *inverse,
                                  float *out) {
  __m256 acc[6][2];
  for (int r = 0; r < 6; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (int j = 0; j < length; j++) {
    const __m256 v0 = _mm256_load_ps(values + (size_t)j * EQ_HEAD_SIZE);
    const __m256 v1 = _mm256_load_ps(values + (size_t)j * EQ_HEAD_SIZE + 8);
    for (int r = 0; r < 6; r++) {
      const __m256 x = _mm256_broadcast_ss(p + (size_t)r * stride + j);
      acc[r][0] = _mm256_fmadd_ps(x, v0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(x, v1, acc[r][1]);
    }
  }
  for (int r = 0; r < 6; r++) {
    const __m256 s = _mm256_set1_ps(inverse[r]);
    _mm256_storeu_ps(out + (size_t)r * EQ_HIDDEN, _mm256_mul_ps(acc[r][0], s));
    _mm256_storeu_ps(out + (size_t)r * EQ_HIDDEN + 8, _mm256_mul_ps(acc[r][1], s));
  }
}

/* 8 x 8 floats transposed in registers: r[i][j] becomes r[j][i]. */
static inline void transpose8(__m256 r[8]) {
  __m256 t[8], u[8];
  for (int i = 0; i < 4; i++) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  /* u[4g + k], half H: column k + 4H of rows 4g..4g+3. */
  for (int g = 0; g < 2; g++) {
    u[4 * g] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
    u[4 * g + 1] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
    u[4 * g + 2] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
    u[4 * g + 3] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
  }
  for (int k = 0; k < 4; k++) {
    r[k] = _mm256_permute2f128_ps(u[k], u[4 + k], 0x20);
    r[4 + k] = _mm256_permute2f128_ps(u[k], u[4 + k], 0x31);
  }
}

void eq_attention_avx2(const float *qkv, int length, float *context, float *scratch) {
  float *queries = scratch;
  float *values = queries + (size_t)QUERIES * EQ_HEAD_SIZE;
  float *keys = values + (size_t)EQ_MAX_POSITIONS * EQ_HEAD_SIZE;
  float *scores = keys + (size_t)EQ_HEAD_SIZE * KEYS;
  float *inverse = scores + (size_t)QUERIES * KEYS;
  const int query_rows = (length + 3) / 4 * 4;
  const int key_columns = (length + 7) / 8 * 8;
  const __m256 scale = _mm256_set1_ps(1.44269504088896341f / sqrtf((float)EQ_HEAD_SIZE));
  for (int h = 0; h < EQ_HEADS; h++) {
    const float *k = qkv + EQ_HIDDEN + h * EQ_HEAD_SIZE;
    for (int j = 0; j < length; j++) {
      const float *row = qkv + (size_t)j * ROW + h * EQ_HEAD_SIZE;
      for (int d = 0; d < EQ_HEAD_SIZE; d += 8) {
        _mm256_store_ps(queries + (size_t)j * EQ_HEAD_SIZE + d, _mm256_loadu_ps(row + d));
        _mm256_store_ps(values + (size_t)j * EQ_HEAD_SIZE + d, _mm256_loadu_ps(row + 2 * EQ_HIDDEN + d));
      }
    }
    /* K transposed in 8 x 8 blocks; keys past the sequence are zeros. */
    for (int j0 = 0; j0 < key_columns; j0 += 8)
      for (int d0 = 0; d0 < EQ_HEAD_SIZE; d0 += 8) {
        __m256 block[8];
        for (int j = 0; j < 8; j++)
          block[j] = j0 + j < length ? _mm256_loadu_ps(k + (size_t)(j0 + j) * ROW + d0) : _mm256_setzero_ps();
        transpose8(block);
        for (int d = 0; d < 8; d++) _mm256_store_ps(keys + (size_t)(d0 + d) * KEYS + j0, block[d]);
      }
    memset(queries + (size_t)length * EQ_HEAD_SIZE, 0, sizeof(float) * EQ_HEAD_SIZE * (query_rows - length));
    for (int i = 0; i < query_rows; i += 4)
      score_rows(queries + (size_t)i * EQ_HEAD_SIZE, keys, key_columns / 8, scores + (size_t)i * KEYS, scale);
    for (int i = 0; i < length; i++) inverse[i] = softmax_row(scores + (size_t)i * KEYS, length);
    int i = 0;
    for (; i + 6 <= length; i += 6)
      for (int d = 0; d < EQ_HEAD_SIZE; d += 16)
        weighted_tile6(scores + (size_t)i * KEYS, KEYS, values + d, length, inverse + i,
                       context + (size_t)i * EQ_HIDDEN + h * EQ_HEAD_SIZE + d);
    for (; i < length; i += 4)
      for (int d = 0; d < EQ_HEAD_SIZE; d += 16)
        weighted_tile(scores + (size_t)i * KEYS, KEYS, values + d, length, inverse + i,
                      context + (size_t)i * EQ_HIDDEN + h * EQ_HEAD_SIZE + d, length - i < 4 ? length - i : 4);
  }
}
