/* cache.c — the artifact cache behind Module(bytes): a thin Python-object
 * wrapper over the loader's cache (loader/wasmrt_cache.h documents the
 * location, key, entry format and atomic stores). A hit needs neither
 * libwasmc nor LLVM.
 */
#include "pyext_internal.h"

#include "wasmrt_cache.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The libwasmc.so beside this extension (where compiler_loader.c loads
 * it from) into buf; "" if unknown. Only stat'ed for the key, not loaded. */
static void compiler_file(char *buf, size_t size) {
  Dl_info info;
  buf[0] = '\0';
  if (!dladdr((void *)&pyext_cache_path, &info) || !info.dli_fname)
    return;
  const char *slash = strrchr(info.dli_fname, '/');
  int dir_len = slash ? (int)(slash - info.dli_fname) : 1;
  snprintf(buf, size, "%.*s/libwasmc.so", dir_len,
           slash ? info.dli_fname : ".");
}

PyObject *pyext_cache_path(const uint8_t *wasm, size_t len) {
  char lib[4096];
  compiler_file(lib, sizeof lib);
  /* Must match the options pyext_compile passes (compiler_loader.c): they
   * are part of the key, so `wasmc run` entries (-O2, "generic" by
   * default) and Python's stay apart. */
  wasmrt_cache_options opts = {
      .opt_level = 2,
      .target_cpu = "native",
      .compiler_file = lib[0] ? lib : NULL,
  };
  char *path;
  Py_BEGIN_ALLOW_THREADS; /* hashes the whole module */
  path = wasmrt_cache_entry_path(wasm, len, &opts);
  Py_END_ALLOW_THREADS;
  if (!path)
    Py_RETURN_NONE; /* disabled (or no memory: then simply uncached) */
  PyObject *result = PyUnicode_DecodeFSDefault(path);
  free(path);
  return result;
}

PyObject *pyext_cache_load(PyObject *path) {
  PyObject *encoded = NULL;
  if (!PyUnicode_FSConverter(path, &encoded)) {
    PyErr_Clear();
    return NULL;
  }
  uint8_t *so;
  size_t len;
  bool hit;
  Py_BEGIN_ALLOW_THREADS;
  hit = wasmrt_cache_load(PyBytes_AS_STRING(encoded), &so, &len);
  Py_END_ALLOW_THREADS;
  Py_DECREF(encoded);
  if (!hit)
    return NULL;
  PyObject *bytes =
      PyBytes_FromStringAndSize((const char *)so, (Py_ssize_t)len);
  free(so);
  PyErr_Clear(); /* a failed copy is a miss, not an error */
  return bytes;
}

void pyext_cache_store(PyObject *path, PyObject *so) {
  PyObject *encoded = NULL;
  if (!PyUnicode_FSConverter(path, &encoded)) {
    PyErr_Clear(); /* best effort: the module works without the cache */
    return;
  }
  const char *p = PyBytes_AS_STRING(encoded);
  const uint8_t *data = (const uint8_t *)PyBytes_AS_STRING(so);
  size_t len = (size_t)PyBytes_GET_SIZE(so);
  wasm_error err = {0};
  Py_BEGIN_ALLOW_THREADS;
  (void)wasmrt_cache_store(p, data, len, &err);
  Py_END_ALLOW_THREADS;
  Py_DECREF(encoded);
}
