/*
 * embedq's native int8 encoder: the int8 serving graph (all-MiniLM-L6-v2) run with kernels of its
 * own instead of ONNX Runtime's, in two sets: AVX-512 VNNI and AVX2 (kernel-sets.c). Same weights,
 * same operators in the same order; only the kernels differ. One encoder runs one batch at a time
 * on the calling thread.
 */
#ifndef EMBEDQ_ENCODER_H
#define EMBEDQ_ENCODER_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

enum { EQ_HIDDEN = 384, EQ_HEADS = 12, EQ_HEAD_SIZE = 32, EQ_FFN = 1536, EQ_MAX_POSITIONS = 512 };
/* Rows of the GEMM micro-kernel: quantised inputs are padded to a multiple of it. */
enum { EQ_TILE_ROWS = 6, EQ_TILE_COLS = 64 };

/* x W + b with int8 W (a scale per column), its input quantised per tensor to uint8 on the fly. */
typedef struct {
  int inputs, outputs;
  int8_t *packed;          /* [outputs / 64][inputs / 4][64][4], the micro-kernels' order */
  int largest_weight;      /* max |w|: AVX2's vpmaddubsw is exact only up to 64 */
  int32_t *column_sums;    /* sum over inputs of each column, for the zero point */
  float *scale, *bias;     /* per column */
  float *inverse_divisors; /* per input channel, or NULL: the graph's Mul before quantising */
} eq_linear;

typedef struct {
  float *gamma, *beta;
} eq_norm;

typedef struct {
  eq_linear qkv, attention_output, ffn_in, ffn_out;
  eq_norm attention_norm, ffn_norm;
} eq_layer;

/* Where a batch's time goes, for `embedq bench --profile`: kept always (a clock read per stage). */
enum eq_stage { EQ_EMBED, EQ_QUANTIZE, EQ_GEMM, EQ_GEMM_GELU, EQ_ATTENTION, EQ_LAYER_NORM, EQ_POOLING, EQ_STAGES };
typedef struct {
  double seconds, work; /* work: int ops (2 x multiply-adds) for GEMMs, float ops for attention, else elements */
  uint64_t calls;
} eq_stage_stats;
typedef struct {
  eq_stage_stats stages[EQ_STAGES];
  uint64_t runs, tokens;
  double run_seconds;
} eq_stats;
extern const char *const eq_stage_names[EQ_STAGES];

typedef struct {
  int vocab;
  int8_t *word_values; /* int8 rows with a scale per row, or ... */
  float *word_scales;
  uint16_t *word_f16;  /* ... float16 rows (the int8-v1 graph) */
  float *positions;    /* position + token type 0, [512][384] */
  eq_norm embedding_norm;
  int layer_count;
  eq_layer *layers;
  /* Scratch, grown to the largest batch seen and kept. */
  size_t capacity;
  float *state, *qkv, *context, *wide, *narrow, *attention;
  uint8_t *quantized;
  const struct eq_kernels *kernels;
  eq_stats stats;
} eq_encoder;

/* 64-byte aligned memory (whole cache lines, as the kernels' aligned loads need), freed with free(). */
static inline void *eq_aligned(size_t bytes) { return aligned_alloc(64, (bytes + 63) / 64 * 64); }

/*
 * One instruction set's kernels (each in its own file, compiled with that set's flags):
 * quantize: rows x inputs floats (times the divisors) to uint8 as DynamicQuantizeLinear does,
 *   padded with the zero point to whole tiles of EQ_TILE_ROWS rows;
 * linear_run: out = dequantised GEMM + bias, then GELU when asked;
 * layer_norm: x = LayerNorm(x + add) row by row (add may be NULL);
 * attention: multi-head self-attention of one sequence, qkv [length][3 x 384] to context
 *   [length][384], in eq_attention_scratch_floats() of scratch.
 */
typedef struct eq_kernels {
  const char *name;   /* "avx512-vnni" or "avx2" */
  int largest_weight; /* the GEMM is exact for |w| up to this */
  void (*quantize)(const eq_linear *l, const float *x, int rows, uint8_t *out, float *scale, int *zero_point);
  void (*linear_run)(const eq_linear *l, const uint8_t *q, int rows, float scale, int zero_point, float *out,
                     int gelu);
  void (*layer_norm)(float *x, const float *add, int rows, const eq_norm *norm);
  void (*attention)(const float *qkv, int length, float *context, float *scratch);
} eq_kernels;
/* The sets this CPU runs, best first, into sets[]; returns how many (0 to 2). */
int eq_kernel_sets(const eq_kernels *sets[2]);
/* The named set when this CPU runs it, else NULL. */
const eq_kernels *eq_kernel_set(const char *name);

void eq_quantize_avx512(const eq_linear *l, const float *x, int rows, uint8_t *out, float *scale, int *zero_point);
void eq_linear_run_avx512(const eq_linear *l, const uint8_t *q, int rows, float scale, int zero_point, float *out,
                          int gelu);
void eq_layer_norm_avx512(float *x, const float *add, int rows, const eq_norm *norm);
void eq_attention_avx512(const float *qkv, int length, float *context, float *scratch);
void eq_quantize_avx2(const eq_linear *l, const float *x, int rows, uint8_t *out, float *scale, int *zero_point);
void eq_linear_run_avx2(const eq_linear *l, const uint8_t *q, int rows, float scale, int zero_point, float *out,
                        int gelu);
void eq_layer_norm_avx2(float *x, const float *add, int rows, const eq_norm *norm);
void eq_attention_avx2(const float *qkv, int length, float *context, float *scratch);

/* ONNX DynamicQuantizeLinear's scale and zero point for a tensor's range (min <= 0 <= max). */
void eq_quantize_parameters(float min, float max, float *scale, int *zero_point);
/* The micro-kernels read whole tiles of rows: the rows past `rows` get the zero point. */
void eq_pad_quantized_rows(uint8_t *q, int rows, int inputs, int zero_point);

/* Weights packed for both sets. */
int eq_linear_init(eq_linear *l, const int8_t *weight, int inputs, int outputs, const float *scale,
                   const float *bias, const float *inverse_divisors);
void eq_linear_free(eq_linear *l);

/* Attention's scratch, shared by both sets: queries padded to whole 4-row tiles, keys to 16. */
enum { EQ_ATTENTION_QUERIES = EQ_MAX_POSITIONS + 4, EQ_ATTENTION_KEYS = EQ_MAX_POSITIONS + 16 };
/* queries [516][32], values [512][32], keys [32][528], scores [516][528], 1 / row sums [516]. */
static inline size_t eq_attention_scratch_floats(void) {
  return (size_t)EQ_ATTENTION_QUERIES * EQ_HEAD_SIZE + (size_t)EQ_MAX_POSITIONS * EQ_HEAD_SIZE +
         (size_t)EQ_HEAD_SIZE * EQ_ATTENTION_KEYS + (size_t)EQ_ATTENTION_QUERIES * EQ_ATTENTION_KEYS +
         EQ_ATTENTION_QUERIES;
}

/* The encoder, running one kernel set. */
eq_encoder *eq_encoder_new(const eq_kernels *kernels);
void eq_encoder_free(eq_encoder *e);
/* NULL, or why the kernel set cannot run the loaded layers exactly (weights beyond its range). */
const char *eq_encoder_check(const eq_encoder *e);
/*
 * Pooled unit vectors of a right-padded batch: ids and mask [rows][columns], out [rows][384].
 * Returns NULL, or a message saying what was wrong with the batch.
 */
const char *eq_encode(eq_encoder *e, const int32_t *ids, const int32_t *mask, int rows, int columns, float *out);

#endif
