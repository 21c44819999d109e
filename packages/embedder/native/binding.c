/*
 * Node-API binding: kernelSets(), create(tensors, kernelSet), encode(encoder, ids, mask, rows, columns),
 * close(encoder), stats(encoder), resetStats(encoder).
 * Built without ISA flags so that kernelSets() runs on any x86-64 CPU; a set's kernels are only
 * reached through an encoder created with a set kernelSets() named.
 */
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder.h"

#define CHECK(call)                                                                                  \
  do {                                                                                               \
    if ((call) != napi_ok) {                                                                         \
      napi_throw_error(env, NULL, "embedq native encoder: Node-API call failed: " #call);            \
      return NULL;                                                                                   \
    }                                                                                                \
  } while (0)

/* kernelSets(): the names of the kernel sets this CPU runs, best first ([] when none). */
static napi_value kernel_sets(napi_env env, napi_callback_info info) {
  (void)info;
  const eq_kernels *sets[2];
  const int count = eq_kernel_sets(sets);
  napi_value result;
  CHECK(napi_create_array_with_length(env, (size_t)count, &result));
  for (int i = 0; i < count; i++) {
    napi_value name;
    CHECK(napi_create_string_utf8(env, sets[i]->name, NAPI_AUTO_LENGTH, &name));
    CHECK(napi_set_element(env, result, (uint32_t)i, name));
  }
  return result;
}

/* A named typed array of the tensors object: its data and length, or an error thrown. */
static int tensor(napi_env env, napi_value tensors, const char *name, napi_typedarray_type type, size_t length,
                  int optional, void **data) {
  char message[200];
  bool has = false;
  *data = NULL;
  if (napi_has_named_property(env, tensors, name, &has) != napi_ok) return -1;
  if (!has) {
    if (optional) return 0;
    snprintf(message, sizeof message, "embedq native encoder: the graph has no tensor %s", name);
    napi_throw_error(env, NULL, message);
    return -1;
  }
  napi_value value;
  bool is_typed = false;
  if (napi_get_named_property(env, tensors, name, &value) != napi_ok ||
      napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) {
    snprintf(message, sizeof message, "embedq native encoder: tensor %s is not a typed array", name);
    napi_throw_type_error(env, NULL, message);
    return -1;
  }
  napi_typedarray_type actual;
  size_t actual_length;
  if (napi_get_typedarray_info(env, value, &actual, &actual_length, data, NULL, NULL) != napi_ok) return -1;
  if (actual != type || (length != 0 && actual_length != length)) {
    snprintf(message, sizeof message, "embedq native encoder: tensor %s has %zu values of another type or count than expected (%zu)",
             name, actual_length, length);
    napi_throw_type_error(env, NULL, message);
    return -1;
  }
  return 0;
}

static float *copy_floats(const void *data, size_t count) {
  float *out = eq_aligned(sizeof(float) * count);
  if (out) memcpy(out, data, sizeof(float) * count);
  return out;
}

static int load_norm(napi_env env, napi_value tensors, const char *name, eq_norm *norm) {
  char key[64];
  void *gamma, *beta;
  snprintf(key, sizeof key, "%s_gamma", name);
  if (tensor(env, tensors, key, napi_float32_array, EQ_HIDDEN, 0, &gamma)) return -1;
  snprintf(key, sizeof key, "%s_beta", name);
  if (tensor(env, tensors, key, napi_float32_array, EQ_HIDDEN, 0, &beta)) return -1;
  norm->gamma = copy_floats(gamma, EQ_HIDDEN);
  norm->beta = copy_floats(beta, EQ_HIDDEN);
  return norm->gamma && norm->beta ? 0 : -1;
}

static int load_linear(napi_env env, napi_value tensors, int layer, const char *part, int inputs, int outputs,
                       eq_linear *l) {
  char key[64];
  void *weight, *scale, *bias, *divisors;
  snprintf(key, sizeof key, "layer%d_%s_wq", layer, part);
  if (tensor(env, tensors, key, napi_int8_array, (size_t)inputs * outputs, 0, &weight)) return -1;
  snprintf(key, sizeof key, "layer%d_%s_scale", layer, part);
  if (tensor(env, tensors, key, napi_float32_array, outputs, 0, &scale)) return -1;
  snprintf(key, sizeof key, "layer%d_%s_b", layer, part);
  if (tensor(env, tensors, key, napi_float32_array, outputs, 0, &bias)) return -1;
  snprintf(key, sizeof key, "layer%d_%s_divisors", layer, part);
  if (tensor(env, tensors, key, napi_float32_array, inputs, 1, &divisors)) return -1;
  if (eq_linear_init(l, weight, inputs, outputs, scale, bias, divisors) != 0) {
    napi_throw_error(env, NULL, "embedq native encoder: out of memory");
    return -1;
  }
  return 0;
}

static int load(napi_env env, napi_value tensors, eq_encoder *e) {
  void *values, *scales, *f16, *positions;
  if (tensor(env, tensors, "word_embeddings_i8", napi_int8_array, 0, 1, &values)) return -1;
  if (tensor(env, tensors, "word_embeddings_f16", napi_uint16_array, 0, 1, &f16)) return -1;
  napi_value array;
  size_t length = 0;
  if (values) {
    if (napi_get_named_property(env, tensors, "word_embeddings_i8", &array) != napi_ok ||
        napi_get_typedarray_info(env, array, NULL, &length, NULL, NULL, NULL) != napi_ok)
      return -1;
    e->vocab = (int)(length / EQ_HIDDEN);
    if (tensor(env, tensors, "word_embeddings_scale", napi_float32_array, (size_t)e->vocab, 0, &scales)) return -1;
    e->word_values = malloc(length);
    e->word_scales = copy_floats(scales, (size_t)e->vocab);
    if (!e->word_values || !e->word_scales) return -1;
    memcpy(e->word_values, values, length);
  } else if (f16) {
    if (napi_get_named_property(env, tensors, "word_embeddings_f16", &array) != napi_ok ||
        napi_get_typedarray_info(env, array, NULL, &length, NULL, NULL, NULL) != napi_ok)
      return -1;
    e->vocab = (int)(length / EQ_HIDDEN);
    e->word_f16 = malloc(length * sizeof(uint16_t));
    if (!e->word_f16) return -1;
    memcpy(e->word_f16, f16, length * sizeof(uint16_t));
  } else {
    napi_throw_error(env, NULL, "embedq native encoder: the graph has no word embedding table");
    return -1;
  }
  if (tensor(env, tensors, "position_embeddings", napi_float32_array, (size_t)EQ_MAX_POSITIONS * EQ_HIDDEN, 0,
             &positions))
    return -1;
  e->positions = copy_floats(positions, (size_t)EQ_MAX_POSITIONS * EQ_HIDDEN);
  if (!e->positions || load_norm(env, tensors, "embeddings", &e->embedding_norm)) return -1;
  int layers = 0;
  for (;; layers++) {
    char key[64];
    bool has = false;
    snprintf(key, sizeof key, "layer%d_qkv_wq", layers);
    if (napi_has_named_property(env, tensors, key, &has) != napi_ok || !has) break;
  }
  if (layers == 0) {
    napi_throw_error(env, NULL, "embedq native encoder: the graph has no int8 layers");
    return -1;
  }
  e->layers = calloc((size_t)layers, sizeof(eq_layer));
  if (!e->layers) return -1;
  e->layer_count = layers;
  for (int i = 0; i < layers; i++) {
    eq_layer *l = &e->layers[i];
    char name[64];
    if (load_linear(env, tensors, i, "qkv", EQ_HIDDEN, 3 * EQ_HIDDEN, &l->qkv) ||
        load_linear(env, tensors, i, "attn_out", EQ_HIDDEN, EQ_HIDDEN, &l->attention_output) ||
        load_linear(env, tensors, i, "ffn_in", EQ_HIDDEN, EQ_FFN, &l->ffn_in) ||
        load_linear(env, tensors, i, "ffn_out", EQ_FFN, EQ_HIDDEN, &l->ffn_out))
      return -1;
    snprintf(name, sizeof name, "layer%d_attn_norm", i);
    if (load_norm(env, tensors, name, &l->attention_norm)) return -1;
    snprintf(name, sizeof name, "layer%d_ffn_norm", i);
    if (load_norm(env, tensors, name, &l->ffn_norm)) return -1;
  }
  return 0;
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  eq_encoder **slot = data;
  eq_encoder_free(*slot);
  free(slot);
}

static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char set_name[32] = "";
  if (argc < 2 || napi_get_value_string_utf8(env, argv[1], set_name, sizeof set_name, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "embedq native encoder: create(tensors, kernelSet) needs the graph's tensors and a kernel set");
    return NULL;
  }
  const eq_kernels *kernels = eq_kernel_set(set_name);
  if (!kernels) {
    char message[120];
    snprintf(message, sizeof message, "embedq native encoder: this CPU does not run the kernel set '%s'", set_name);
    napi_throw_error(env, NULL, message);
    return NULL;
  }
  eq_encoder **slot = malloc(sizeof *slot);
  eq_encoder *e = eq_encoder_new(kernels);
  if (!slot || !e) {
    free(slot);
    eq_encoder_free(e);
    napi_throw_error(env, NULL, "embedq native encoder: out of memory");
    return NULL;
  }
  const char *inexact = NULL;
  if (load(env, argv[0], e) != 0 || (inexact = eq_encoder_check(e)) != NULL) {
    eq_encoder_free(e);
    free(slot);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) {
      char message[200];
      snprintf(message, sizeof message, "embedq native encoder: %s (%s)", inexact ? inexact : "out of memory", set_name);
      napi_throw_error(env, NULL, message);
    }
    return NULL;
  }
  *slot = e;
  napi_value external;
  CHECK(napi_create_external(env, slot, finalize, NULL, &external));
  return external;
}

