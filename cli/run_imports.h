/* run_imports.h — private to `wasmc run`: what a program's imports are
 * bound to (WASI of either version, and the sightglass `bench` pair). */
#ifndef WASMC_RUN_IMPORTS_H
#define WASMC_RUN_IMPORTS_H

#include "wasi.h"
#include "wasm.h"
#include "wasmrt.h"

#include <stdbool.h>
#include <stdint.h>

/* The two marks of `bench.start`/`bench.end` (CLOCK_MONOTONIC, ns). */
typedef struct run_bench {
  bool started, ended;
  uint64_t start_ns, end_ns;
} run_bench;

uint64_t run_now_ns(void);

/* One extern per module import, in order: WASI functions (through `wasi`)
 * and bench.start/bench.end (recording into `bench`). Anything else fails
 * with an UNLINKABLE error naming the module and field. On success
 * *imports is malloc'd; release it with run_imports_free. */
bool run_imports_bind(const wasm_module *m, wasi_ctx *wasi, run_bench *bench,
                      wasmrt_extern **imports, wasm_error *err);
void run_imports_free(wasmrt_extern *imports, uint32_t n);

#endif /* WASMC_RUN_IMPORTS_H */
