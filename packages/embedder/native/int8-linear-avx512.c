/* int8 linear layers with AVX-512 VNNI: dynamic per-tensor uint8 inputs times int8 weights (vpdpbusd). */
#include <immintrin.h>

#include "encoder.h"
#include "vector-math-avx512.h"

static inline __m512 divided(const eq_linear *l, const float *x, int k) {
  const __m512 v = _mm512_loadu_ps(x + k);
  return l->inverse_divisors ? _mm512_mul_ps(v, _mm512_loadu_ps(l->inverse_divisors + k)) : v;
}

void eq_quantize_avx512(const eq_linear *l, const float *x, int rows, uint8_t *out, float *scale, int *zero_point) {
  const int k_total = l->inputs;
  __m512 low = _mm512_setzero_ps(), high = _mm512_setzero_ps();
  for (int r = 0; r < rows; r++)
    for (int k = 0; k < k_total; k += 16) {
      const __m512 v = divided(l, x + (size_t)r * k_total, k);
      low = _mm512_min_ps(low, v);
      high = _mm512_max_ps(high, v);
    }
  eq_quantize_parameters(_mm512_reduce_min_ps(low), _mm512_reduce_max_ps(high), scale, zero_point);
  const __m512 inverse = _mm512_set1_ps(1.0f / *scale);
  const __m512i zero = _mm512_set1_epi32(*zero_point);
  for (int r = 0; r < rows; r++)
    for (int k = 0; k < k_total; k += 16) {
      /* cvtps rounds half to even, as the standard asks. */
      __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(divided(l, x + (size_t)r * k_total, k), inverse)), zero);
      q = _mm512_max_epi32(_mm512_min_epi32(q, _mm512_set1_epi32(255)), _mm512_setzero_si512());
      _mm_storeu_si128((__m128i *)(out + (size_t)r * k_total + k), _mm512_cvtepi32_epi8(q));
    }
  eq_pad_quantized_rows(out, rows, k_total, *zero_point);
}

/*
 * 6 rows x 64 columns of int32 sums over the whole depth, in 24 zmm accumulators. In assembly
 * because GCC 12 spills vpdpbusd accumulators to the stack (2.2x slower, measured).
 */
