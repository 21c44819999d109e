/*
 * Checks one kernel set against plain double-precision references; exits non-zero when a kernel is
 * out of tolerance. Run by src/native-kernels.test.ts, compiled once per set the CPU runs, with
 * that set's flags (flags.json) and -DEQ_CHECK_AVX512 or -DEQ_CHECK_AVX2.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder.h"

#if defined(EQ_CHECK_AVX512)
#include "vector-math-avx512.h"
#define SET_NAME "avx512-vnni"
#define WIDTH 16
#define GELU(in, out) _mm512_storeu_ps(out, eq_gelu(_mm512_loadu_ps(in)))
#define EXP(in, out) _mm512_storeu_ps(out, eq_exp2(_mm512_loadu_ps(in)))
#define LARGEST_WEIGHT 127
#define QUANTIZE eq_quantize_avx512
#define LINEAR_RUN eq_linear_run_avx512
#define ATTENTION eq_attention_avx512
#define LAYER_NORM eq_layer_norm_avx512
#elif defined(EQ_CHECK_AVX2)
#include "vector-math-avx2.h"
#define SET_NAME "avx2"
#define WIDTH 8
#define GELU(in, out) _mm256_storeu_ps(out, eq_gelu8(_mm256_loadu_ps(in)))
#define EXP(in, out) _mm256_storeu_ps(out, eq_exp2_8(_mm256_loadu_ps(in)))
#define LARGEST_WEIGHT 64
#define QUANTIZE eq_quantize_avx2
#define LINEAR_RUN eq_linear_run_avx2
#define ATTENTION eq_attention_avx2
#define LAYER_NORM eq_layer_norm_avx2
#else
#error "define EQ_CHECK_AVX512 or EQ_CHECK_AVX2"
#endif

static int failures = 0;
static void report(const char *what, double worst, double tolerance) {
  const int ok = worst <= tolerance; /* false for NaN too */
  printf("%-44s worst %.3g (tolerance %.3g) %s\n", what, worst, tolerance, ok ? "ok" : "FAIL");
  if (!ok) failures++;
}
static float uniform(float scale) { return ((float)rand() / (float)RAND_MAX - 0.5f) * 2.0f * scale; }

static void check_vector_math(void) {
  double gelu = 0, exp_rel = 0;
  float in[WIDTH], out[WIDTH];
  for (double x = -1000; x <= 1000; x += fabs(x) < 20 ? 1e-4 : 1e-2) {
    for (int i = 0; i < WIDTH; i++) in[i] = (float)x;
    GELU(in, out);
    const double ref = 0.5 * (float)x * (1.0 + erf((float)x / sqrt(2.0)));
    const double e = fabs(out[0] - ref);
    gelu = isnan(out[0]) || e > gelu ? (isnan(out[0]) ? INFINITY : e) : gelu;
  }
  /* Softmax's exponential, in base 2, over what it is asked: x <= 0. */
  for (double x = -126; x <= 0; x += 1e-3) {
    for (int i = 0; i < WIDTH; i++) in[i] = (float)x;
    EXP(in, out);
    const double e = fabs(out[0] - exp2((float)x)) / exp2((float)x);
    exp_rel = isnan(out[0]) ? INFINITY : e > exp_rel ? e : exp_rel;
  }
  report("GELU over [-1000, 1000], absolute", gelu, 2e-6);
  report("exp2 over [-126, 0], relative", exp_rel, 5e-7);
}

