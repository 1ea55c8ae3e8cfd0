/* wasmrt_loader.h — opening compiled artifacts (ELF shared objects made by
 * the compiler, see runtime/wasmrt_artifact_format.h and the end of
 * runtime/wasmrt_abi.h). The loader never needs LLVM.
 *
 * Everything is checked before the object is mapped with dlopen: the file
 * must be an ELF64 little-endian shared object for this machine, carry a
 * well-formed `.wasmc` section of this format and ABI version, whose
 * payload decodes, and target this host's triple and CPU features. After
 * dlopen the artifact's `wasmc_artifact_info` must agree with the payload.
 *
 * Error kinds (wasm_error.kind):
 *   WASM_ERR_MALFORMED   corrupt or not ours: not ELF, truncated, no or bad
 *                        `.wasmc` section, payload does not decode, the
 *                        code disagrees with the description
 *   WASM_ERR_UNLINKABLE  well-formed but not for this process: other
 *                        machine, format or ABI version, triple, missing
 *                        CPU features, dlopen refused it
 *   WASM_ERR_IO          cannot open/read the file, memfd failure
 *   WASM_ERR_RESOURCE    out of memory, file larger than 1 GiB
 * The offset is the byte offset in the file where one applies, else
 * WASM_NO_OFFSET. Messages name the problem, e.g.
 * "not a wasmc artifact: no .wasmc section".
 *
 * Thread-safe: no global state besides libelf's one-time version setup.
 */
#ifndef WASMRT_LOADER_H
#define WASMRT_LOADER_H

#include "wasm.h"
#include "wasmrt_abi.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest artifact the loader reads (bounded memory on hostile input). */
#define WASMRT_ARTIFACT_MAX_SIZE ((size_t)1 << 30)

/* The `.wasmc` metadata, decoded. Strings are NUL-terminated copies. */
typedef struct wasmrt_artifact_meta {
  uint32_t format_version;
  uint32_t abi_version;
  char compiler_version[65];
  char llvm_version[17];
  char target_triple[65];
  char cpu_name[65];
  uint8_t wasm_sha256[32];
  char *features;      /* LLVM feature string ("+avx2,-avx512f"), owned */
  wasm_module *module; /* description (no code), owned */
} wasmrt_artifact_meta;

/* Reads the metadata without mapping the object (for `wasmc inspect` and
 * cache validation). Checks the ELF structure and the section format,
 * decodes the payload; does NOT check the triple or CPU features (use
 * wasmrt_artifact_check_host). On success *meta is filled and must be
 * released with wasmrt_artifact_meta_free; on failure it is zeroed. */
bool wasmrt_artifact_read_meta(const uint8_t *bytes, size_t len,
                               wasmrt_artifact_meta *meta, wasm_error *err);
bool wasmrt_artifact_read_meta_file(const char *path,
                                    wasmrt_artifact_meta *meta,
                                    wasm_error *err);
void wasmrt_artifact_meta_free(wasmrt_artifact_meta *meta);

/* Can this process run code built for `meta`: host triple, CPU name and
 * every "+feature" present on this CPU (see loader_cpu.c for the list of
 * known features and of those ignored as harmless). */
bool wasmrt_artifact_check_host(const wasmrt_artifact_meta *meta,
                                wasm_error *err);

/* Locates the `.wasmc` section in an ELF image: *section points into
 * `bytes` (no copy). Checks the ELF structure only, not the contents. */
bool wasmrt_artifact_extract_section(const uint8_t *bytes, size_t len,
                                     const uint8_t **section,
                                     size_t *section_len, wasm_error *err);

/* A loaded artifact: the mapped object plus its metadata. */
typedef struct wasmrt_artifact wasmrt_artifact;

/* Opens an artifact file. The file is read and checked, then mapped with
 * dlopen through /proc/self/fd of the same open file, so the checked
 * inode is the mapped one (/proc/PID/maps, hence perf, shows the real
 * path). Two opens of one unchanged file share one mapping. */
bool wasmrt_artifact_open(const char *path, wasmrt_artifact **out,
                          wasm_error *err);
/* Opens an artifact from memory: checked, copied to an anonymous memfd and
 * mapped from there (no temporary file; the fd is closed after dlopen).
 * `bytes` is not retained. Each call maps an independent copy. */
bool wasmrt_artifact_open_bytes(const uint8_t *bytes, size_t len,
                                wasmrt_artifact **out, wasm_error *err);
/* dlclose + free; NULL is fine. Code pointers obtained from the artifact
 * are invalid afterwards. */
void wasmrt_artifact_close(wasmrt_artifact *a);

/* The decoded module description (valid until close). */
const wasm_module *wasmrt_artifact_module(const wasmrt_artifact *a);
/* The compiled code table (one dlsym of WASMRT_ARTIFACT_INFO_SYMBOL). */
const wasmrt_artifact_info *wasmrt_artifact_code(const wasmrt_artifact *a);
/* Header fields: versions, triple, CPU, features, source SHA-256. */
const wasmrt_artifact_meta *wasmrt_artifact_metadata(const wasmrt_artifact *a);

#ifdef __cplusplus
}
#endif
#endif /* WASMRT_LOADER_H */