static eq_encoder **slot_of(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "embedq native encoder: not an encoder");
    return NULL;
  }
  return data;
}

static napi_value encode(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "embedq native encoder: encode(encoder, ids, mask, rows, columns)");
    return NULL;
  }
  eq_encoder **slot = slot_of(env, argv[0]);
  if (!slot) return NULL;
  if (!*slot) {
    napi_throw_error(env, NULL, "embedq native encoder: the encoder was closed");
    return NULL;
  }
  int32_t rows, columns;
  CHECK(napi_get_value_int32(env, argv[3], &rows));
  CHECK(napi_get_value_int32(env, argv[4], &columns));
  void *ids, *mask;
  napi_typedarray_type type;
  size_t ids_length, mask_length;
  CHECK(napi_get_typedarray_info(env, argv[1], &type, &ids_length, &ids, NULL, NULL));
  if (type != napi_int32_array) goto bad;
  CHECK(napi_get_typedarray_info(env, argv[2], &type, &mask_length, &mask, NULL, NULL));
  if (type != napi_int32_array || rows <= 0 || columns <= 0 || ids_length != (size_t)rows * columns ||
      mask_length != ids_length)
    goto bad;
  napi_value buffer, result;
  void *out;
  CHECK(napi_create_arraybuffer(env, sizeof(float) * (size_t)rows * EQ_HIDDEN, &out, &buffer));
  const char *problem = eq_encode(*slot, ids, mask, rows, columns, out);
  if (problem) {
    char message[160];
    snprintf(message, sizeof message, "embedq native encoder: %s", problem);
    napi_throw_error(env, NULL, message);
    return NULL;
  }
  CHECK(napi_create_typedarray(env, napi_float32_array, (size_t)rows * EQ_HIDDEN, buffer, 0, &result));
  return result;
