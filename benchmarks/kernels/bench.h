/* The timing hooks every kernel calls around its measured part, and the
 * input-size switch. In wasm32 builds the hooks are the host imports
 * bench.start / bench.end (the sightglass convention, so every engine times
 * exactly the same region); native builds link benchmarks/native_bench.c. */
#ifndef BENCH_H
#define BENCH_H

#include <string.h>

#if defined(__wasm__)
__attribute__((import_module("bench"), import_name("start"))) void
bench_start(void);
__attribute__((import_module("bench"), import_name("end"))) void
bench_end(void);
#else
void bench_start(void);
void bench_end(void);
#endif

/* argv[1] == "quick" selects the small (~10-50 ms) input used by ctest. */
static inline int bench_is_quick(int argc, char **argv) {
  return argc > 1 && strcmp(argv[1], "quick") == 0;
}

/* A tiny deterministic generator shared by the kernels (xorshift32), so
 * inputs are identical on every engine without reading files. */
static inline unsigned bench_rand(unsigned *state) {
  unsigned x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

#endif
