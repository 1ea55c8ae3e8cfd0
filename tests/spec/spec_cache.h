/* spec_cache.h — an on-disk cache of compiled artifacts for the spec
 * runner, keyed by SHA-256 of (compiler library, wasm bytes, opt level).
 * Hashing the compiler library itself means a rebuilt compiler never
 * reuses stale code. Entries are written atomically (temp file + rename)
 * and every hit goes through the loader's checks, so a corrupt entry is
 * just a miss. Enabled by the environment variable WASMC_SPEC_CACHE (a
 * folder); without it every call is a miss and nothing is stored. */
#ifndef SPEC_CACHE_H
#define SPEC_CACHE_H

#include "wasmrt_loader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct spec_cache {
  bool enabled;
  char dir[1024];
  uint8_t compiler_id[32]; /* SHA-256 of libwasmc.so */
} spec_cache;

/* compiler_path: the libwasmc file in use (NULL disables the cache). */
void spec_cache_init(spec_cache *c, const char *compiler_path);
/* Opens the cached artifact for this module; false on a miss. */
bool spec_cache_open(const spec_cache *c, const uint8_t *wasm, size_t len,
                     int opt, wasmrt_artifact **out);
/* Best effort: failures only cost a recompile next time. */
void spec_cache_store(const spec_cache *c, const uint8_t *wasm, size_t len,
                      int opt, const uint8_t *so, size_t so_len);

#endif /* SPEC_CACHE_H */
