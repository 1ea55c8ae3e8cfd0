/* wasi.h — WASI host functions (wasi_snapshot_preview1 and wasi_unstable,
 * a.k.a. snapshot0) for the wasmc runtime.
 *
 * A wasi_ctx is the state of one WASI instance: arguments, environment,
 * the descriptor table (stdio + preopened directories + what the guest
 * opens), captured output, and the exit code. There is no global state.
 *
 * Every WASI function is a wasmrt_host_callback (wasmrt_abi.h). The
 * embedder creates one wasmrt_hostfn per WASI import, with `callback` from
 * the descriptor table below and `env` set to the wasi_ctx. The callback
 * reads its arguments from the slots (i32 in the low 32 bits), writes the
 * WASI errno to slots[0] and returns 0, or returns non-zero to make the
 * adapter trap:
 *   WASMRT_TRAP_EXIT  proc_exit was called; read wasi_ctx_exit_code();
 *   WASMRT_TRAP_HOST  the hostfn has no wasi_ctx (embedder bug).
 * Guest memory is caller->memories[0]; every guest pointer is checked
 * against its current size and a bad one yields errno FAULT (21).
 *
 * Sandbox: only preopened directories are reachable. Paths that would
 * leave a preopen (absolute paths, `..` above it, symlinks pointing out)
 * fail with NOTCAPABLE (76). See runtime/wasi/README.md for the errno
 * decisions and the snapshot0 differences.
 */
#ifndef WASI_H
#define WASI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"
#include "wasmrt_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Values match the wasmer Python API's WasiVersion enum. */
typedef enum wasi_version {
  WASI_VERSION_NONE = 0, /* not a WASI module */
  WASI_SNAPSHOT0 = 1,    /* "wasi_unstable" */
  WASI_SNAPSHOT1 = 2,    /* "wasi_snapshot_preview1" */
  WASI_LATEST = 3,       /* = Snapshot1 today */
} wasi_version;

#define WASI_MODULE_SNAPSHOT0 "wasi_unstable"
#define WASI_MODULE_SNAPSHOT1 "wasi_snapshot_preview1"

/* The namespace a module's function imports use. Non-strict: the first
 * WASI namespace found among the function imports (NONE if there is none).
 * Strict: all function imports must come from one module, and it must be a
 * WASI namespace; otherwise NONE. */
wasi_version wasi_detect_version(const wasm_module *m, bool strict);
/* "wasi_unstable" / "wasi_snapshot_preview1"; LATEST gives preview1. */
const char *wasi_version_module_name(wasi_version v);

/* One WASI function of one version. `sig` is "params:results" with i=i32,
 * I=i64 (the wasm_opcodes.def convention), e.g. fd_write "iiii:i". */
typedef struct wasi_func_desc {
  const char *module; /* "wasi_snapshot_preview1" or "wasi_unstable" */
  const char *name;   /* "fd_write" */
  const char *sig;
  uint32_t nparams, nresults;
  const wasm_valtype *params, *results;
  wasmrt_host_callback callback;
} wasi_func_desc;

/* All functions of a version (NONE gives an empty table). */
const wasi_func_desc *wasi_functions(wasi_version v, size_t *n);
/* Lookup by module + field name (not NUL-terminated); NULL if unknown. */
const wasi_func_desc *wasi_function_find(const char *module, size_t mlen,
                                         const char *name, size_t nlen);

/* True if a module's import type equals the function's signature (an
 * import of another type must be refused as unlinkable). */
bool wasi_func_desc_matches(const wasi_func_desc *d, const wasm_functype *t);

/* ------------------------------------------------------------- context */

typedef struct wasi_ctx wasi_ctx;

wasi_ctx *wasi_ctx_new(void); /* NULL on out of memory */
void wasi_ctx_free(wasi_ctx *ctx);

/* argv[0] is the program name. Replaces earlier arguments. */
bool wasi_ctx_set_args(wasi_ctx *ctx, size_t argc, const char *const *argv,
                       wasm_error *err);
/* Appends KEY=VALUE (the key must not contain '='). */
bool wasi_ctx_add_env(wasi_ctx *ctx, const char *key, const char *value,
                      wasm_error *err);
/* Makes host directory `host_path` visible to the guest as `guest_name`
 * (e.g. "." or "/sandbox"), as the next descriptor (3, 4, ...). */
bool wasi_ctx_preopen_dir(wasi_ctx *ctx, const char *host_path,
                          const char *guest_name, wasm_error *err);

/* Adds a virtual directory "/" (as the next descriptor) whose entries are
 * the preopened directories, by guest name: a guest can list "/" and reach
 * "/data/x" for a preopen named "data" or "/data". This is what the wasmer
 * Python API's map_directories shows. Call it before the preopens to get
 * it as fd 3. Only single-component names are listed. */
bool wasi_ctx_add_virtual_root(wasi_ctx *ctx, wasm_error *err);

/* Hands an open host descriptor (a socket, a pipe, a file) to the guest
 * as the next descriptor number (*guest_fd); the context owns it from
 * then on, even on failure. Rights follow its type. */
bool wasi_ctx_add_host_fd(wasi_ctx *ctx, int host_fd, uint32_t *guest_fd,
                          wasm_error *err);

/* Stdio: by default guest fds 0/1/2 are the host's 0/1/2. */
/* Collect guest writes to fd 1 or 2 in memory, at most `limit` bytes
 * (further writes fail with NOSPC). */
bool wasi_ctx_capture_output(wasi_ctx *ctx, int fd, size_t limit,
                             wasm_error *err);
/* The bytes collected so far for fd 1 or 2 (NULL/0 if not capturing). */
const uint8_t *wasi_ctx_output(const wasi_ctx *ctx, int fd, size_t *len);
void wasi_ctx_output_clear(wasi_ctx *ctx, int fd);
/* Guest reads from fd 0 return these bytes (copied), then end of file. */
bool wasi_ctx_set_stdin(wasi_ctx *ctx, const void *bytes, size_t len,
                        wasm_error *err);

/* True once proc_exit ran; *code gets its argument. */
bool wasi_ctx_exit_code(const wasi_ctx *ctx, int32_t *code);

enum {
  /* Resolve paths component by component even where openat2() exists
   * (old kernels take this path anyway; tests force it). */
  WASI_CTX_NO_OPENAT2 = 1u << 0,
};
void wasi_ctx_set_flags(wasi_ctx *ctx, unsigned flags);

#ifdef __cplusplus
}
#endif
#endif /* WASI_H */
