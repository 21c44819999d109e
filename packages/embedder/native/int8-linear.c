/*
 * int8 linear layers' weights, packed once for both kernel sets: four consecutive inputs of a
 * column side by side, the operand order of vpdpbusd (AVX-512 VNNI) and of vpmaddubsw + vpmaddwd
 * (AVX2), which both sum four uint8 x int8 products into an int32.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "encoder.h"

int eq_linear_init(eq_linear *l, const int8_t *weight, int inputs, int outputs, const float *scale,
                   const float *bias, const float *inverse_divisors) {
  memset(l, 0, sizeof *l);
  /* Inputs are quantised 16 at a time, outputs computed in whole tiles. */
  if (inputs % 16 != 0 || outputs % EQ_TILE_COLS != 0) return -1;
  l->inputs = inputs;
  l->outputs = outputs;
  l->packed = eq_aligned((size_t)inputs * outputs);
  l->column_sums = eq_aligned(sizeof(int32_t) * outputs);
  l->scale = eq_aligned(sizeof(float) * outputs);
  l->bias = eq_aligned(sizeof(float) * outputs);
  l->inverse_divisors = inverse_divisors ? eq_aligned(sizeof(float) * inputs) : NULL;
  if (!l->packed || !l->column_sums || !l->scale || !l->bias || (inverse_divisors && !l->inverse_divisors)) {
    eq_linear_free(l);
    return -1;
  }
  for (int n0 = 0; n0 < outputs; n0 += EQ_TILE_COLS)
    for (int k4 = 0; k4 < inputs / 4; k4++)
      for (int c = 0; c < EQ_TILE_COLS; c++)
        for (int j = 0; j < 4; j++)
          l->packed[(size_t)n0 * inputs + (size_t)k4 * 4 * EQ_TILE_COLS + c * 4 + j] =
              weight[(size_t)(k4 * 4 + j) * outputs + n0 + c];
  for (int n = 0; n < outputs; n++) {
    int32_t sum = 0;
    for (int k = 0; k < inputs; k++) {
      const int w = weight[(size_t)k * outputs + n];
      sum += w;
      if (abs(w) > l->largest_weight) l->largest_weight = abs(w);
    }
    l->column_sums[n] = sum;
  }
  memcpy(l->scale, scale, sizeof(float) * outputs);
  memcpy(l->bias, bias, sizeof(float) * outputs);
  if (inverse_divisors) memcpy(l->inverse_divisors, inverse_divisors, sizeof(float) * inputs);
  return 0;
}

void eq_linear_free(eq_linear *l) {
  free(l->packed);
  free(l->column_sums);
  free(l->scale);
  free(l->bias);
  free(l->inverse_divisors);
  memset(l, 0, sizeof *l);
}

void eq_quantize_parameters(float min, float max, float *scale, int *zero_point) {
  /* The range always holds 0, so 0 quantises exactly (ONNX DynamicQuantizeLinear). */
  float s = (max - min) / 255.0f;
  if (s == 0.0f) s = 1.0f;
  float z = nearbyintf(-min / s);
  z = z < 0.0f ? 0.0f : z > 255.0f ? 255.0f : z;
  *scale = s;
  *zero_point = (int)z;
}

void eq_pad_quantized_rows(uint8_t *q, int rows, int inputs, int zero_point) {
  const int padded = (rows + EQ_TILE_ROWS - 1) / EQ_TILE_ROWS * EQ_TILE_ROWS;
  memset(q + (size_t)rows * inputs, zero_point, (size_t)(padded - rows) * inputs);
}