__attribute__((noinline)) static void tile_6x64(const uint8_t *a, long lda, const int8_t *b, long depth4,
                                                int32_t *out) {
  const uint8_t *a3 = a + 3 * lda;
  __asm__ volatile(
      "vpxord %%zmm8, %%zmm8, %%zmm8\n\t"
      "vmovdqa64 %%zmm8, %%zmm9\n\t vmovdqa64 %%zmm8, %%zmm10\n\t vmovdqa64 %%zmm8, %%zmm11\n\t"
      "vmovdqa64 %%zmm8, %%zmm12\n\t vmovdqa64 %%zmm8, %%zmm13\n\t vmovdqa64 %%zmm8, %%zmm14\n\t"
      "vmovdqa64 %%zmm8, %%zmm15\n\t vmovdqa64 %%zmm8, %%zmm16\n\t vmovdqa64 %%zmm8, %%zmm17\n\t"
      "vmovdqa64 %%zmm8, %%zmm18\n\t vmovdqa64 %%zmm8, %%zmm19\n\t vmovdqa64 %%zmm8, %%zmm20\n\t"
      "vmovdqa64 %%zmm8, %%zmm21\n\t vmovdqa64 %%zmm8, %%zmm22\n\t vmovdqa64 %%zmm8, %%zmm23\n\t"
      "vmovdqa64 %%zmm8, %%zmm24\n\t vmovdqa64 %%zmm8, %%zmm25\n\t vmovdqa64 %%zmm8, %%zmm26\n\t"
      "vmovdqa64 %%zmm8, %%zmm27\n\t vmovdqa64 %%zmm8, %%zmm28\n\t vmovdqa64 %%zmm8, %%zmm29\n\t"
      "vmovdqa64 %%zmm8, %%zmm30\n\t vmovdqa64 %%zmm8, %%zmm31\n\t"
      "1:\n\t"
      "vmovdqu32 (%[b]), %%zmm0\n\t"
      "vmovdqu32 64(%[b]), %%zmm1\n\t"
      "vmovdqu32 128(%[b]), %%zmm2\n\t"
      "vmovdqu32 192(%[b]), %%zmm3\n\t"
      "vpbroadcastd (%[a]), %%zmm4\n\t"
      "vpdpbusd %%zmm0, %%zmm4, %%zmm8\n\t vpdpbusd %%zmm1, %%zmm4, %%zmm9\n\t"
      "vpdpbusd %%zmm2, %%zmm4, %%zmm10\n\t vpdpbusd %%zmm3, %%zmm4, %%zmm11\n\t"
      "vpbroadcastd (%[a],%[lda],1), %%zmm5\n\t"
      "vpdpbusd %%zmm0, %%zmm5, %%zmm12\n\t vpdpbusd %%zmm1, %%zmm5, %%zmm13\n\t"
      "vpdpbusd %%zmm2, %%zmm5, %%zmm14\n\t vpdpbusd %%zmm3, %%zmm5, %%zmm15\n\t"
      "vpbroadcastd (%[a],%[lda],2), %%zmm6\n\t"
      "vpdpbusd %%zmm0, %%zmm6, %%zmm16\n\t vpdpbusd %%zmm1, %%zmm6, %%zmm17\n\t"
      "vpdpbusd %%zmm2, %%zmm6, %%zmm18\n\t vpdpbusd %%zmm3, %%zmm6, %%zmm19\n\t"
      "vpbroadcastd (%[a3]), %%zmm7\n\t"
      "vpdpbusd %%zmm0, %%zmm7, %%zmm20\n\t vpdpbusd %%zmm1, %%zmm7, %%zmm21\n\t"
      "vpdpbusd %%zmm2, %%zmm7, %%zmm22\n\t vpdpbusd %%zmm3, %%zmm7, %%zmm23\n\t"
      "vpbroadcastd (%[a3],%[lda],1), %%zmm4\n\t"
      "vpdpbusd %%zmm0, %%zmm4, %%zmm24\n\t vpdpbusd %%zmm1, %%zmm4, %%zmm25\n\t"
      "vpdpbusd %%zmm2, %%zmm4, %%zmm26\n\t vpdpbusd %%zmm3, %%zmm4, %%zmm27\n\t"
      "vpbroadcastd (%[a3],%[lda],2), %%zmm5\n\t"
      "vpdpbusd %%zmm0, %%zmm5, %%zmm28\n\t vpdpbusd %%zmm1, %%zmm5, %%zmm29\n\t"
      "vpdpbusd %%zmm2, %%zmm5, %%zmm30\n\t vpdpbusd %%zmm3, %%zmm5, %%zmm31\n\t"
      "add $4, %[a]\n\t"
      "add $4, %[a3]\n\t"
      "add $256, %[b]\n\t"
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vmovdqu32 %%zmm8, 0(%[out])\n\t vmovdqu32 %%zmm9, 64(%[out])\n\t"
      "vmovdqu32 %%zmm10, 128(%[out])\n\t vmovdqu32 %%zmm11, 192(%[out])\n\t"
      "vmovdqu32 %%zmm12, 256(%[out])\n\t vmovdqu32 %%zmm13, 320(%[out])\n\t"
      "vmovdqu32 %%zmm14, 384(%[out])\n\t vmovdqu32 %%zmm15, 448(%[out])\n\t"
      "vmovdqu32 %%zmm16, 512(%[out])\n\t vmovdqu32 %%zmm17, 576(%[out])\n\t"
      "vmovdqu32 %%zmm18, 640(%[out])\n\t vmovdqu32 %%zmm19, 704(%[out])\n\t"
      "vmovdqu32 %%zmm20, 768(%[out])\n\t vmovdqu32 %%zmm21, 832(%[out])\n\t"
      "vmovdqu32 %%zmm22, 896(%[out])\n\t vmovdqu32 %%zmm23, 960(%[out])\n\t"
      "vmovdqu32 %%zmm24, 1024(%[out])\n\t vmovdqu32 %%zmm25, 1088(%[out])\n\t"
      "vmovdqu32 %%zmm26, 1152(%[out])\n\t vmovdqu32 %%zmm27, 1216(%[out])\n\t"
      "vmovdqu32 %%zmm28, 1280(%[out])\n\t vmovdqu32 %%zmm29, 1344(%[out])\n\t"
      "vmovdqu32 %%zmm30, 1408(%[out])\n\t vmovdqu32 %%zmm31, 1472(%[out])\n\t"
      : [a] "+r"(a), [a3] "+r"(a3), [b] "+r"(b), [n] "+r"(depth4)
      : [lda] "r"(lda), [out] "r"(out)
      : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
        "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20",
        "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31");
}

void eq_linear_run_avx512(const eq_linear *l, const uint8_t *q, int rows, float scale, int zero_point, float *out,
                   int gelu) {
  const int k_total = l->inputs, n_total = l->outputs;
  int32_t sums[EQ_TILE_ROWS * EQ_TILE_COLS] __attribute__((aligned(64)));
  for (int n0 = 0; n0 < n_total; n0 += EQ_TILE_COLS) {
    const int8_t *panel = l->packed + (size_t)n0 * k_total;
    __m512i zero_correction[4];
    __m512 column_scale[4], bias[4];
    for (int j = 0; j < 4; j++) {
      const int c = n0 + 16 * j;
      zero_correction[j] = _mm512_mullo_epi32(_mm512_load_si512(l->column_sums + c), _mm512_set1_epi32(zero_point));
      column_scale[j] = _mm512_mul_ps(_mm512_load_ps(l->scale + c), _mm512_set1_ps(scale));
      bias[j] = _mm512_load_ps(l->bias + c);
    }
    for (int m0 = 0; m0 < rows; m0 += EQ_TILE_ROWS) {
      tile_6x64(q + (size_t)m0 * k_total, k_total, panel, k_total / 4, sums);
      const int tile_rows = rows - m0 < EQ_TILE_ROWS ? rows - m0 : EQ_TILE_ROWS;
      for (int r = 0; r < tile_rows; r++)
        for (int j = 0; j < 4; j++) {
          /* (q - zero point) . w, exactly in int32, then to float. */
          const __m512i exact = _mm512_sub_epi32(_mm512_load_si512(sums + r * EQ_TILE_COLS + 16 * j), zero_correction[j]);
          __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(exact), column_scale[j], bias[j]);
          if (gelu) v = eq_gelu(v);
          _mm512_storeu_ps(out + (size_t)(m0 + r) * n_total + n0 + 16 * j, v);
        }
    }
  }
}
