/*
 * int8 linear layers with AVX2: dynamic per-tensor uint8 inputs times int8 weights. Without VNNI,
 * four uint8 x int8 products become an int32 in two steps: vpmaddubsw (pairs into int16, exact for
 * the graph's 7-bit weights, see kernel-sets.c) then vpmaddwd by ones (pairs of those into int32).
 */
#include <immintrin.h>

#include "encoder.h"
#include "vector-math-avx2.h"

static inline __m256 divided(const eq_linear *l, const float *x, int k) {
  const __m256 v = _mm256_loadu_ps(x + k);
  return l->inverse_divisors ? _mm256_mul_ps(v, _mm256_loadu_ps(l->inverse_divisors + k)) : v;
}

void eq_quantize_avx2(const eq_linear *l, const float *x, int rows, uint8_t *out, float *scale, int *zero_point) {
  const int k_total = l->inputs;
  __m256 low = _mm256_setzero_ps(), high = _mm256_setzero_ps();
  for (int r = 0; r < rows; r++)
    for (int k = 0; k < k_total; k += 8) {
      const __m256 v = divided(l, x + (size_t)r * k_total, k);
      low = _mm256_min_ps(low, v);
      high = _mm256_max_ps(high, v);
    }
  eq_quantize_parameters(eq_min8(low), eq_max8(high), scale, zero_point);
  const __m256 inverse = _mm256_set1_ps(1.0f / *scale);
  const __m256i zero = _mm256_set1_epi32(*zero_point);
  for (int r = 0; r < rows; r++)
    for (int k = 0; k < k_total; k += 16) {
      const float *row = x + (size_t)r * k_total;
      /* cvtps rounds half to even; the saturating packs clamp to [0, 255]. */
      const __m256i a = _mm256_add_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(divided(l, row, k), inverse)), zero);
      const __m256i b = _mm256_add_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(divided(l, row, k + 8), inverse)), zero);
      const __m128i a16 = _mm_packs_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
      const __m128i b16 = _mm_packs_epi32(_mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1));
      _mm_storeu_si128((__m128i *)(out + (size_t)r * k_total + k), _mm_packus_epi16(a16, b16));
    }
  eq_pad_quantized_rows(out, rows, k_total, *zero_point);
}

/* One row of the tile: the row's four inputs broadcast, times both column vectors, into its two accumulators. */
#define ROW_STEP(address, c0, c1)                                                                   \
  "vpbroadcastd " address ", %%ymm2\n\t"                                                         \
  "vpmaddubsw %%ymm0, %%ymm2, %%ymm3\n\t vpmaddwd %[ones], %%ymm3, %%ymm3\n\t"                  \
  "vpaddd %%ymm3, %%ymm" #c0 ", %%ymm" #c0 "\n\t"                                                \
  "vpmaddubsw %%ymm1, %%ymm2, %%ymm2\n\t vpmaddwd %[ones], %%ymm2, %%ymm2\n\t"                  \
  "vpaddd %%ymm2, %%ymm" #c1 ", %%ymm" #c1 "\n\t"

static const int16_t ones[16] __attribute__((aligned(32))) = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

/*
 * 6 rows x 16 columns of int32 sums over the whole depth, in 12 ymm accumulators; b steps through
 * a 64-column panel (256 bytes per four inputs) and reads this tile's 16 columns of it. In
 * assembly: with intrinsics GCC 12 keeps the ones in a register and spills an accumulator instead
 * (here the ones are a memory operand, so all 16 registers hold the tile).
 */
