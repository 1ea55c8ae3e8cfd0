/* wasmc.h — the ahead-of-time compiler: WebAssembly bytes in, an ELF shared
 * object (the artifact, see runtime/wasmrt_abi.h and
 * runtime/wasmrt_artifact_format.h) out.
 *
 * No global state: every call builds its own LLVM context, so independent
 * compiles may run on different threads at once.
 */
#ifndef WASMC_H
#define WASMC_H

#include "wasm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libwasmc is built with hidden visibility; this is its whole export. */
#define WASMC_API __attribute__((visibility("default")))

typedef struct wasmc_options {
  unsigned opt_level; /* 0..3, as -O0..-O3; larger values mean 3 */
  /* "generic" (or NULL/""): the portable baseline, x86-64-v2 (SSE4.1 gives
   * inline roundss/roundsd for ceil/floor/trunc/nearest, so artifacts need
   * no libm); "native": this host's CPU and features; anything else: an
   * LLVM CPU name ("skylake", "x86-64-v3", ...). */
  const char *cpu;
  /* Compile threads: 0 (the default) splits modules with at least ~96 KiB
   * of code into one partition per ~48 KiB (at most 4), compiled on up to
   * one thread per online CPU. The split depends on the module alone, so
   * for a given `cpu` the artifact is the same on every machine, whatever
   * its core count. 1 compiles on the calling thread; N > 1 forces N
   * partitions (at most 4, at most one per function), each on its own
   * thread. */
  unsigned threads;
  /* Makes the code check the interrupt flag itself, on every loop
   * back-edge and at the entry of functions that call, instead of relying
   * on the runtime's interrupt signal (SIGURG, runtime/interrupt.c) alone:
   * for threads that block that signal. Costs 2% in geomean (benchmarks/,
   * side by side), up to 10-12% (matmul, switch). Off by default. */
  bool interrupt_polls;
} wasmc_options;

/* Fills defaults: -O2, "generic", automatic threads. */
WASMC_API void wasmc_options_init(wasmc_options *opts);

/* Decodes, validates and compiles `wasm`. On success *so_bytes (malloc'd,
 * caller frees) holds the shared object. On failure err says why: the
 * decoder's/validator's error, or WASM_ERR_INTERNAL/RESOURCE for the
 * back end (e.g. "SIMD not supported yet"). */
WASMC_API bool wasmc_compile(const uint8_t *wasm, size_t len,
                             const wasmc_options *opts, uint8_t **so_bytes,
                             size_t *so_len, wasm_error *err);

/* "wasmc <version> (LLVM <version>)"; static storage. */
WASMC_API const char *wasmc_version(void);

/* SHA-256 of `len` bytes (the artifact's and the cache's key). */
WASMC_API void wasmc_sha256(const uint8_t *data, size_t len, uint8_t out[32]);

#ifdef __cplusplus
}
#endif
#endif /* WASMC_H */
