/* spec_engine_exec.c — the executing engine: every module is compiled with
 * libwasmc (in process), loaded from memory by the loader and instantiated
 * by the runtime, with imports resolved from registered instances and the
 * `spectest` host module. Compiled artifacts are cached on disk (see
 * spec_cache.c) so re-runs skip LLVM. */
#include "spec_cache.h"
#include "spec_engine.h"
#include "wasm.h"
#include "wasmc_dlopen.h"
#include "wasmrt.h"
#include "wasmrt_loader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the compiler says when a module needs the (not yet written) SIMD
 * back end; such modules are validated but not run (see spec_run.c). */
#define SIMD_UNSUPPORTED "SIMD not supported yet"

typedef struct exec_module {
  char *name;            /* "$name" from the script, or NULL */
  wasmrt_artifact *art;  /* NULL if the module could not be compiled */
  wasmrt_instance *inst; /* NULL if instantiation failed */
  char unsupported[256]; /* non-empty: compiled only up to this reason */
} exec_module;

typedef struct exec_registration {
  char *as;
  exec_module *mod;
} exec_registration;

/* The spec interpreter's `spectest` module (interpreter/host/spectest.ml). */
typedef struct spectest {
  wasmrt_hostfn *print[7];
  wasmrt_global *globals[4];
  wasmrt_table *table;
  wasmrt_memory *memory;
} spectest;

typedef struct exec_engine {
  int opt;
  exec_module **mods; /* every module ever loaded (instances need them) */
  size_t num_mods, cap_mods;
  exec_module *current;
  exec_registration *regs;
  size_t num_regs, cap_regs;
  spectest st;
  bool st_ok;
  spec_cache cache;
  const wasmc_library *compiler; /* NULL: why is in compiler_error */
  wasm_error compiler_error;
} exec_engine;

