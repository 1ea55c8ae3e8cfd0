/* Import binding for `wasmc run`. Only host functions exist on the
 * command line: WASI (preview1 or snapshot0, whichever namespace each
 * import names) and the sightglass convention bench.start/bench.end. */
#include "run_imports.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t run_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* bench.start/bench.end just record the time; `run` decides whether to
 * print it (--bench), so a benchmark also runs without the flag. */
static int bench_start(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                       uint64_t *slots) {
  run_bench *b = fn->env;
  b->started = true;
  b->start_ns = run_now_ns();
  return 0;
}

static int bench_end(wasmrt_hostfn *fn, wasmrt_vmctx *caller, uint64_t *slots) {
  run_bench *b = fn->env;
  b->end_ns = run_now_ns();
  b->ended = true;
  return 0;
}

static bool name_is(wasm_name n, const char *s) {
  return n.len == strlen(s) && memcmp(n.data, s, n.len) == 0;
}

static bool unknown_import(const wasm_import *im, const char *why,
                           wasm_error *err) {
  return wasm_error_set(err, WASM_ERR_UNLINKABLE, WASM_NO_OFFSET,
                        "%s: \"%.*s\".\"%.*s\" (%s)", why, (int)im->module.len,
                        im->module.data, (int)im->name.len, im->name.data,
                        wasm_externkind_str(im->kind));
}

static wasmrt_hostfn *bind_wasi(const wasm_import *im, const wasm_functype *ft,
                                wasi_ctx *wasi, wasm_error *err) {
  const wasi_func_desc *d = wasi_function_find(im->module.data, im->module.len,
                                               im->name.data, im->name.len);
  if (!d) {
    unknown_import(im, "unknown import", err);
    return NULL;
  }
  if (!wasi_func_desc_matches(d, ft)) {
    unknown_import(im, "incompatible import type", err);
    return NULL;
  }
  return wasmrt_hostfn_new(ft, d->callback, wasi, NULL, err);
}

static wasmrt_hostfn *bind_bench(const wasm_import *im, const wasm_functype *ft,
                                 run_bench *bench, wasm_error *err) {
  bool start = name_is(im->name, "start"), end = name_is(im->name, "end");
  if (!start && !end) {
    unknown_import(im, "unknown import", err);
    return NULL;
  }
  if (ft->nparams != 0 || ft->nresults != 0) {
    unknown_import(im, "incompatible import type (want () -> ())", err);
    return NULL;
  }
  return wasmrt_hostfn_new(ft, start ? bench_start : bench_end, bench, NULL,
                           err);
}

static wasmrt_hostfn *bind_one(const wasm_module *m, const wasm_import *im,
                               wasi_ctx *wasi, run_bench *bench,
                               wasm_error *err) {
  if (im->kind != WASM_EXTERN_FUNC) {
    unknown_import(im, "unknown import", err);
    return NULL;
  }
  const wasm_functype *ft = &m->types[im->u.func_type];
  if (name_is(im->module, WASI_MODULE_SNAPSHOT1) ||
      name_is(im->module, WASI_MODULE_SNAPSHOT0))
    return bind_wasi(im, ft, wasi, err);
  if (name_is(im->module, "bench"))
    return bind_bench(im, ft, bench, err);
  unknown_import(im, "unknown import", err);
  return NULL;
}

bool run_imports_bind(const wasm_module *m, wasi_ctx *wasi, run_bench *bench,
                      wasmrt_extern **imports, wasm_error *err) {
  *imports = calloc(m->num_imports ? m->num_imports : 1, sizeof **imports);
  if (!*imports)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  for (uint32_t i = 0; i < m->num_imports; i++) {
    wasmrt_hostfn *fn = bind_one(m, &m->imports[i], wasi, bench, err);
    if (!fn) {
      run_imports_free(*imports, i);
      *imports = NULL;
      return false;
    }
    (*imports)[i].kind = WASMRT_EXTERN_HOSTFN;
    (*imports)[i].of.hostfn = fn;
  }
  return true;
}

void run_imports_free(wasmrt_extern *imports, uint32_t n) {
  if (!imports)
    return;
  for (uint32_t i = 0; i < n; i++)
    if (imports[i].kind == WASMRT_EXTERN_HOSTFN)
      wasmrt_hostfn_release(imports[i].of.hostfn);
  free(imports);
}
