/*
 * Multi-head self-attention of one sequence, fp32: softmax(Q K^T / sqrt(32)) V for each of the
 * 12 heads. Only the sequence's own tokens take part (the graph's mask gives padded keys
 * exp(-10000) = 0, the same thing). Per head: Q and V copied into dense tiles, K transposed, the
 * scores as register tiles of 4 queries x 16-64 keys (scaled by log2(e) / sqrt(32), so the softmax
 * takes 2^x), a softmax per row, then P V as 4 x 32 tiles.
 * AVX-512 (zmm registers and masks).
 */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "encoder.h"
#include "vector-math-avx512.h"

enum { ROW = 3 * EQ_HIDDEN, QUERIES = EQ_ATTENTION_QUERIES, KEYS = EQ_ATTENTION_KEYS };

/*
 * scores[4 rows][16 x BLOCKS keys] = q[4 rows] . keys x scale, in 4 x BLOCKS registers. One
 * function per width, so a sequence pays for its own length in 16-key blocks, not in 64s.
 */
#define SCORE_TILE(BLOCKS)                                                                             \
  static inline void score_tile_##BLOCKS(const float *q, const float *keys, float *scores, __m512 scale) { \
    __m512 acc[4][BLOCKS];                                                                             \
    for (int r = 0; r < 4; r++)                                                                        \
      for (int b = 0; b < BLOCKS; b++) acc[r][b] = _mm512_setzero_ps();                                \
    for (int d = 0; d < EQ_HEAD_SIZE; d++) {                                                           \
      __m512 k[BLOCKS];                                                                                \
      for (int b = 0; b < BLOCKS; b++) k[b] = _mm512_load_ps(keys + (size_t)d * KEYS + 16 * b);        \
      for (int r = 0; r < 4; r++) {                                                                    \
        const __m512 x = _mm512_set1_ps(q[r * EQ_HEAD_SIZE + d]);                                      \
        for (int b = 0; b < BLOCKS; b++) acc[r][b] = _mm512_fmadd_ps(x, k[b], acc[r][b]);              \
      }                                                                                                \
    }                                                                                                  \
    for (int r = 0; r < 4; r++)                                                                        \
      for (int b = 0; b < BLOCKS; b++)                                                                 \
        _mm512_store_ps(scores + (size_t)r * KEYS + 16 * b, _mm512_mul_ps(acc[r][b], scale));          \
  }
/* One block: 4 chains would wait on the FMA latency, so even and odd channels sum apart. */
static inline void score_tile_1(const float *q, const float *keys, float *scores, __m512 scale) {
  __m512 even[4], odd[4];
  for (int r = 0; r < 4; r++) even[r] = odd[r] = _mm512_setzero_ps();
  for (int d = 0; d < EQ_HEAD_SIZE; d += 2) {
    const __m512 k0 = _mm512_load_ps(keys + (size_t)d * KEYS), k1 = _mm512_load_ps(keys + (size_t)(d + 1) * KEYS);
    for (int r = 0; r < 4; r++) {
      even[r] = _mm512_fmadd_ps(_mm512_set1_ps(q[r * EQ_HEAD_SIZE + d]), k0, even[r]);
      odd[r] = _mm512_fmadd_ps(_mm512_set1_ps(q[r * EQ_HEAD_SIZE + d + 1]), k1, odd[r]);
    }
  }
  for (int r = 0; r < 4; r++)
    _mm512_store_ps(scores + (size_t)r * KEYS, _mm512_mul_ps(_mm512_add_ps(even[r], odd[r]), scale));
}
SCORE_TILE(2)
SCORE_TILE(3)
SCORE_TILE(4)