static void set_result(spec_result *res, spec_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_result(spec_result *res, spec_outcome o, const char *fmt, ...) {
  va_list ap;
  res->outcome = o;
  va_start(ap, fmt);
  vsnprintf(res->message, sizeof res->message, fmt, ap);
  va_end(ap);
}

static bool grow(void **arr, size_t *cap, size_t n, size_t elem) {
  if (n < *cap)
    return true;
  size_t ncap = *cap ? *cap * 2 : 8;
  void *p = realloc(*arr, ncap * elem);
  if (!p)
    return false;
  *arr = p;
  *cap = ncap;
  return true;
}

/* ------------------------------------------------------------ spectest */

static int spectest_print(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                          uint64_t *slots) {
  (void)fn, (void)caller, (void)slots;
  return 0; /* the suite checks only that the call links and returns */
}

static const wasm_valtype print_params[7][2] = {
    {0, 0},        {WASM_I32, 0},        {WASM_I64, 0},        {WASM_F32, 0},
    {WASM_F64, 0}, {WASM_I32, WASM_F32}, {WASM_F64, WASM_F64},
};
static const uint32_t print_nparams[7] = {0, 1, 1, 1, 1, 2, 2};
static const char *const print_names[7] = {
    "print",     "print_i32",     "print_i64",     "print_f32",
    "print_f64", "print_i32_f32", "print_f64_f64",
};
static const char *const global_names[4] = {"global_i32", "global_i64",
                                            "global_f32", "global_f64"};

static bool spectest_globals(spectest *st, wasm_error *err) {
  wasmrt_value v[4] = {
      {WASM_I32, {.i32 = 666}},
      {WASM_I64, {.i64 = 666}},
      {WASM_F32, {.f32 = 666.6f}},
      {WASM_F64, {.f64 = 666.6}},
  };
  for (int i = 0; i < 4; i++) {
    st->globals[i] =
        wasmrt_global_new((wasm_globaltype){v[i].type, false}, &v[i], err);
    if (!st->globals[i])
      return false;
  }
  return true;
}

static bool spectest_init(spectest *st, wasm_error *err) {
  for (int i = 0; i < 7; i++) {
    wasm_functype t = {print_nparams[i], 0, print_params[i], NULL};
    st->print[i] = wasmrt_hostfn_new(&t, spectest_print, NULL, NULL, err);
    if (!st->print[i])
      return false;
  }
  if (!spectest_globals(st, err))
    return false;
  st->table = wasmrt_table_new((wasm_tabletype){WASM_FUNCREF, {10, 20, true}},
                               NULL, err);
  st->memory = wasmrt_memory_new((wasm_limits){1, 2, true}, 0, err);
  return st->table && st->memory;
}

static void spectest_free(spectest *st) {
  for (int i = 0; i < 7; i++)
    if (st->print[i])
      wasmrt_hostfn_release(st->print[i]);
  for (int i = 0; i < 4; i++)
    if (st->globals[i])
      wasmrt_global_release(st->globals[i]);
  if (st->table)
    wasmrt_table_release(st->table);
  if (st->memory)
    wasmrt_memory_release(st->memory);
}

static bool name_is(wasm_name n, const char *s) {
  return n.len == strlen(s) && memcmp(n.data, s, n.len) == 0;
}

static wasmrt_extern spectest_lookup(spectest *st, wasm_name field) {
  wasmrt_extern e = {WASMRT_EXTERN_NONE, {NULL}};
  for (int i = 0; i < 7; i++)
    if (name_is(field, print_names[i]))
      e = (wasmrt_extern){WASMRT_EXTERN_HOSTFN, {.hostfn = st->print[i]}};
  for (int i = 0; i < 4; i++)
    if (name_is(field, global_names[i]))
      e = (wasmrt_extern){WASMRT_EXTERN_GLOBAL, {.global = st->globals[i]}};
  if (name_is(field, "table"))
    e = (wasmrt_extern){WASMRT_EXTERN_TABLE, {.table = st->table}};
  if (name_is(field, "memory"))
    e = (wasmrt_extern){WASMRT_EXTERN_MEMORY, {.memory = st->memory}};
  return e;
}

/* ------------------------------------------------------------- engine */

static void *exec_create(int opt) {
  exec_engine *e = calloc(1, sizeof *e);
  wasm_error err = {0};
  if (!e)
    return NULL;
  e->opt = opt;
  e->st_ok = spectest_init(&e->st, &err);
  /* Opened up front: the cache key hashes the library file. */
  e->compiler = wasmc_library_open_beside_exe(&e->compiler_error);
  spec_cache_init(&e->cache, e->compiler ? e->compiler->path : NULL);
  return e;
}

static void exec_destroy(void *self) {
  exec_engine *e = self;
  /* Instances first (they use the artifacts' code and descriptions). */
  for (size_t i = 0; i < e->num_mods; i++)
    if (e->mods[i]->inst)
      wasmrt_instance_release(e->mods[i]->inst);
  for (size_t i = 0; i < e->num_mods; i++) {
    wasmrt_artifact_close(e->mods[i]->art);
    free(e->mods[i]->name);
    free(e->mods[i]);
  }
  for (size_t i = 0; i < e->num_regs; i++)
    free(e->regs[i].as);
  free(e->regs);
  free(e->mods);
  spectest_free(&e->st);
  free(e);
}

static void exec_check(void *self, const uint8_t *bytes, size_t size,
                       spec_result *res) {
  wasm_module *m = NULL;
  wasm_error err = {0};
  (void)self;
  if (!wasm_module_decode(bytes, size, WASM_DECODE_DEFAULT, &m, &err)) {
    set_result(res, SPEC_OUT_MALFORMED, "%s", err.message);
    return;
  }
  if (!wasm_module_validate(m, &err))
    set_result(res, SPEC_OUT_INVALID, "%s", err.message);
  else
    set_result(res, SPEC_OUT_OK, "%s", "");
  wasm_module_free(m);
}

static exec_module *find_module(exec_engine *e, const char *name) {
  if (!name)
    return e->current;
  for (size_t i = e->num_mods; i-- > 0;)
    if (e->mods[i]->name && strcmp(e->mods[i]->name, name) == 0)
      return e->mods[i];
  return NULL;
}

static exec_module *find_registered(exec_engine *e, wasm_name n) {
  for (size_t i = e->num_regs; i-- > 0;)
    if (name_is(n, e->regs[i].as))
      return e->regs[i].mod;
  return NULL;
}

/* Resolves every import by (module, field). Returns false (and sets res to
 * UNSUPPORTED) only when an import comes from a module that could not be
 * compiled; a missing one is left NONE for the runtime to report. */
static bool resolve_imports(exec_engine *e, const wasm_module *m,
                            wasmrt_extern *out, spec_result *res) {
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const wasm_import *imp = &m->imports[i];
    out[i] = (wasmrt_extern){WASMRT_EXTERN_NONE, {NULL}};
    if (name_is(imp->module, "spectest")) {
      out[i] = spectest_lookup(&e->st, imp->name);
      continue;
    }
    exec_module *src = find_registered(e, imp->module);
    if (src && src->unsupported[0]) {
      set_result(res, SPEC_OUT_UNSUPPORTED, "%s", src->unsupported);
      return false;
    }
    if (src && src->inst)
      wasmrt_instance_export(src->inst, imp->name.data, imp->name.len, &out[i]);
  }
  return true;
}

