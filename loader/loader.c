/* loader.c — opening artifacts: read + check everything, then dlopen, then
 * bind `wasmc_artifact_info` and check it against the description.
 *
 * Both open paths map the object through "/proc/self/fd/N" of the very fd
 * the checked bytes came from (the file itself, or a memfd copy), so what
 * is mapped is the inode that was checked, not whatever a path names a
 * moment later. glibc folds a dlopen into an already loaded object whose
 * name is equal, and fd numbers are reused once closed, so the name is made
 * unique among loaded objects first (see unique_fd_name). */
#define _GNU_SOURCE /* memfd_create */
#include "loader_internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct wasmrt_artifact {
  void *handle;
  const wasmrt_artifact_info *code;
  wasmrt_artifact_meta meta;
};

/* Everything that can be checked before mapping the object. */
static bool precheck(const uint8_t *bytes, size_t len, wasmrt_artifact *a,
                     wasm_error *err) {
  return wasmrt_artifact_read_meta(bytes, len, &a->meta, err) &&
         wasmrt_artifact_check_host(&a->meta, err);
}

/* The code table must match the description the runtime will trust. */
static bool check_info(const wasmrt_artifact_info *info, const wasm_module *m,
                       wasm_error *err) {
  if (info->abi_version != WASMRT_ABI_VERSION)
    return wasm_error_set(err, WASM_ERR_UNLINKABLE, WASM_NO_OFFSET,
                          "artifact code built for runtime ABI version %u, "
                          "this runtime has version %u",
                          info->abi_version, WASMRT_ABI_VERSION);
  if (info->num_imported_funcs != m->num_imported_funcs ||
      info->num_defined_funcs != m->num_funcs)
    return wasm_error_set(err, WASM_ERR_MALFORMED, WASM_NO_OFFSET,
                          "artifact code does not match its description: "
                          "code has %u imported + %u defined functions, "
                          "description %u + %u",
                          info->num_imported_funcs, info->num_defined_funcs,
                          m->num_imported_funcs, m->num_funcs);
  if ((info->num_defined_funcs && (!info->native || !info->array)) ||
      (info->num_imported_funcs && !info->import_adapters))
    return wasm_error_set(err, WASM_ERR_MALFORMED, WASM_NO_OFFSET,
                          "artifact code table has null function arrays");
  return true;
}

/* A number no earlier load in this process used, spelled into the name. */
static unsigned long next_load_serial(void) {
  static _Atomic unsigned long serial;
  return ++serial;
}

/* "/proc/self/fd/" + the bits of `serial` as "./" (1) and ".//" (0), most
 * significant first, + N: each serial gives a distinct string naming the
 * same fd, so the name is new without scanning for a free variant. */
static void fd_name(int fd, unsigned long serial, char *name, size_t cap) {
  size_t used = (size_t)snprintf(name, cap, "/proc/self/fd/");
  int top = 63 - __builtin_clzl(serial | 1);
  for (int bit = top; bit >= 0 && used + 4 < cap; bit--) {
    const char *part = (serial >> bit) & 1 ? "./" : ".//";
    memcpy(name + used, part, strlen(part) + 1);
    used += strlen(part);
  }
  snprintf(name + used, cap - used, "%d", fd);
}

/* A "/proc/self/fd/N" name no loaded object has: an earlier artifact loaded
 * through the same (since reused) fd number keeps its name, and glibc would
 * fold our dlopen into it. The serial makes a clash unlikely; RTLD_NOLOAD
 * ("is this name loaded?") makes sure. */
static bool unique_fd_name(int fd, char *name, size_t cap, wasm_error *err) {
  for (int tries = 0; tries < 64; tries++) {
    fd_name(fd, next_load_serial(), name, cap);
    void *old = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
    if (!old)
      return true;
    dlclose(old);
  }
  return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                        "no unused name to load an artifact through fd %d", fd);
}

