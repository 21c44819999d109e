/* The encoder's forward pass: embeddings, six layers, mean pooling, L2 normalisation. */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encoder.h"

eq_encoder *eq_encoder_new(const eq_kernels *kernels) {
  eq_encoder *e = calloc(1, sizeof(eq_encoder));
  if (e) e->kernels = kernels;
  return e;
}

const char *eq_encoder_check(const eq_encoder *e) {
  for (int i = 0; i < e->layer_count; i++) {
    const eq_layer *l = &e->layers[i];
    const eq_linear *linears[] = {&l->qkv, &l->attention_output, &l->ffn_in, &l->ffn_out};
    for (int j = 0; j < 4; j++)
      if (linears[j]->largest_weight > e->kernels->largest_weight)
        return "the graph's int8 weights go beyond what this kernel set multiplies exactly";
  }
  return NULL;
}

const char *const eq_stage_names[EQ_STAGES] = {"Embed",     "Quantize",  "Int8Gemm", "Int8GemmGelu",
                                               "Attention", "LayerNorm", "Pooling"};

static double seconds_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Adds the time since `*since` to a stage and restarts the clock. */
static void count(eq_encoder *e, enum eq_stage stage, double work, double *since) {
  const double t = seconds_now();
  eq_stage_stats *s = &e->stats.stages[stage];
  s->seconds += t - *since;
  s->work += work;
  s->calls++;
  *since = t;
}

static void free_scratch(eq_encoder *e) {
  free(e->state);
  free(e->qkv);
  free(e->context);
  free(e->wide);
  free(e->narrow);
  free(e->attention);
  free(e->quantized);
  e->state = e->qkv = e->context = e->wide = e->narrow = e->attention = NULL;
  e->quantized = NULL;
  e->capacity = 0;
}

void eq_encoder_free(eq_encoder *e) {
  if (!e) return;
  for (int i = 0; i < e->layer_count; i++) {
    eq_layer *l = &e->layers[i];
    eq_linear_free(&l->qkv);
    eq_linear_free(&l->attention_output);
    eq_linear_free(&l->ffn_in);
    eq_linear_free(&l->ffn_out);
    free(l->attention_norm.gamma);
    free(l->attention_norm.beta);
    free(l->ffn_norm.gamma);
    free(l->ffn_norm.beta);
  }
  free(e->layers);
  free(e->word_values);
  free(e->word_scales);
  free(e->word_f16);
  free(e->positions);
  free(e->embedding_norm.gamma);
  free(e->embedding_norm.beta);
  free_scratch(e);
  free(e);
}

static int reserve(eq_encoder *e, size_t tokens) {
  if (tokens <= e->capacity) return 0;
  free_scratch(e);
  const size_t padded = (tokens + EQ_TILE_ROWS - 1) / EQ_TILE_ROWS * EQ_TILE_ROWS;
  e->state = eq_aligned(sizeof(float) * tokens * EQ_HIDDEN);
  e->qkv = eq_aligned(sizeof(float) * tokens * 3 * EQ_HIDDEN);
  e->context = eq_aligned(sizeof(float) * tokens * EQ_HIDDEN);
  e->wide = eq_aligned(sizeof(float) * tokens * EQ_FFN);
  e->narrow = eq_aligned(sizeof(float) * tokens * EQ_HIDDEN);
  e->attention = eq_aligned(sizeof(float) * eq_attention_scratch_floats());
  e->quantized = eq_aligned(padded * EQ_FFN);
  if (!e->state || !e->qkv || !e->context || !e->wide || !e->narrow || !e->attention || !e->quantized) {
    free_scratch(e);
    return -1;
  }
  e->capacity = tokens;
  return 0;
}

static float half_to_float(uint16_t h) { return _cvtsh_ss(h); }

/* Word vector (int8 row x its scale, or float16) + position and token type, then the norm. */
static void embed(eq_encoder *e, const int32_t *ids, int length, float *out) {
  for (int p = 0; p < length; p++) {
    float *row = out + (size_t)p * EQ_HIDDEN;
    const float *position = e->positions + (size_t)p * EQ_HIDDEN;
    const size_t base = (size_t)ids[p] * EQ_HIDDEN;
    if (e->word_values) {
      const float s = e->word_scales[ids[p]];
      for (int h = 0; h < EQ_HIDDEN; h++) row[h] = (float)e->word_values[base + h] * s + position[h];
    } else {
      for (int h = 0; h < EQ_HIDDEN; h++) row[h] = half_to_float(e->word_f16[base + h]) + position[h];
    }
  }
  e->kernels->layer_norm(out, NULL, length, &e->embedding_norm);
}