static void instantiate(exec_engine *e, exec_module *mod, spec_result *res) {
  const wasm_module *m = wasmrt_artifact_module(mod->art);
  wasmrt_extern *imports = calloc(m->num_imports + 1, sizeof *imports);
  wasmrt_trap trap = {0};
  wasm_error err = {0};
  if (!imports) {
    set_result(res, SPEC_OUT_ERROR, "out of memory");
    return;
  }
  if (resolve_imports(e, m, imports, res)) {
    mod->inst = wasmrt_instance_new(m, wasmrt_artifact_code(mod->art), imports,
                                    m->num_imports, NULL, &trap, &err);
    if (mod->inst)
      set_result(res, SPEC_OUT_OK, "%s", "");
    else if (err.kind == WASM_ERR_UNLINKABLE)
      set_result(res, SPEC_OUT_UNLINKABLE, "%s", err.message);
    else if (err.kind == WASM_ERR_TRAP)
      set_result(res, SPEC_OUT_UNINSTANTIABLE, "%s",
                 trap.code ? trap.message : err.message);
    else
      set_result(res, SPEC_OUT_ERROR, "%s", err.message);
  }
  free(imports);
}

/* Compiles (or fetches from the cache) and opens the artifact. */
static void compile_module(exec_engine *e, exec_module *mod,
                           const uint8_t *bytes, size_t size,
                           spec_result *res) {
  wasm_error err = {0};
  if (spec_cache_open(&e->cache, bytes, size, e->opt, &mod->art))
    return;
  if (!e->compiler) {
    set_result(res, SPEC_OUT_ERROR, "%s", e->compiler_error.message);
    return;
  }
  wasmc_options o;
  e->compiler->options_init(&o);
  o.opt_level = (unsigned)e->opt;
  uint8_t *so = NULL;
  size_t so_len = 0;
  if (!e->compiler->compile(bytes, size, &o, &so, &so_len, &err)) {
    if (strncmp(err.message, SIMD_UNSUPPORTED, strlen(SIMD_UNSUPPORTED)) == 0)
      snprintf(mod->unsupported, sizeof mod->unsupported, "%s", err.message);
    spec_outcome o2 = err.kind == WASM_ERR_MALFORMED ? SPEC_OUT_MALFORMED
                      : err.kind == WASM_ERR_INVALID ? SPEC_OUT_INVALID
                                                     : SPEC_OUT_ERROR;
    set_result(res, o2, "%s", err.message);
    return;
  }
  if (!wasmrt_artifact_open_bytes(so, so_len, &mod->art, &err))
    set_result(res, SPEC_OUT_ERROR, "loader: %s", err.message);
  else
    spec_cache_store(&e->cache, bytes, size, e->opt, so, so_len);
  free(so);
}

static void exec_load(void *self, const char *name, const uint8_t *bytes,
                      size_t size, spec_result *res) {
  exec_engine *e = self;
  exec_module *mod = calloc(1, sizeof *mod);
  if (!mod ||
      !grow((void **)&e->mods, &e->cap_mods, e->num_mods, sizeof *e->mods)) {
    free(mod);
    set_result(res, SPEC_OUT_ERROR, "out of memory");
    return;
  }
  e->mods[e->num_mods++] = mod;
  mod->name = name ? strdup(name) : NULL;
  set_result(res, SPEC_OUT_OK, "%s", "");
  if (!e->st_ok) {
    set_result(res, SPEC_OUT_ERROR, "cannot create the spectest module");
    return;
  }
  compile_module(e, mod, bytes, size, res);
  if (mod->art)
    instantiate(e, mod, res);
  /* A module the back end cannot compile yet still passed validation;
   * what uses it is skipped with the compiler's reason. */
  if (mod->unsupported[0]) {
    set_result(res, SPEC_OUT_OK, "%s", "");
    e->current = mod;
    return;
  }
  if (res->outcome == SPEC_OUT_UNSUPPORTED ||
      (res->outcome == SPEC_OUT_OK && mod->inst))
    e->current = mod;
}

