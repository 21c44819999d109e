/*
 * An encoder with the model's shapes and random weights (7-bit, as the graph's), for timing the
 * kernels without the graph file: compiled into each build that measure-native-builds.sh times,
 * against that build's encoder.h.
 */
#include <immintrin.h>
#include <stdlib.h>

#include "encoder.h"

enum { VOCAB = 30522 };

static float uniform(unsigned *seed, float scale) {
  return ((float)rand_r(seed) / (float)RAND_MAX - 0.5f) * 2.0f * scale;
}

static int norm(eq_norm *n, unsigned *seed) {
  n->gamma = eq_aligned(sizeof(float) * EQ_HIDDEN);
  n->beta = eq_aligned(sizeof(float) * EQ_HIDDEN);
  if (!n->gamma || !n->beta) return -1;
  for (int i = 0; i < EQ_HIDDEN; i++) n->gamma[i] = 1.0f + uniform(seed, 0.2f), n->beta[i] = uniform(seed, 0.1f);
  return 0;
}

/* Scales chosen so activations keep BERT-like magnitudes through the six layers. */
static int linear(eq_linear *l, int inputs, int outputs, unsigned *seed) {
  int8_t *w = malloc((size_t)inputs * outputs);
  float *scale = malloc(sizeof(float) * outputs), *bias = malloc(sizeof(float) * outputs);
  int failed = !w || !scale || !bias;
  if (!failed) {
    for (size_t i = 0; i < (size_t)inputs * outputs; i++) w[i] = (int8_t)(rand_r(seed) % 129 - 64);
    for (int n = 0; n < outputs; n++) scale[n] = 1.0f / (64.0f * (inputs == EQ_FFN ? 8.0f : 4.0f)), bias[n] = uniform(seed, 0.1f);
    failed = eq_linear_init(l, w, inputs, outputs, scale, bias, NULL) != 0;
  }
  free(w);
  free(scale);
  free(bias);
  return failed ? -1 : 0;
}

eq_encoder *eq_synthetic_encoder(const char *kernel_set, unsigned seed) {
  const eq_kernels *kernels = eq_kernel_set(kernel_set);
  eq_encoder *e = kernels ? eq_encoder_new(kernels) : NULL;
  if (!e) return NULL;
  e->vocab = VOCAB;
  e->word_f16 = malloc(sizeof(uint16_t) * VOCAB * EQ_HIDDEN);
  e->positions = eq_aligned(sizeof(float) * EQ_MAX_POSITIONS * EQ_HIDDEN);
  e->layers = calloc(6, sizeof(eq_layer));
  int failed = !e->word_f16 || !e->positions || !e->layers || norm(&e->embedding_norm, &seed) != 0;
  if (!failed) {
    e->layer_count = 6;
    for (size_t i = 0; i < (size_t)VOCAB * EQ_HIDDEN; i++) e->word_f16[i] = _cvtss_sh(uniform(&seed, 0.1f), 0);
    for (int i = 0; i < EQ_MAX_POSITIONS * EQ_HIDDEN; i++) e->positions[i] = uniform(&seed, 0.05f);
    for (int i = 0; i < 6 && !failed; i++) {
      eq_layer *l = &e->layers[i];
      failed = linear(&l->qkv, EQ_HIDDEN, 3 * EQ_HIDDEN, &seed) || linear(&l->attention_output, EQ_HIDDEN, EQ_HIDDEN, &seed) ||
               linear(&l->ffn_in, EQ_HIDDEN, EQ_FFN, &seed) || linear(&l->ffn_out, EQ_FFN, EQ_HIDDEN, &seed) ||
               norm(&l->attention_norm, &seed) || norm(&l->ffn_norm, &seed);
    }
  }
  if (failed) {
    eq_encoder_free(e);
    return NULL;
  }
  return e;
}