static void linear(eq_encoder *e, const eq_linear *l, const float *in, int tokens, float *out, int gelu,
                   double *clock) {
  float scale;
  int zero_point;
  e->kernels->quantize(l, in, tokens, e->quantized, &scale, &zero_point);
  count(e, EQ_QUANTIZE, (double)tokens * l->inputs, clock);
  e->kernels->linear_run(l, e->quantized, tokens, scale, zero_point, out, gelu);
  count(e, gelu ? EQ_GEMM_GELU : EQ_GEMM, 2.0 * tokens * l->inputs * l->outputs, clock);
}

const char *eq_encode(eq_encoder *e, const int32_t *ids, const int32_t *mask, int rows, int columns, float *out) {
  if (rows <= 0 || columns <= 0) return "an empty batch";
  if (columns > EQ_MAX_POSITIONS) return "a sequence longer than 512 positions";
  int *lengths = malloc(sizeof(int) * rows);
  if (!lengths) return "out of memory";
  size_t tokens = 0;
  for (int r = 0; r < rows; r++) {
    int n = 0;
    while (n < columns && mask[(size_t)r * columns + n] != 0) n++;
    for (int c = n; c < columns; c++)
      if (mask[(size_t)r * columns + c] != 0) {
        free(lengths);
        return "a mask that is not right-padded";
      }
    for (int c = 0; c < n; c++)
      if (ids[(size_t)r * columns + c] < 0 || ids[(size_t)r * columns + c] >= e->vocab) {
        free(lengths);
        return "a token id outside the vocabulary";
      }
    lengths[r] = n;
    tokens += (size_t)n;
  }
  if (tokens == 0 || reserve(e, tokens) != 0) {
    free(lengths);
    return tokens == 0 ? "a batch without tokens" : "out of memory";
  }
  /* Only real tokens travel through the layers: padding is never computed. */
  const double started = seconds_now();
  double clock = started;
  size_t at = 0;
  for (int r = 0; r < rows; r++) {
    embed(e, ids + (size_t)r * columns, lengths[r], e->state + at * EQ_HIDDEN);
    at += (size_t)lengths[r];
  }
  count(e, EQ_EMBED, (double)tokens * EQ_HIDDEN, &clock);
  const int n = (int)tokens;
  for (int i = 0; i < e->layer_count; i++) {
    const eq_layer *l = &e->layers[i];
    linear(e, &l->qkv, e->state, n, e->qkv, 0, &clock);
    at = 0;
    double attention_ops = 0;
    for (int r = 0; r < rows; r++) {
      e->kernels->attention(e->qkv + at * 3 * EQ_HIDDEN, lengths[r], e->context + at * EQ_HIDDEN, e->attention);
      attention_ops += 4.0 * lengths[r] * lengths[r] * EQ_HIDDEN;
      at += (size_t)lengths[r];
    }
    count(e, EQ_ATTENTION, attention_ops, &clock);
    linear(e, &l->attention_output, e->context, n, e->narrow, 0, &clock);
    e->kernels->layer_norm(e->state, e->narrow, n, &l->attention_norm);
    count(e, EQ_LAYER_NORM, (double)n * EQ_HIDDEN, &clock);
    linear(e, &l->ffn_in, e->state, n, e->wide, 1, &clock);
    linear(e, &l->ffn_out, e->wide, n, e->narrow, 0, &clock);
    e->kernels->layer_norm(e->state, e->narrow, n, &l->ffn_norm);
    count(e, EQ_LAYER_NORM, (double)n * EQ_HIDDEN, &clock);
  }
  /* Mean pooling then L2 normalisation: normalising makes dividing by the count redundant. */
  at = 0;
  for (int r = 0; r < rows; r++) {
    float *vector = out + (size_t)r * EQ_HIDDEN;
    memset(vector, 0, sizeof(float) * EQ_HIDDEN);
    for (int t = 0; t < lengths[r]; t++)
      for (int h = 0; h < EQ_HIDDEN; h++) vector[h] += e->state[(at + t) * EQ_HIDDEN + h];
    float squares = 0.0f;
    for (int h = 0; h < EQ_HIDDEN; h++) squares += vector[h] * vector[h];
    const float inverse = squares > 0.0f ? 1.0f / sqrtf(squares) : 0.0f;
    for (int h = 0; h < EQ_HIDDEN; h++) vector[h] *= inverse;
    at += (size_t)lengths[r];
  }
  count(e, EQ_POOLING, (double)tokens * EQ_HIDDEN, &clock);
  e->stats.runs++;
  e->stats.tokens += tokens;
  e->stats.run_seconds += clock - started;
  free(lengths);
  return NULL;
}
