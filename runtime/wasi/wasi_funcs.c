/* wasi_funcs.c — the callbacks the embedder binds to WASI imports, the
 * per-version descriptor tables, and WASI version detection. */
#include "wasi_internal.h"

/* Memory 0 of the caller, if it has one (mem0_base is NULL otherwise and
 * memories[] may then be empty). */
static void call_init(wasi_call *c, wasi_ctx *ctx, wasmrt_vmctx *caller,
                      uint64_t *slots, wasi_version v) {
  c->ctx = ctx;
  c->slots = slots;
  c->version = v;
  c->mem = NULL;
  c->mem_size = 0;
  if (caller && caller->mem0_base && caller->memories && caller->memories[0]) {
    c->mem = caller->memories[0]->base;
    c->mem_size = caller->memories[0]->size;
  }
}

static int run(wasmrt_hostfn *fn, wasmrt_vmctx *caller, uint64_t *slots,
               wasi_version v, uint16_t (*impl)(wasi_call *)) {
  wasi_ctx *ctx = fn ? fn->env : NULL;
  if (!ctx)
    return WASMRT_TRAP_HOST;
  wasi_call c;
  call_init(&c, ctx, caller, slots, v);
  uint16_t rc = impl(&c);
  if (impl == wasi_impl_proc_exit)
    return WASMRT_TRAP_EXIT; /* the code is in ctx, see wasi_ctx_exit_code */
  slots[0] = rc;
  return 0;
}

/* Two callbacks per function: the version decides the data layouts. */
#define WASI_X(name, sig, ...)                                                 \
  static int cb1_##name(wasmrt_hostfn *fn, wasmrt_vmctx *caller,               \
                        uint64_t *slots) {                                     \
    return run(fn, caller, slots, WASI_SNAPSHOT1, wasi_impl_##name);           \
  }                                                                            \
  static int cb0_##name(wasmrt_hostfn *fn, wasmrt_vmctx *caller,               \
                        uint64_t *slots) {                                     \
    return run(fn, caller, slots, WASI_SNAPSHOT0, wasi_impl_##name);           \
  }                                                                            \
  static const wasm_valtype params_##name[] = {WASM_I32, ##__VA_ARGS__};
WASI_FUNCS(WASI_X)
#undef WASI_X

static const wasm_valtype result_i32[] = {WASM_I32};

/* params_x has a leading pad entry so empty lists are valid C. */
#define WASI_ROW(mod, cb, name, sig)                                           \
  {mod,                                                                        \
   #name,                                                                      \
   sig,                                                                        \
   sizeof params_##name / sizeof(wasm_valtype) - 1,                            \
   sig[sizeof sig - 2] == ':' ? 0 : 1,                                         \
   params_##name + 1,                                                          \
   result_i32,                                                                 \
   cb##_##name},
#define WASI_X1(name, sig, ...) WASI_ROW(WASI_MODULE_SNAPSHOT1, cb1, name, sig)
#define WASI_X0(name, sig, ...) WASI_ROW(WASI_MODULE_SNAPSHOT0, cb0, name, sig)

static const wasi_func_desc table1[] = {WASI_FUNCS(WASI_X1)};
static const wasi_func_desc table0[] = {WASI_FUNCS(WASI_X0)};

#define TABLE_LEN (sizeof table1 / sizeof table1[0])

const wasi_func_desc *wasi_functions(wasi_version v, size_t *n) {
  switch (v) {
  case WASI_SNAPSHOT1:
  case WASI_LATEST:
    *n = TABLE_LEN;
    return table1;
  case WASI_SNAPSHOT0:
    *n = TABLE_LEN - 1; /* without sock_accept, the last row */
    return table0;
  default:
    *n = 0;
    return table1;
  }
}

static bool name_is(const char *s, size_t len, const char *lit) {
  return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static wasi_version version_of(const char *s, size_t len) {
  if (name_is(s, len, WASI_MODULE_SNAPSHOT1))
    return WASI_SNAPSHOT1;
  if (name_is(s, len, WASI_MODULE_SNAPSHOT0))
    return WASI_SNAPSHOT0;
  return WASI_VERSION_NONE;
}

const wasi_func_desc *wasi_function_find(const char *module, size_t mlen,
                                         const char *name, size_t nlen) {
  size_t n;
  const wasi_func_desc *t = wasi_functions(version_of(module, mlen), &n);
  for (size_t i = 0; i < n; i++)
    if (name_is(name, nlen, t[i].name))
      return &t[i];
  return NULL;
}

bool wasi_func_desc_matches(const wasi_func_desc *d, const wasm_functype *t) {
  if (t->nparams != d->nparams || t->nresults != d->nresults)
    return false;
  for (uint32_t i = 0; i < t->nparams; i++)
    if (t->params[i] != d->params[i])
      return false;
  for (uint32_t i = 0; i < t->nresults; i++)
    if (t->results[i] != d->results[i])
      return false;
  return true;
}

const char *wasi_version_module_name(wasi_version v) {
  switch (v) {
  case WASI_SNAPSHOT0:
    return WASI_MODULE_SNAPSHOT0;
  case WASI_SNAPSHOT1:
  case WASI_LATEST:
    return WASI_MODULE_SNAPSHOT1;
  default:
    return NULL;
  }
}

wasi_version wasi_detect_version(const wasm_module *m, bool strict) {
  const wasm_name *first = NULL;
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const wasm_import *imp = &m->imports[i];
    if (imp->kind != WASM_EXTERN_FUNC)
      continue;
    wasi_version v = version_of(imp->module.data, imp->module.len);
    if (!strict && v != WASI_VERSION_NONE)
      return v;
    if (!first)
      first = &imp->module;
    else if (first->len != imp->module.len ||
             memcmp(first->data, imp->module.data, first->len) != 0)
      return WASI_VERSION_NONE; /* strict: mixed namespaces */
  }
  return first && strict ? version_of(first->data, first->len)
                         : WASI_VERSION_NONE;
}