/* Quantise + GEMM + bias (+ GELU) against the ONNX definition, for row counts around the tile. */
static void check_linear(int inputs, int outputs, int with_divisors, int gelu) {
  int8_t *w = malloc((size_t)inputs * outputs);
  float *scale = malloc(sizeof(float) * outputs), *bias = malloc(sizeof(float) * outputs);
  /* The graph's Mul before quantising multiplies by 1 / divisor: the tensor holds the inverses. */
  float *inverse = malloc(sizeof(float) * inputs);
  /* Every weight the set says it multiplies exactly (kernel-sets.c). */
  for (int i = 0; i < inputs * outputs; i++) w[i] = (int8_t)(rand() % (2 * LARGEST_WEIGHT + 1) - LARGEST_WEIGHT);
  for (int n = 0; n < outputs; n++) scale[n] = 0.001f + (float)(rand() % 100) * 1e-5f, bias[n] = uniform(0.5f);
  for (int k = 0; k < inputs; k++) inverse[k] = k % 7 == 0 ? 0.125f : 1.0f;
  eq_linear l;
  if (eq_linear_init(&l, w, inputs, outputs, scale, bias, with_divisors ? inverse : NULL) != 0) exit(2);
  double worst = 0;
  for (int rows = 1; rows <= 14; rows++) {
    float *x = malloc(sizeof(float) * rows * inputs), *out = malloc(sizeof(float) * rows * outputs);
    uint8_t *q = malloc((size_t)(rows + EQ_TILE_ROWS) * inputs);
    for (int i = 0; i < rows * inputs; i++) x[i] = uniform(3.0f) + (i % 97 == 0 ? 20.0f : 0.0f);
    float s;
    int z;
    QUANTIZE(&l, x, rows, q, &s, &z);
    LINEAR_RUN(&l, q, rows, s, z, out, gelu);
    /* DynamicQuantizeLinear then the integer product, in double. */
    double lo = 0, hi = 0;
    for (int i = 0; i < rows * inputs; i++) {
      const double v = (double)x[i] * (with_divisors ? inverse[i % inputs] : 1.0f);
      lo = fmin(lo, v), hi = fmax(hi, v);
    }
    const double rs = (hi - lo) / 255.0, rz = fmin(255, fmax(0, nearbyint(-lo / rs)));
    for (int r = 0; r < rows; r++)
      for (int n = 0; n < outputs; n++) {
        double sum = 0;
        for (int k = 0; k < inputs; k++) {
          const double v = (double)x[r * inputs + k] * (with_divisors ? inverse[k] : 1.0f);
          const double qv = fmin(255, fmax(0, nearbyint(v / rs) + rz));
          sum += (qv - rz) * w[(size_t)k * outputs + n];
        }
        double ref = sum * rs * scale[n] + bias[n];
        if (gelu) ref = 0.5 * ref * (1.0 + erf(ref / sqrt(2.0)));
        /* A value on a rounding boundary may quantise one step apart (the kernel multiplies by 1 /
         * scale, the definition divides): allow such steps of two inputs. A wrong kernel is off
         * by hundreds. */
        const double e = fabs(out[r * outputs + n] - ref) / (rs * scale[n] * LARGEST_WEIGHT);
        worst = isnan(out[r * outputs + n]) ? INFINITY : fmax(worst, e);
      }
    free(x), free(out), free(q);
  }
  char what[80];
  snprintf(what, sizeof what, "linear %dx%d%s%s, 1-14 rows (steps)", inputs, outputs, with_divisors ? " divisors" : "",
           gelu ? " GELU" : "");
  report(what, worst, 2.0);
  eq_linear_free(&l);
  free(w), free(scale), free(bias), free(inverse);
}

/* The largest products the set allows: every input at 255, every weight at +-LARGEST_WEIGHT. */
static void check_linear_extremes(void) {
  enum { INPUTS = 1536, OUTPUTS = 64, ROWS = 6 };
  static int8_t w[INPUTS * OUTPUTS];
  static float x[ROWS * INPUTS], out[ROWS * OUTPUTS];
  static uint8_t q[ROWS * INPUTS];
  float scale[OUTPUTS], bias[OUTPUTS];
  for (int k = 0; k < INPUTS; k++)
    for (int n = 0; n < OUTPUTS; n++) w[k * OUTPUTS + n] = (int8_t)(n % 2 ? LARGEST_WEIGHT : -LARGEST_WEIGHT);
  for (int n = 0; n < OUTPUTS; n++) scale[n] = 1.0f, bias[n] = 0.0f;
  for (int i = 0; i < ROWS * INPUTS; i++) x[i] = 1.0f;
  eq_linear l;
  if (eq_linear_init(&l, w, INPUTS, OUTPUTS, scale, bias, NULL) != 0) exit(2);
  float s;
  int z;
  QUANTIZE(&l, x, ROWS, q, &s, &z);
  LINEAR_RUN(&l, q, ROWS, s, z, out, 0);
  double worst = 0;
  for (int i = 0; i < ROWS * OUTPUTS; i++) {
    /* 255 x (+-w) x inputs, times the input scale 1 / 255. */
    const double ref = (i % 2 ? 1.0 : -1.0) * LARGEST_WEIGHT * INPUTS;
    worst = isnan(out[i]) ? INFINITY : fmax(worst, fabs(out[i] - ref) / fabs(ref));
  }
  report("linear, largest inputs x largest weights", worst, 1e-6);
  eq_linear_free(&l);
}

