/* compiler_loader.c — reaching the compiler without linking it: libwasmc
 * (and with it libLLVM) is dlopen'ed on the first compile only, so
 * `import wasmer`, Module.deserialize and cache hits never map LLVM.
 * The library is looked up beside this extension module (found with
 * dladdr), then through the normal dynamic-linker search path.
 */
#include "pyext_internal.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Only the declarations: the library itself is never linked. */
#include "wasmc.h"

typedef __typeof__(&wasmc_compile) compile_fn;

/* Process-wide and written under the GIL: the library is loaded at most
 * once and never unloaded. */
static compile_fn wasmc_compile_ptr;

static void *open_beside_extension(void) {
  Dl_info info;
  if (!dladdr((void *)&pyext_compile, &info) || !info.dli_fname)
    return NULL;
  const char *slash = strrchr(info.dli_fname, '/');
  if (!slash)
    return NULL;
  size_t dir_len = (size_t)(slash - info.dli_fname);
  char path[4096];
  if (dir_len + sizeof "/libwasmc.so" > sizeof path)
    return NULL;
  snprintf(path, sizeof path, "%.*s/libwasmc.so", (int)dir_len, info.dli_fname);
  return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

static int load_compiler(void) {
  if (wasmc_compile_ptr)
    return 0;
  void *handle = open_beside_extension();
  if (!handle)
    handle = dlopen("libwasmc.so", RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    PyErr_Format(PyExc_RuntimeError, "cannot load the compiler libwasmc: %s",
                 why ? why : "not found");
    return -1;
  }
  void *sym = dlsym(handle, "wasmc_compile");
  if (!sym) {
    PyErr_SetString(PyExc_RuntimeError,
                    "libwasmc does not define wasmc_compile");
    return -1;
  }
  wasmc_compile_ptr = (compile_fn)sym;
  return 0;
}

PyObject *pyext_compile(const uint8_t *wasm, size_t len) {
  if (load_compiler() < 0)
    return NULL;
  /* -O2 for the host CPU: artifacts made here run here (the cache and
   * serialize() are for this machine; `wasmc` makes portable ones). */
  wasmc_options opts = {.opt_level = 2, .cpu = "native"};
  uint8_t *so = NULL;
  size_t so_len = 0;
  wasm_error err = {0};
  bool ok;
  Py_BEGIN_ALLOW_THREADS;
  ok = wasmc_compile_ptr(wasm, len, &opts, &so, &so_len, &err);
  Py_END_ALLOW_THREADS;
  if (!ok)
    return pyext_raise_wasm_error(&err);
  PyObject *bytes = PyBytes_FromStringAndSize((const char *)so, so_len);
  free(so);
  return bytes;
}