__attribute__((noinline)) static void tile_6x16(const uint8_t *a, long lda, const int8_t *b, long depth4,
                                                int32_t *out, long ldo) {
  const uint8_t *a3 = a + 3 * lda;
  __asm__ volatile(
      "vpxor %%ymm4, %%ymm4, %%ymm4\n\t vmovdqa %%ymm4, %%ymm5\n\t vmovdqa %%ymm4, %%ymm6\n\t"
      "vmovdqa %%ymm4, %%ymm7\n\t vmovdqa %%ymm4, %%ymm8\n\t vmovdqa %%ymm4, %%ymm9\n\t"
      "vmovdqa %%ymm4, %%ymm10\n\t vmovdqa %%ymm4, %%ymm11\n\t vmovdqa %%ymm4, %%ymm12\n\t"
      "vmovdqa %%ymm4, %%ymm13\n\t vmovdqa %%ymm4, %%ymm14\n\t vmovdqa %%ymm4, %%ymm15\n\t"
      "1:\n\t"
      "vmovdqa (%[b]), %%ymm0\n\t"
      "vmovdqa 32(%[b]), %%ymm1\n\t"
      ROW_STEP("(%[a])", 4, 5)
      ROW_STEP("(%[a],%[lda],1)", 6, 7)
      ROW_STEP("(%[a],%[lda],2)", 8, 9)
      ROW_STEP("(%[a3])", 10, 11)
      ROW_STEP("(%[a3],%[lda],1)", 12, 13)
      ROW_STEP("(%[a3],%[lda],2)", 14, 15)
      "add $4, %[a]\n\t"
      "add $4, %[a3]\n\t"
      "add $256, %[b]\n\t"
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vmovdqa %%ymm4, (%[out])\n\t vmovdqa %%ymm5, 32(%[out])\n\t"
      "vmovdqa %%ymm6, (%[out],%[ldo],4)\n\t vmovdqa %%ymm7, 32(%[out],%[ldo],4)\n\t"
      "vmovdqa %%ymm8, (%[out],%[ldo],8)\n\t vmovdqa %%ymm9, 32(%[out],%[ldo],8)\n\t"
      "lea (%[out],%[ldo],8), %[out]\n\t"
      "lea (%[out],%[ldo],4), %[out]\n\t"
      "vmovdqa %%ymm10, (%[out])\n\t vmovdqa %%ymm11, 32(%[out])\n\t"
      "vmovdqa %%ymm12, (%[out],%[ldo],4)\n\t vmovdqa %%ymm13, 32(%[out],%[ldo],4)\n\t"
      "vmovdqa %%ymm14, (%[out],%[ldo],8)\n\t vmovdqa %%ymm15, 32(%[out],%[ldo],8)\n\t"
      : [a] "+r"(a), [a3] "+r"(a3), [b] "+r"(b), [n] "+r"(depth4), [out] "+r"(out)
      : [lda] "r"(lda), [ldo] "r"(ldo), [ones] "m"(ones)
      : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
        "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

void eq_linear_run_avx2(const eq_linear *l, const uint8_t *q, int rows, float scale, int zero_point, float *out,
                        int gelu) {
  const int k_total = l->inputs, n_total = l->outputs;
  int32_t sums[EQ_TILE_ROWS * 16] __attribute__((aligned(64)));
  const __m256 input_scale = _mm256_set1_ps(scale);
  const __m256i zero = _mm256_set1_epi32(zero_point);
  /* 16 columns at a time over every row: their weights (k_total x 16 bytes) stay in L1. */
  for (int n0 = 0; n0 < n_total; n0 += 16) {
    const int8_t *slice = l->packed + (size_t)(n0 / EQ_TILE_COLS * EQ_TILE_COLS) * k_total + 4 * (n0 % EQ_TILE_COLS);
    __m256i correction[2];
    __m256 column_scale[2], bias[2];
    for (int j = 0; j < 2; j++) {
      const int c = n0 + 8 * j;
      correction[j] = _mm256_mullo_epi32(_mm256_load_si256((const __m256i *)(l->column_sums + c)), zero);
      column_scale[j] = _mm256_mul_ps(_mm256_load_ps(l->scale + c), input_scale);
      bias[j] = _mm256_load_ps(l->bias + c);
    }
    for (int m0 = 0; m0 < rows; m0 += EQ_TILE_ROWS) {
      tile_6x16(q + (size_t)m0 * k_total, k_total, slice, k_total / 4, sums, 16);
      const int tile_rows = rows - m0 < EQ_TILE_ROWS ? rows - m0 : EQ_TILE_ROWS;
      for (int r = 0; r < tile_rows; r++)
        for (int j = 0; j < 2; j++) {
          /* (q - zero point) . w, exactly in int32, then to float. */
          const __m256i exact = _mm256_sub_epi32(_mm256_load_si256((const __m256i *)(sums + r * 16 + 8 * j)), correction[j]);
          __m256 v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(exact), column_scale[j], bias[j]);
          if (gelu) v = eq_gelu8(v);
          _mm256_storeu_ps(out + (size_t)(m0 + r) * n_total + n0 + 8 * j, v);
        }
    }
  }
}
