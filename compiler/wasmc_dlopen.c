/* wasmc_dlopen.c — see wasmc_dlopen.h. */
#include "wasmc_dlopen.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef WASMC_VERSION_STRING
#error "the build sets WASMC_VERSION_STRING (compiler/CMakeLists.txt)"
#endif

#define LIBRARY_NAME "libwasmc.so"

#if defined(__SANITIZE_ADDRESS__)
/* Sanitizer builds only (WASMC_SANITIZE, GCC 12's runtime). After libLLVM,
 * opened here, has used its thread_locals, LeakSanitizer's exit-time scan
 * of dynamic TLS reads a bogus block ("DTLS 7 at 0x2f8-0x30000013fa") and
 * its tracer dies with SIGSEGV, failing the process after every test
 * passed (spec runner, about one script in three). Not scanning TLS only
 * drops it as a root: a real leak is still reported. The one block that
 * then looks lost, the dynamic TLS itself, matches LeakSanitizer's built-in
 * suppression for __tls_get_addr, whose summary is not printed (it would
 * follow a spec runner's summary line, which must come last). This
 * definition overrides the runtime's weak one for every program linking
 * this file. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void) {
  return "use_tls=0:print_suppressions=0";
}
#endif

static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static wasmc_library library;
static bool library_ready;
static char library_path[4096];

/* Appends "; <path>: <reason>" to the error text kept across attempts
 * (dlerror's text names the file already: then path is NULL). */
static void note_failure(char *why, size_t size, const char *path,
                         const char *reason) {
  size_t used = strlen(why);
  if (used < size)
    snprintf(why + used, size - used, "%s%s%s%s", used ? "; " : "",
             path ? path : "", path ? ": " : "", reason);
}

/* Resolves the entry points and checks the version; closes the handle and
 * says why on failure. */
static bool bind_library(void *handle, const char *path, char *why,
                         size_t size) {
  void *options_init = dlsym(handle, "wasmc_options_init");
  void *compile = dlsym(handle, "wasmc_compile");
  void *version = dlsym(handle, "wasmc_version");
  if (!options_init || !compile || !version) {
    note_failure(why, size, path, "not libwasmc (wasmc_compile missing)");
    dlclose(handle);
    return false;
  }
  library.options_init = (void (*)(wasmc_options *))options_init;
  library.compile = (bool (*)(const uint8_t *, size_t, const wasmc_options *,
                              uint8_t **, size_t *, wasm_error *))compile;
  library.version = (const char *(*)(void))version;
  /* wasmc_options is shared by value: a library of another version may
   * lay it out differently, so only this tree's own version is used. */
  static const char expected[] = "wasmc " WASMC_VERSION_STRING " ";
  const char *v = library.version();
  if (strncmp(v, expected, sizeof expected - 1) != 0) {
    char reason[256];
    snprintf(reason, sizeof reason, "is \"%s\", not wasmc %s", v,
             WASMC_VERSION_STRING);
    note_failure(why, size, path, reason);
    dlclose(handle);
    return false;
  }
  snprintf(library_path, sizeof library_path, "%s", path);
  library.path = library_path;
  return true;
}

/* dlopen + bind; records why a candidate was not used. */
static bool try_open(const char *path, bool must_exist, char *why,
                     size_t size) {
  if (must_exist && access(path, F_OK) != 0)
    return false; /* an absent optional location is not worth reporting */
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *e = dlerror();
    if (e)
      note_failure(why, size, NULL, e);
    else
      note_failure(why, size, path, "cannot be opened");
    return false;
  }
  return bind_library(handle, path, why, size);
}

static bool open_first(const char *dir, char *why, size_t size) {
  char path[4096];
  if (dir &&
      snprintf(path, sizeof path, "%s/" LIBRARY_NAME, dir) < (int)sizeof path &&
      try_open(path, true, why, size))
    return true;
#ifdef WASMC_DLOPEN_BUILD_PATH /* absent when LLVM is not in the build */
  if (try_open(WASMC_DLOPEN_BUILD_PATH, true, why, size))
    return true;
#endif
  return try_open(LIBRARY_NAME, false, why, size);
}

const wasmc_library *wasmc_library_open(const char *dir, wasm_error *err) {
  char why[2048] = "";
  pthread_mutex_lock(&open_lock);
  bool ok = library_ready || open_first(dir, why, sizeof why);
  library_ready = ok;
  pthread_mutex_unlock(&open_lock);
  if (ok)
    return &library;
  wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET,
                 "cannot load the compiler library " LIBRARY_NAME ": %s", why);
  return NULL;
}

/* The directory of the running executable; false if /proc/self/exe cannot
 * be read or does not fit. */
static bool exe_dir(char *buf, size_t size) {
  ssize_t n = readlink("/proc/self/exe", buf, size);
  if (n <= 0 || (size_t)n >= size)
    return false;
  buf[n] = '\0';
  char *slash = strrchr(buf, '/');
  if (!slash)
    return false;
  if (slash == buf)
    slash++; /* the root directory keeps its "/" */
  *slash = '\0';
  return true;
}

const wasmc_library *wasmc_library_open_beside_exe(wasm_error *err) {
  char dir[4096];
  return wasmc_library_open(exe_dir(dir, sizeof dir) ? dir : NULL, err);
}
