/* wasmc_dlopen.h — libwasmc opened on first use, for programs that only
 * sometimes compile: `wasmc run X.so`, the spec runner on a cache hit, the
 * Python extension on a cache hit or deserialize. Linking libwasmc maps
 * and relocates libLLVM at every start: `wasmc run` of a hello-world
 * artifact took 60 ms and 51 MiB of peak RSS that way, 5.5 ms and 2.4 MiB
 * with the library opened here, only when something is compiled.
 *
 * Link the static library `wasmc_dlopen`, never `wasmc_compiler`. */
#ifndef WASMC_DLOPEN_H
#define WASMC_DLOPEN_H

#include "wasmc.h"

/* libwasmc's entry points (wasmc.h), resolved in the opened library. */
typedef struct wasmc_library {
  const char *path; /* the file that was opened */
  void (*options_init)(wasmc_options *opts);
  bool (*compile)(const uint8_t *wasm, size_t len, const wasmc_options *opts,
                  uint8_t **so_bytes, size_t *so_len, wasm_error *err);
  const char *(*version)(void);
} wasmc_library;

/* Opens libwasmc once per process (thread-safe; later calls return the
 * same table; it is never closed). Tries, in order:
 *   1. `dir`/libwasmc.so, when `dir` is not NULL (the caller's own
 *      directory: a command or extension moved together with its library);
 *   2. the libwasmc.so built in the same build tree as this code (its
 *      absolute path, fixed at build time, as a build RPATH would be);
 *   3. "libwasmc.so" through the dynamic linker's search path.
 * A library whose version is not this tree's is refused, not used.
 * NULL with `err` (WASM_ERR_INTERNAL) naming what was tried and why it
 * failed; a failed open is retried on the next call. */
const wasmc_library *wasmc_library_open(const char *dir, wasm_error *err);

/* wasmc_library_open with `dir` the running executable's directory
 * (/proc/self/exe; none if that cannot be read), for programs. */
const wasmc_library *wasmc_library_open_beside_exe(wasm_error *err);

#endif /* WASMC_DLOPEN_H */