static void exec_register(void *self, const char *name, const char *as,
                          spec_result *res) {
  exec_engine *e = self;
  exec_module *mod = find_module(e, name);
  if (!mod || (!mod->inst && !mod->unsupported[0])) {
    set_result(res, SPEC_OUT_ERROR, "no module %s", name ? name : "(current)");
    return;
  }
  if (!grow((void **)&e->regs, &e->cap_regs, e->num_regs, sizeof *e->regs) ||
      !(e->regs[e->num_regs].as = strdup(as))) {
    set_result(res, SPEC_OUT_ERROR, "out of memory");
    return;
  }
  e->regs[e->num_regs++].mod = mod;
  if (mod->unsupported[0])
    set_result(res, SPEC_OUT_UNSUPPORTED, "%s", mod->unsupported);
  else
    set_result(res, SPEC_OUT_OK, "%s", "");
}

/* Finds export `field` of `module`; NULL with res set if there is none. */
static bool lookup_export(exec_engine *e, const char *module, const char *field,
                          size_t field_len, wasmrt_extern *ext,
                          spec_result *res) {
  exec_module *mod = find_module(e, module);
  if (mod && mod->unsupported[0]) {
    set_result(res, SPEC_OUT_UNSUPPORTED, "%s", mod->unsupported);
    return false;
  }
  if (!mod || !mod->inst) {
    set_result(res, SPEC_OUT_ERROR, "no module %s",
               module ? module : "(current)");
    return false;
  }
  if (!wasmrt_instance_export(mod->inst, field, field_len, ext)) {
    set_result(res, SPEC_OUT_ERROR, "no export \"%.*s\"", (int)field_len,
               field);
    return false;
  }
  return true;
}

/* Externrefs are host numbers; N is passed as the pointer N + 1 so that
 * ref.extern 0 is not null. The runtime never dereferences them. */
static uint64_t value_to_slot(const spec_value *v) {
  switch (v->type) {
  case SPEC_I32:
  case SPEC_F32:
    return v->u.i32;
  case SPEC_I64:
  case SPEC_F64:
    return v->u.i64;
  case SPEC_FUNCREF:
    return 0; /* scripts only pass ref.null func */
  case SPEC_EXTERNREF:
    return v->u.ref.kind == SPEC_REF_NULL ? 0 : v->u.ref.host + 1;
  default:
    return 0;
  }
}

static spec_value slot_to_value(wasm_valtype t, const uint64_t *s) {
  spec_value v;
  memset(&v, 0, sizeof v);
  v.has_value = true;
  switch (t) {
  case WASM_I32:
    v.type = SPEC_I32, v.u.i32 = (uint32_t)s[0];
    break;
  case WASM_F32:
    v.type = SPEC_F32, v.u.i32 = (uint32_t)s[0];
    break;
  case WASM_I64:
    v.type = SPEC_I64, v.u.i64 = s[0];
    break;
  case WASM_F64:
    v.type = SPEC_F64, v.u.i64 = s[0];
    break;
  case WASM_V128:
    v.type = SPEC_V128, memcpy(v.u.v128, s, 16);
    break;
  case WASM_FUNCREF:
    v.type = SPEC_FUNCREF;
    v.u.ref.kind = s[0] ? SPEC_REF_FUNC : SPEC_REF_NULL;
    break;
  case WASM_EXTERNREF:
    v.type = SPEC_EXTERNREF;
    v.u.ref.kind = s[0] ? SPEC_REF_HOST : SPEC_REF_NULL;
    v.u.ref.host = s[0] - 1;
    break;
  }
  return v;
}

static size_t slots_of(const wasm_valtype *t, uint32_t n) {
  size_t k = 0;
  for (uint32_t i = 0; i < n; i++)
    k += t[i] == WASM_V128 ? 2 : 1;
  return k;
}

