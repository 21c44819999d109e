/*
 * The kernel sets and which of them this CPU runs. Compiled without ISA flags beyond the build's
 * baseline, so asking is safe on any x86-64 CPU; a set's kernels are only called once it said yes.
 */
#include <string.h>

#include "encoder.h"

static const eq_kernels eq_kernels_avx512_vnni = {
    .name = "avx512-vnni",
    .largest_weight = 127,
    .quantize = eq_quantize_avx512,
    .linear_run = eq_linear_run_avx512,
    .layer_norm = eq_layer_norm_avx512,
    .attention = eq_attention_avx512,
};

/* vpmaddubsw adds two uint8 x int8 products into int16: exact while 2 x 255 x |w| <= 32767. */
static const eq_kernels eq_kernels_avx2 = {
    .name = "avx2",
    .largest_weight = 64,
    .quantize = eq_quantize_avx2,
    .linear_run = eq_linear_run_avx2,
    .layer_norm = eq_layer_norm_avx2,
    .attention = eq_attention_avx2,
};

int eq_kernel_sets(const eq_kernels *sets[2]) {
  __builtin_cpu_init();
  int count = 0;
  const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  if (avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni"))
    sets[count++] = &eq_kernels_avx512_vnni;
  if (avx2) sets[count++] = &eq_kernels_avx2;
  return count;
}

const eq_kernels *eq_kernel_set(const char *name) {
  const eq_kernels *sets[2];
  const int count = eq_kernel_sets(sets);
  for (int i = 0; i < count; i++)
    if (strcmp(sets[i]->name, name) == 0) return sets[i];
  return NULL;
}
