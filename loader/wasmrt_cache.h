/* wasmrt_cache.h — the per-user cache of compiled artifacts, shared by the
 * `wasmer` Python extension (Module(bytes)) and `wasmc run`. Needs no LLVM:
 * a hit is only read and checked; the caller compiles on a miss and stores.
 *
 * Location: $WASMC_CACHE_DIR, else $XDG_CACHE_HOME/wasmc (if absolute),
 * else $HOME/.cache/wasmc. WASMC_CACHE_DIR set to "" or "0" disables it.
 *
 * Entry name: lowercase hex SHA-256 of the key material
 *   SHA-256(wasm bytes)            32 raw bytes
 *   WASMRT_CACHE_VERSION "\n"      the project (compiler) version
 *   CPU identity "\n"              /proc/cpuinfo "model name" + "flags"
 *   "O<opt>\n"                     the optimisation level, 0..3
 *   target CPU                     the compiler's cpu option ("native", ...)
   "\n" size "." mtime             of the compiler's file, when given
 * followed by ".so". Different compile options never share an entry.
 *
 * Entry contents: the artifact (a plain ELF shared object, so tools can read
 * it) followed by a 40-byte trailer, "wasmcsum" and the SHA-256 of the
 * artifact bytes; a hit whose trailer does not match is a miss, so even
 * damaged code bytes (which the loader's ELF/`.wasmc` checks would not
 * notice) are never run. Callers still open the artifact with the loader,
 * which checks format version and CPU features, and recompile if refused.
 *
 * Stores write a unique temporary file in the cache directory, fsync it and
 * rename() it over the entry: concurrent readers see the old entry, the new
 * one or none, never a partial file.
 */
#ifndef WASMRT_CACHE_H
#define WASMRT_CACHE_H

#include "wasm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes after the artifact in an entry: "wasmcsum" + SHA-256. */
#define WASMRT_CACHE_TRAILER_SIZE 40

/* What the compiled code depends on besides the wasm bytes. */
typedef struct wasmrt_cache_options {
  unsigned opt_level;     /* 0..3 (larger values are keyed as 3) */
  const char *target_cpu; /* the compiler's cpu option; NULL = "generic" */
  /* The file holding the compiler's code (libwasmc.so, or the program it
   * is linked into), or NULL. Its size and mtime join the key, so a
   * rebuilt compiler of the same version never reuses stale entries. */
  const char *compiler_file;
} wasmrt_cache_options;

/* The cache directory (malloc'd), or NULL when disabled or unknown. */
char *wasmrt_cache_dir(void);

/* The entry path (malloc'd) for `wasm` compiled with `opts` (NULL: -O2,
 * "generic") in the cache directory, or NULL when the cache is disabled (or out
 * of memory). */
char *wasmrt_cache_entry_path(const uint8_t *wasm, size_t len,
                              const wasmrt_cache_options *opts);

/* Reads entry `path`: on a hit *so (malloc'd) holds the artifact bytes,
 * trailer removed, and true is returned. A missing, unreadable, oversized
 * or damaged entry is a miss (false); nothing else is reported. */
bool wasmrt_cache_load(const char *path, uint8_t **so, size_t *so_len);

/* Stores `so` as entry `path` atomically, creating the cache directory
 * (mode 0700) if needed. Callers usually ignore failure (an unwritable
 * cache only costs a compile); err says why (WASM_ERR_IO). */
bool wasmrt_cache_store(const char *path, const uint8_t *so, size_t so_len,
                        wasm_error *err);

#ifdef __cplusplus
}
#endif
#endif /* WASMRT_CACHE_H */