static bool args_match(const wasm_functype *ft, const spec_value *args,
                       size_t n) {
  if (n != ft->nparams)
    return false;
  for (size_t i = 0; i < n; i++) {
    spec_valtype want;
    switch (ft->params[i]) {
    case WASM_I32:
      want = SPEC_I32;
      break;
    case WASM_I64:
      want = SPEC_I64;
      break;
    case WASM_F32:
      want = SPEC_F32;
      break;
    case WASM_F64:
      want = SPEC_F64;
      break;
    case WASM_V128:
      want = SPEC_V128;
      break;
    case WASM_FUNCREF:
      want = SPEC_FUNCREF;
      break;
    default:
      want = SPEC_EXTERNREF;
      break;
    }
    if (args[i].type != want)
      return false;
  }
  return true;
}

static void exec_call(const wasmrt_funcref *f, const spec_value *args,
                      size_t num_args, spec_value *results, size_t *num_results,
                      spec_result *res) {
  const wasm_functype *ft = wasmrt_funcref_type(f);
  if (!args_match(ft, args, num_args) || ft->nresults > SPEC_MAX_RESULTS) {
    set_result(res, SPEC_OUT_ERROR, "arguments do not match the signature");
    return;
  }
  size_t np = slots_of(ft->params, ft->nparams);
  size_t nr = slots_of(ft->results, ft->nresults);
  uint64_t *slots = calloc((np > nr ? np : nr) + 1, sizeof *slots);
  if (!slots) {
    set_result(res, SPEC_OUT_ERROR, "out of memory");
    return;
  }
  for (size_t i = 0, k = 0; i < num_args; i++) {
    if (args[i].type == SPEC_V128)
      memcpy(&slots[k], args[i].u.v128, 16), k += 2;
    else
      slots[k++] = value_to_slot(&args[i]);
  }
  wasmrt_trap trap = {0};
  wasmrt_trap_code code = wasmrt_call(f, slots, &trap);
  if (code == WASMRT_TRAP_STACK_EXHAUSTED) {
    set_result(res, SPEC_OUT_EXHAUSTION, "%s", trap.message);
  } else if (code != WASMRT_TRAP_NONE) {
    set_result(res, SPEC_OUT_TRAP, "%s", trap.message);
  } else {
    for (uint32_t i = 0, k = 0; i < ft->nresults; i++) {
      results[i] = slot_to_value(ft->results[i], &slots[k]);
      k += ft->results[i] == WASM_V128 ? 2 : 1;
    }
    *num_results = ft->nresults;
    set_result(res, SPEC_OUT_OK, "%s", "");
  }
  free(slots);
}

static void exec_invoke(void *self, const char *module, const char *field,
                        size_t field_len, const spec_value *args,
                        size_t num_args, spec_value *results,
                        size_t *num_results, spec_result *res) {
  wasmrt_extern ext;
  *num_results = 0;
  if (!lookup_export(self, module, field, field_len, &ext, res))
    return;
  if (ext.kind != WASMRT_EXTERN_FUNC || !ext.of.func) {
    set_result(res, SPEC_OUT_ERROR, "export is not a function");
    return;
  }
  exec_call(ext.of.func, args, num_args, results, num_results, res);
}

static void exec_get(void *self, const char *module, const char *field,
                     size_t field_len, spec_value *out, spec_result *res) {
  wasmrt_extern ext;
  if (!lookup_export(self, module, field, field_len, &ext, res))
    return;
  if (ext.kind != WASMRT_EXTERN_GLOBAL) {
    set_result(res, SPEC_OUT_ERROR, "export is not a global");
    return;
  }
  wasmrt_value v = wasmrt_global_get(ext.of.global);
  uint64_t s[2] = {0, 0};
  if (v.type == WASM_I32 || v.type == WASM_F32)
    memcpy(s, &v.of.i32, 4);
  else if (v.type == WASM_V128)
    memcpy(s, v.of.v128, 16);
  else
    memcpy(s, &v.of.i64, 8);
  *out = slot_to_value(v.type, s);
  set_result(res, SPEC_OUT_OK, "%s", "");
}

const spec_engine_ops spec_engine_exec = {
    .name = "exec",
    .caps = SPEC_CAP_INSTANTIATE | SPEC_CAP_INVOKE,
    .create = exec_create,
    .destroy = exec_destroy,
    .check_module = exec_check,
    .load_module = exec_load,
    .register_module = exec_register,
    .invoke = exec_invoke,
    .get = exec_get,
};