static void check_attention(void) {
  float *qkv = eq_aligned(sizeof(float) * EQ_MAX_POSITIONS * 3 * EQ_HIDDEN);
  float *context = eq_aligned(sizeof(float) * EQ_MAX_POSITIONS * EQ_HIDDEN);
  float *scratch = eq_aligned(sizeof(float) * eq_attention_scratch_floats());
  for (int i = 0; i < EQ_MAX_POSITIONS * 3 * EQ_HIDDEN; i++) qkv[i] = uniform(2.0f);
  static double scores[EQ_MAX_POSITIONS];
  double worst = 0;
  const int lengths[] = {1, 2, 3, 4, 5, 15, 16, 17, 63, 64, 65, 66, 129, 256, 511, 512};
  for (size_t t = 0; t < sizeof lengths / sizeof lengths[0]; t++) {
    const int length = lengths[t];
    ATTENTION(qkv, length, context, scratch);
    for (int h = 0; h < EQ_HEADS; h++)
      for (int i = 0; i < length; i += length > 64 ? 7 : 1) {
        double max = -INFINITY, total = 0;
        for (int j = 0; j < length; j++) {
          double d = 0;
          for (int k = 0; k < EQ_HEAD_SIZE; k++)
            d += (double)qkv[i * 3 * EQ_HIDDEN + h * EQ_HEAD_SIZE + k] * qkv[j * 3 * EQ_HIDDEN + EQ_HIDDEN + h * EQ_HEAD_SIZE + k];
          scores[j] = d / sqrt((double)EQ_HEAD_SIZE);
          max = fmax(max, scores[j]);
        }
        for (int j = 0; j < length; j++) total += scores[j] = exp(scores[j] - max);
        for (int k = 0; k < EQ_HEAD_SIZE; k++) {
          double v = 0;
          for (int j = 0; j < length; j++) v += scores[j] * qkv[j * 3 * EQ_HIDDEN + 2 * EQ_HIDDEN + h * EQ_HEAD_SIZE + k];
          const float got = context[i * EQ_HIDDEN + h * EQ_HEAD_SIZE + k];
          worst = isnan(got) ? INFINITY : fmax(worst, fabs(got - v / total));
        }
      }
  }
  report("attention, 1-512 tokens, absolute", worst, 1e-4);
  free(qkv), free(context), free(scratch);
}

static void check_layer_norm(void) {
  float x[3 * EQ_HIDDEN], add[3 * EQ_HIDDEN], gamma[EQ_HIDDEN], beta[EQ_HIDDEN], copy[3 * EQ_HIDDEN];
  for (int i = 0; i < 3 * EQ_HIDDEN; i++) x[i] = uniform(5.0f) + 100.0f, add[i] = uniform(1.0f);
  for (int i = 0; i < EQ_HIDDEN; i++) gamma[i] = uniform(2.0f), beta[i] = uniform(1.0f);
  memcpy(copy, x, sizeof x);
  const eq_norm norm = {gamma, beta};
  LAYER_NORM(x, add, 3, &norm);
  double worst = 0;
  for (int r = 0; r < 3; r++) {
    double mean = 0, variance = 0;
    for (int i = 0; i < EQ_HIDDEN; i++) mean += (double)copy[r * EQ_HIDDEN + i] + add[r * EQ_HIDDEN + i];
    mean /= EQ_HIDDEN;
    for (int i = 0; i < EQ_HIDDEN; i++) {
      const double d = (double)copy[r * EQ_HIDDEN + i] + add[r * EQ_HIDDEN + i] - mean;
      variance += d * d;
    }
    variance /= EQ_HIDDEN;
    for (int i = 0; i < EQ_HIDDEN; i++) {
      const double ref = ((double)copy[r * EQ_HIDDEN + i] + add[r * EQ_HIDDEN + i] - mean) / sqrt(variance + 1e-12) * gamma[i] + beta[i];
      worst = isnan(x[r * EQ_HIDDEN + i]) ? INFINITY : fmax(worst, fabs(x[r * EQ_HIDDEN + i] - ref));
    }
  }
  report("layer norm with residual, absolute", worst, 1e-4);
}

int main(void) {
  srand(7);
  printf("kernel set %s\n", SET_NAME);
  check_vector_math();
  check_linear(384, 1152, 1, 0);
  check_linear(384, 384, 0, 0);
  check_linear(384, 1536, 1, 1);
  check_linear(1536, 384, 0, 0);
  check_linear_extremes();
  check_attention();
  check_layer_norm();
  printf("%s\n", failures == 0 ? "all kernels within tolerance" : "KERNELS OUT OF TOLERANCE");
  return failures == 0 ? 0 : 1;
}