static void score_rows(const float *q, const float *keys, int blocks, float *scores, __m512 scale) {
  int b = 0;
  for (; b + 4 <= blocks; b += 4) score_tile_4(q, keys + 16 * b, scores + 16 * b, scale);
  switch (blocks - b) {
    case 3: score_tile_3(q, keys + 16 * b, scores + 16 * b, scale); break;
    case 2: score_tile_2(q, keys + 16 * b, scores + 16 * b, scale); break;
    case 1: score_tile_1(q, keys + 16 * b, scores + 16 * b, scale); break;
    default: break;
  }
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
    const __m512 e = _mm512_maskz_mov_ps(m, eq_exp2(_mm512_sub_ps(_mm512_load_ps(row + 16 * b), max)));
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

/* 16 x 16 floats transposed in registers: r[i][j] becomes r[j][i]. */
static inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  /* r[4g + k], lane L: element 4L + k of rows 4g..4g+3. */
  for (int g = 0; g < 4; g++) {
    r[4 * g] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
    r[4 * g + 1] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
    r[4 * g + 2] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
    r[4 * g + 3] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
  }
  for (int k = 0; k < 4; k++) {
    t[k] = _mm512_shuffle_f32x4(r[k], r[4 + k], 0x88);
    t[4 + k] = _mm512_shuffle_f32x4(r[k], r[4 + k], 0xDD);
    t[8 + k] = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0x88);
    t[12 + k] = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0xDD);
  }
  for (int k = 0; k < 4; k++) {
    r[k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0x88);
    r[8 + k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0xDD);
    r[4 + k] = _mm512_shuffle_f32x4(t[4 + k], t[12 + k], 0x88);
    r[12 + k] = _mm512_shuffle_f32x4(t[4 + k], t[12 + k], 0xDD);
  }
}

void eq_attention_avx512(const float *qkv, int length, float *context, float *scratch) {
  float *queries = scratch;
  float *values = queries + (size_t)QUERIES * EQ_HEAD_SIZE;
  float *keys = values + (size_t)EQ_MAX_POSITIONS * EQ_HEAD_SIZE;
  float *scores = keys + (size_t)EQ_HEAD_SIZE * KEYS;
  float *inverse = scores + (size_t)QUERIES * KEYS;
  const int query_rows = (length + 3) / 4 * 4;
  const int key_columns = (length + 15) / 16 * 16;
  const __m512 scale = _mm512_set1_ps(1.44269504088896341f / sqrtf((float)EQ_HEAD_SIZE));
  for (int h = 0; h < EQ_HEADS; h++) {
    const float *k = qkv + EQ_HIDDEN + h * EQ_HEAD_SIZE;
    for (int j = 0; j < length; j++) {
      const float *row = qkv + (size_t)j * ROW + h * EQ_HEAD_SIZE;
      _mm512_store_ps(queries + (size_t)j * EQ_HEAD_SIZE, _mm512_loadu_ps(row));
      _mm512_store_ps(queries + (size_t)j * EQ_HEAD_SIZE + 16, _mm512_loadu_ps(row + 16));
      _mm512_store_ps(values + (size_t)j * EQ_HEAD_SIZE, _mm512_loadu_ps(row + 2 * EQ_HIDDEN));
      _mm512_store_ps(values + (size_t)j * EQ_HEAD_SIZE + 16, _mm512_loadu_ps(row + 2 * EQ_HIDDEN + 16));
    }
    /* K transposed in 16 x 16 blocks; keys past the sequence are zeros. */
    for (int j0 = 0; j0 < key_columns; j0 += 16)
      for (int d0 = 0; d0 < EQ_HEAD_SIZE; d0 += 16) {
        __m512 block[16];
        for (int j = 0; j < 16; j++)
          block[j] = j0 + j < length ? _mm512_loadu_ps(k + (size_t)(j0 + j) * ROW + d0) : _mm512_setzero_ps();
        transpose16(block);
        for (int d = 0; d < 16; d++) _mm512_store_ps(keys + (size_t)(d0 + d) * KEYS + j0, block[d]);
      }
    memset(queries + (size_t)length * EQ_HEAD_SIZE, 0, sizeof(float) * EQ_HEAD_SIZE * (query_rows - length));
    for (int i = 0; i < query_rows; i += 4)
      score_rows(queries + (size_t)i * EQ_HEAD_SIZE, keys, key_columns / 16, scores + (size_t)i * KEYS, scale);
    for (int i = 0; i < length; i++) inverse[i] = softmax_row(scores + (size_t)i * KEYS, length);
    for (int i = 0; i < length; i += 4)
      weighted_tile(scores + (size_t)i * KEYS, KEYS, values, length, inverse + i,
                    context + (size_t)i * EQ_HIDDEN + h * EQ_HEAD_SIZE, length - i < 4 ? length - i : 4);
  }
}
