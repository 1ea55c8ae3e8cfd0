/* compile_time.c — how long wasmc_compile takes, for benchmarks/run.
 *
 *   wasmc-compile-time [-r N] [-t THREADS] [-O LEVEL] [-o OUT.so] FILE.wasm...
 *
 * Compiles each file N times (default 3) in process and prints one line per
 * file: `compile-ms FILE opt=L threads=T wasm_bytes=B so_bytes=S ms=M`
 * with M the median wall time. THREADS is wasmc_options.threads (0 =
 * automatic). With -o the last artifact is written to OUT.so (the ctest
 * compile_partitioned runs it). */
#include "wasmc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RUNS 99

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap)
      break;
    uint8_t *bigger = realloc(buf, cap * 2);
    if (!bigger) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  fclose(f);
  *len = n;
  return buf;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int write_all(const char *path, const uint8_t *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(p, 1, n, f) != n) {
    if (f)
      fclose(f);
    fprintf(stderr, "%s: cannot write\n", path);
    return 1;
  }
  return fclose(f) != 0;
}

/* Returns 0, or 1 after printing why the file did not compile. */
static int time_file(const char *path, const wasmc_options *o, int runs,
                     const char *out) {
  size_t len = 0;
  uint8_t *wasm = read_all(path, &len);
  if (!wasm) {
    fprintf(stderr, "%s: cannot read\n", path);
    return 1;
  }
  double ms[MAX_RUNS];
  size_t so_len = 0;
  for (int r = 0; r < runs; r++) {
    uint8_t *so = NULL;
    wasm_error err = {0};
    double t0 = now_ms();
    bool ok = wasmc_compile(wasm, len, o, &so, &so_len, &err);
    ms[r] = now_ms() - t0;
    if (ok && out && r == runs - 1 && write_all(out, so, so_len))
      ok = false, snprintf(err.message, sizeof err.message, "-o failed");
    free(so);
    if (!ok) {
      fprintf(stderr, "%s: %s\n", path, err.message);
      free(wasm);
      return 1;
    }
  }
  qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
  printf("compile-ms %s opt=%u threads=%u wasm_bytes=%zu so_bytes=%zu "
         "ms=%.1f\n",
         path, o->opt_level, o->threads, len, so_len, ms[runs / 2]);
  fflush(stdout);
  free(wasm);
  return 0;
}

int main(int argc, char **argv) {
  wasmc_options o;
  wasmc_options_init(&o);
  int runs = 3, i = 1, failed = 0;
  const char *out = NULL;
  for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
    int v = atoi(argv[i + 1]);
    if (strcmp(argv[i], "-o") == 0)
      out = argv[i + 1];
    else if (strcmp(argv[i], "-r") == 0 && v >= 1 && v <= MAX_RUNS)
      runs = v;
    else if (strcmp(argv[i], "-t") == 0 && v >= 0)
      o.threads = (unsigned)v;
    else if (strcmp(argv[i], "-O") == 0 && v >= 0 && v <= 3)
      o.opt_level = (unsigned)v;
    else
      break;
  }
  if (i >= argc) {
    fprintf(stderr,
            "usage: %s [-r N] [-t THREADS] [-O LEVEL] [-o OUT.so] "
            "FILE.wasm...\n",
            argv[0]);
    return 2;
  }
  for (; i < argc; i++)
    failed |= time_file(argv[i], &o, runs, out);
  return failed;
}
