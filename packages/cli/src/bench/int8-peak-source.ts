/**
 * The int8 peak microbenchmark, in C with inline assembly so no compiler flag or auto-vectoriser
 * decides what runs: each thread runs a loop of independent multiply-accumulate chains (12 for
 * VNNI, 4 triples for AVX2), long enough that the loop's own instructions do not count.
 * `peak <variant> <threads> <iterations>` prints the wall seconds; the caller turns them into ops.
 *
 * Variants and their int8 multiply-adds per loop iteration:
 * - `avx512vnni`: 12 x `vpdpbusd zmm` (64 u8 x s8 products summed into int32 each): 768;
 * - `avxvnni`: 12 x `{vex} vpdpbusd ymm` (braces escaped for inline assembly) (32 each): 384;
 * - `avx2`: 4 x (`vpmaddubsw ymm` + `vpmaddwd ymm` + `vpaddd ymm`), the sequence ONNX Runtime's
 *   u8s8 kernel uses without VNNI (32 products per triple): 128.
 */
export const INT8_PEAK_SOURCE = String.raw`
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long iterations;
static int variant;

#define DP512(n) "vpdpbusd %%zmm11, %%zmm10, %%zmm" #n "\n\t"
#define DP256(n) "%{vex%} vpdpbusd %%ymm11, %%ymm10, %%ymm" #n "\n\t"
#define MADD(t, acc) "vpmaddubsw %%ymm11, %%ymm10, %%ymm" #t "\n\t" \
  "vpmaddwd %%ymm12, %%ymm" #t ", %%ymm" #t "\n\t" "vpaddd %%ymm" #t ", %%ymm" #acc ", %%ymm" #acc "\n\t"

static void *run(void *unused) {
  long n = iterations;
  (void)unused;
  if (variant == 0) {
    __asm__ volatile(
      "vpternlogd $0xff, %%zmm10, %%zmm10, %%zmm10\n\t"
      "vpabsb %%zmm10, %%zmm11\n\t"
      "1:\n\t" DP512(0) DP512(1) DP512(2) DP512(3) DP512(4) DP512(5)
      DP512(6) DP512(7) DP512(8) DP512(9) DP512(12) DP512(13)
      "dec %0\n\tjnz 1b\n\t"
      : "+r"(n) :: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
         "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "cc");
  } else if (variant == 1) {
    __asm__ volatile(
      "vpcmpeqb %%ymm10, %%ymm10, %%ymm10\n\t"
      "vpabsb %%ymm10, %%ymm11\n\t"
      "1:\n\t" DP256(0) DP256(1) DP256(2) DP256(3) DP256(4) DP256(5)
      DP256(6) DP256(7) DP256(8) DP256(9) DP256(12) DP256(13)
      "dec %0\n\tjnz 1b\n\t"
      : "+r"(n) :: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
         "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "cc");
  } else {
    __asm__ volatile(
      "vpcmpeqb %%ymm10, %%ymm10, %%ymm10\n\t"
      "vpabsb %%ymm10, %%ymm11\n\t"
      "vpabsw %%ymm10, %%ymm12\n\t"
      "1:\n\t" MADD(4, 0) MADD(5, 1) MADD(6, 2) MADD(7, 3)
      "dec %0\n\tjnz 1b\n\t"
      : "+r"(n) :: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
         "xmm10", "xmm11", "xmm12", "cc");
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  variant = strcmp(argv[1], "avx512vnni") == 0 ? 0 : strcmp(argv[1], "avxvnni") == 0 ? 1 : 2;
  int threads = atoi(argv[2]);
  iterations = atol(argv[3]);
  if (threads < 1 || threads > 256 || iterations < 1) return 2;
  pthread_t *ids = calloc((size_t)threads, sizeof(pthread_t));
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int i = 0; i < threads; i++) pthread_create(&ids[i], 0, run, 0);
  for (int i = 0; i < threads; i++) pthread_join(ids[i], 0);
  clock_gettime(CLOCK_MONOTONIC, &end);
  printf("%.9f\n", (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) * 1e-9);
  return 0;
}
`;

export type Int8PeakVariant = 'avx512vnni' | 'avxvnni' | 'avx2';

/** int8 multiply-adds per loop iteration of each variant (see above). */
export const MULTIPLY_ADDS_PER_ITERATION: Readonly<Record<Int8PeakVariant, number>> = {
  avx512vnni: 12 * 64,
  avxvnni: 12 * 32,
  avx2: 4 * 32,
};

/** The instructions each variant times, for the report. */
export const VARIANT_INSTRUCTIONS: Readonly<Record<Int8PeakVariant, string>> = {
  avx512vnni: 'vpdpbusd zmm (AVX-512 VNNI)',
  avxvnni: 'vpdpbusd ymm (AVX-VNNI)',
  avx2: 'vpmaddubsw + vpmaddwd + vpaddd ymm (AVX2)',
};