/* dlopen + bind; on failure the handle is closed again. */
static bool map_and_bind(wasmrt_artifact *a, int fd, wasm_error *err) {
  char name[1100];
  if (!unique_fd_name(fd, name, sizeof name, err))
    return false;
  a->handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (!a->handle) {
    const char *why = dlerror();
    return wasm_error_set(err, WASM_ERR_UNLINKABLE, WASM_NO_OFFSET,
                          "cannot load artifact: %s", why ? why : "dlopen");
  }
  a->code = dlsym(a->handle, WASMRT_ARTIFACT_INFO_SYMBOL);
  if (!a->code)
    wasm_error_set(err, WASM_ERR_MALFORMED, WASM_NO_OFFSET,
                   "not a wasmc artifact: no %s symbol",
                   WASMRT_ARTIFACT_INFO_SYMBOL);
  if (!a->code || !check_info(a->code, a->meta.module, err)) {
    dlclose(a->handle);
    a->handle = NULL;
    a->code = NULL;
    return false;
  }
  return true;
}

static wasmrt_artifact *new_artifact(wasm_error *err) {
  wasmrt_artifact *a = calloc(1, sizeof *a);
  if (!a)
    wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET, "out of memory");
  return a;
}

static bool finish(wasmrt_artifact *a, bool ok, wasmrt_artifact **out) {
  if (!ok) {
    wasmrt_artifact_close(a);
    a = NULL;
  }
  *out = a;
  return ok;
}

bool wasmrt_artifact_open(const char *path, wasmrt_artifact **out,
                          wasm_error *err) {
  *out = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET,
                          "cannot open %s: %s", path, strerror(errno));
  uint8_t *bytes = NULL;
  size_t len;
  wasmrt_artifact *a = NULL;
  bool ok = loader_read_fd(fd, path, &bytes, &len, err) &&
            (a = new_artifact(err)) != NULL && precheck(bytes, len, a, err) &&
            map_and_bind(a, fd, err);
  free(bytes);
  close(fd);
  return finish(a, ok, out);
}

static bool write_all(int fd, const uint8_t *bytes, size_t len,
                      wasm_error *err) {
  size_t n = 0;
  while (n < len) {
    ssize_t w = write(fd, bytes + n, len - n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET,
                            "cannot write artifact to memfd: %s",
                            strerror(w < 0 ? errno : ENOSPC));
    n += (size_t)w;
  }
  return true;
}

/* Copies the bytes to a fresh memfd and maps it. Distinct memfds are
 * distinct inodes, so each call gets its own mapping. */
static bool map_from_memory(wasmrt_artifact *a, const uint8_t *bytes,
                            size_t len, wasm_error *err) {
  int fd = memfd_create("wasmc-artifact", MFD_CLOEXEC);
  if (fd < 0)
    return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET, "memfd_create: %s",
                          strerror(errno));
  bool ok = write_all(fd, bytes, len, err) && map_and_bind(a, fd, err);
  close(fd); /* the mapping keeps the memory alive */
  return ok;
}

bool wasmrt_artifact_open_bytes(const uint8_t *bytes, size_t len,
                                wasmrt_artifact **out, wasm_error *err) {
  *out = NULL;
  wasmrt_artifact *a = new_artifact(err);
  if (!a)
    return false;
  bool ok = precheck(bytes, len, a, err) && map_from_memory(a, bytes, len, err);
  return finish(a, ok, out);
}

void wasmrt_artifact_close(wasmrt_artifact *a) {
  if (!a)
    return;
  if (a->handle)
    dlclose(a->handle);
  wasmrt_artifact_meta_free(&a->meta);
  free(a);
}

const wasm_module *wasmrt_artifact_module(const wasmrt_artifact *a) {
  return a->meta.module;
}

const wasmrt_artifact_info *wasmrt_artifact_code(const wasmrt_artifact *a) {
  return a->code;
}

const wasmrt_artifact_meta *wasmrt_artifact_metadata(const wasmrt_artifact *a) {
  return &a->meta;
}
