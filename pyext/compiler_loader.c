/* compiler_loader.c — reaching the compiler without linking it: libwasmc
 * (and with it libLLVM) is dlopen'ed on the first compile only, so
 * `import wasmer`, Module.deserialize and cache hits never map LLVM.
 * The library is looked up beside this extension module (found with
 * dladdr), then where wasmc_dlopen.h says.
 */
#include "pyext_internal.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* Only the declarations and the dlopen helper: libwasmc is never linked. */
#include "wasmc_dlopen.h"

/* The directory holding this extension module (found with dladdr). */
static bool extension_dir(char *dir, size_t size) {
  Dl_info info;
  if (!dladdr((void *)&pyext_compile, &info) || !info.dli_fname)
    return false;
  const char *slash = strrchr(info.dli_fname, '/');
  if (!slash || (size_t)(slash - info.dli_fname) >= size)
    return false;
  snprintf(dir, size, "%.*s", (int)(slash - info.dli_fname), info.dli_fname);
  return true;
}

/* Opened once per process and never closed (wasmc_library_open). */
static const wasmc_library *load_compiler(void) {
  char dir[4096];
  wasm_error err = {0};
  const wasmc_library *lib =
      wasmc_library_open(extension_dir(dir, sizeof dir) ? dir : NULL, &err);
  if (!lib)
    PyErr_SetString(PyExc_RuntimeError, err.message);
  return lib;
}

PyObject *pyext_compile(const uint8_t *wasm, size_t len) {
  const wasmc_library *lib = load_compiler();
  if (!lib)
    return NULL;
  /* -O2 for the host CPU: artifacts made here run here (the cache and
   * serialize() are for this machine; `wasmc` makes portable ones). */
  wasmc_options opts;
  lib->options_init(&opts);
  opts.opt_level = 2;
  opts.cpu = "native";
  uint8_t *so = NULL;
  size_t so_len = 0;
  wasm_error err = {0};
  bool ok;
  Py_BEGIN_ALLOW_THREADS;
  ok = lib->compile(wasm, len, &opts, &so, &so_len, &err);
  Py_END_ALLOW_THREADS;
  if (!ok)
    return pyext_raise_wasm_error(&err);
  PyObject *bytes = PyBytes_FromStringAndSize((const char *)so, so_len);
  free(so);
  return bytes;
}
