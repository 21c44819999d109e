/*
 * Times two builds of the native encoder against each other on the same batches: each build is a
 * shared library (measure-native-builds.sh makes them) with an encoder of random weights
 * (synthetic-encoder.c); two threads, as the bench's two sessions, each run every batch on both
 * builds back to back, in alternating order, so the host's drifts in speed fall on both alike.
 * Batches are the bench's: seed-like lengths (the seed workload's 24-quantiles, 38-107 word
 * pieces) packed up to 512 tokens. Prints tokens/s per build and B / A, and the largest
 * 1 - cosine between the two builds' vectors.
 * Usage: paired-bench A.so B.so KERNEL_SET BATCHES
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encoder.h"

typedef struct {
  eq_encoder *(*synthetic)(const char *set, unsigned seed);
  const char *(*encode)(eq_encoder *e, const int32_t *ids, const int32_t *mask, int rows, int columns, float *out);
} build;

enum { MAX_ROWS = 16, MAX_COLUMNS = 128, TOKEN_BUDGET = 512, THREADS = 2 };
static const int lengths[] = {38, 44, 46, 48, 50, 51, 53, 55, 56, 58, 60, 62,
                              64, 66, 68, 70, 73, 75, 78, 81, 85, 90, 96, 107};
static build builds[2];
static eq_encoder *encoders[2][THREADS];
static int batches;
static double seconds[THREADS][2], worst[THREADS];
static long tokens[THREADS];

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void load(build *b, const char *path) {
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library) fprintf(stderr, "%s\n", dlerror()), exit(2);
  b->synthetic = (eq_encoder * (*)(const char *, unsigned)) dlsym(library, "eq_synthetic_encoder");
  b->encode = (const char *(*)(eq_encoder *, const int32_t *, const int32_t *, int, int, float *))dlsym(library, "eq_encode");
  if (!b->synthetic || !b->encode) fprintf(stderr, "%s lacks eq_synthetic_encoder or eq_encode\n", path), exit(2);
}

static void *run(void *argument) {
  const int thread = (int)(long)argument;
  unsigned seed = 1234u + (unsigned)thread;
  static __thread int32_t ids[MAX_ROWS * MAX_COLUMNS], mask[MAX_ROWS * MAX_COLUMNS];
  static __thread float out[2][MAX_ROWS * EQ_HIDDEN];
  /* The first 10 batches warm both builds up (scratch, caches) and are not counted. */
  for (int b = -10; b < batches; b++) {
    int rows = 0, total = 0, columns = 0, length[MAX_ROWS];
    while (rows < MAX_ROWS) {
      const int l = lengths[rand_r(&seed) % (sizeof lengths / sizeof *lengths)];
      if (rows > 0 && total + l > TOKEN_BUDGET) break;
      length[rows++] = l, total += l, columns = l > columns ? l : columns;
    }
    for (int r = 0; r < rows; r++)
      for (int c = 0; c < columns; c++) {
        ids[r * columns + c] = c < length[r] ? (int32_t)(rand_r(&seed) % 30522) : 0;
        mask[r * columns + c] = c < length[r];
      }
    for (int k = 0; k < 2; k++) {
      const int v = (k + b) & 1;
      const double start = now();
      const char *error = builds[v].encode(encoders[v][thread], ids, mask, rows, columns, out[v]);
      if (error) fprintf(stderr, "build %c: %s\n", 'A' + v, error), exit(3);
      if (b >= 0) seconds[thread][v] += now() - start;
    }
    if (b < 0) continue;
    tokens[thread] += total;
    for (int r = 0; r < rows; r++) {
      double dot = 0;
      for (int h = 0; h < EQ_HIDDEN; h++) dot += (double)out[0][r * EQ_HIDDEN + h] * out[1][r * EQ_HIDDEN + h];
      if (1 - dot > worst[thread]) worst[thread] = 1 - dot;
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 5 || (batches = atoi(argv[4])) < 1) {
    fprintf(stderr, "usage: paired-bench A.so B.so KERNEL_SET BATCHES\n");
    return 2;
  }
  load(&builds[0], argv[1]);
  load(&builds[1], argv[2]);
  for (int v = 0; v < 2; v++)
    for (int t = 0; t < THREADS; t++)
      if (!(encoders[v][t] = builds[v].synthetic(argv[3], 99)))
        return fprintf(stderr, "build %c cannot run kernel set %s\n", 'A' + v, argv[3]), 2;
  pthread_t threads[THREADS];
  for (long t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, run, (void *)t);
  for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
  double rate[2];
  for (int v = 0; v < 2; v++) {
    double s = 0;
    long n = 0;
    for (int t = 0; t < THREADS; t++) s += seconds[t][v], n += tokens[t];
    rate[v] = (double)n / s * THREADS;
  }
  printf("A %.0f tokens/s, B %.0f tokens/s, B / A %.4f (largest 1 - cosine between them %.2g)\n", rate[0], rate[1],
         rate[1] / rate[0], worst[0] > worst[1] ? worst[0] : worst[1]);
  return 0;
}