bad:
  napi_throw_type_error(env, NULL, "embedq native encoder: ids and mask must be Int32Arrays of rows x columns");
  return NULL;
}

static napi_value set_number(napi_env env, napi_value object, const char *name, double value) {
  napi_value v;
  if (napi_create_double(env, value, &v) != napi_ok || napi_set_named_property(env, object, name, v) != napi_ok)
    return NULL;
  return object;
}

/* The encoder slot of a call's only argument, or NULL with an error thrown. */
static eq_encoder **encoder_argument(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "embedq native encoder: an encoder is needed");
    return NULL;
  }
  return slot_of(env, argv[0]);
}

/* stats(encoder): { kernels, runs, tokens, runSeconds, stages: [{ op, calls, seconds, work }] } since the last reset. */
static napi_value stats(napi_env env, napi_callback_info info) {
  eq_encoder **slot = encoder_argument(env, info);
  if (!slot) return NULL;
  if (!*slot) {
    napi_throw_error(env, NULL, "embedq native encoder: the encoder was closed");
    return NULL;
  }
  const eq_stats *s = &(*slot)->stats;
  napi_value result, stages;
  CHECK(napi_create_object(env, &result));
  napi_value kernels;
  CHECK(napi_create_string_utf8(env, (*slot)->kernels->name, NAPI_AUTO_LENGTH, &kernels));
  CHECK(napi_set_named_property(env, result, "kernels", kernels));
  CHECK(napi_create_array_with_length(env, EQ_STAGES, &stages));
  if (!set_number(env, result, "runs", (double)s->runs) || !set_number(env, result, "tokens", (double)s->tokens) ||
      !set_number(env, result, "runSeconds", s->run_seconds))
    return NULL;
  for (int i = 0; i < EQ_STAGES; i++) {
    napi_value stage, op;
    CHECK(napi_create_object(env, &stage));
    CHECK(napi_create_string_utf8(env, eq_stage_names[i], NAPI_AUTO_LENGTH, &op));
    CHECK(napi_set_named_property(env, stage, "op", op));
    if (!set_number(env, stage, "calls", (double)s->stages[i].calls) ||
        !set_number(env, stage, "seconds", s->stages[i].seconds) || !set_number(env, stage, "work", s->stages[i].work))
      return NULL;
    CHECK(napi_set_element(env, stages, (uint32_t)i, stage));
  }
  CHECK(napi_set_named_property(env, result, "stages", stages));
  return result;
}

static napi_value reset_stats(napi_env env, napi_callback_info info) {
  eq_encoder **slot = encoder_argument(env, info);
  if (!slot) return NULL;
  if (*slot) memset(&(*slot)->stats, 0, sizeof(eq_stats));
  return NULL;
}

static napi_value close_encoder(napi_env env, napi_callback_info info) {
  eq_encoder **slot = encoder_argument(env, info);
  if (!slot) return NULL;
  eq_encoder_free(*slot);
  *slot = NULL;
  return NULL;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor functions[] = {
      {"kernelSets", NULL, kernel_sets, NULL, NULL, NULL, napi_default, NULL},
      {"create", NULL, create, NULL, NULL, NULL, napi_default, NULL},
      {"encode", NULL, encode, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_encoder, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, stats, NULL, NULL, NULL, napi_default, NULL},
      {"resetStats", NULL, reset_stats, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions) != napi_ok) return NULL;
  return exports;
}
