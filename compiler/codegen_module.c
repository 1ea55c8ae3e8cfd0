/* codegen_module.c — module-level IR: value and signature types, function
 * declarations and their name-section aliases, array-ABI entries, import
 * adapters, wasmc_artifact_info and the `.wasmc` metadata global. One
 * call builds one partition of the module (see compile.c). */
#include "codegen_internal.h"
#include "wasmrt_abi.h"
#include "wasmrt_artifact_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LLVMTypeRef cg_valtype(cg_module *cm, wasm_valtype t) {
  switch (t) {
  case WASM_I32:
    return cm->t_i32;
  case WASM_I64:
    return cm->t_i64;
  case WASM_F32:
    return cm->t_f32;
  case WASM_F64:
    return cm->t_f64;
  case WASM_V128:
    return cm->t_v128;
  default:
    return cm->t_ptr;
  }
}

LLVMTypeRef cg_return_type(cg_module *cm, uint32_t n, const wasm_valtype *t) {
  if (n == 0)
    return cm->t_void;
  if (n == 1)
    return cg_valtype(cm, t[0]);
  LLVMTypeRef small[8], *tys = n <= 8 ? small : malloc(n * sizeof *tys);
  if (!tys)
    return NULL;
  for (uint32_t i = 0; i < n; i++)
    tys[i] = cg_valtype(cm, t[i]);
  LLVMTypeRef st = LLVMStructTypeInContext(cm->ctx, tys, n, false);
  if (tys != small)
    free(tys);
  return st;
}

LLVMTypeRef cg_sig_type(cg_module *cm, const wasm_functype *ft) {
  LLVMTypeRef ret = cg_return_type(cm, ft->nresults, ft->results);
  LLVMTypeRef *ps = malloc((ft->nparams + 1) * sizeof *ps);
  if (!ret || !ps) {
    free(ps);
    return NULL;
  }
  ps[0] = cm->t_ptr;
  for (uint32_t i = 0; i < ft->nparams; i++)
    ps[i + 1] = cg_valtype(cm, ft->params[i]);
  LLVMTypeRef fnty = LLVMFunctionType(ret, ps, ft->nparams + 1, false);
  free(ps);
  return fnty;
}

static bool oom(cg_module *cm) {
  return wasm_error_set(cm->err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                        "out of memory");
}

/* Attributes every generated function gets: no unwind tables (nothing
 * unwinds through wasm frames), and "no-builtins" so the optimizer never
 * turns loops into memset/memcpy calls the artifact could not resolve. */
static void set_common_attrs(cg_module *cm, LLVMValueRef fn) {
  cg_add_fn_flag(cm, fn, "nounwind");
  cg_add_fn_attr(cm, fn, "no-builtins", "");
  cg_add_fn_attr(cm, fn, "probe-stack", "inline-asm");
  /* Tail-recursion elimination would turn runaway recursion into an
   * endless loop; wasm requires it to exhaust the stack (and trap). */
  cg_add_fn_attr(cm, fn, "disable-tail-calls", "true");
  /* The target machine takes a CPU but no tuning CPU; the function
   * attribute is how clang passes -mtune, and the X86 back end honours it
   * per function. */
  if (cm->tune_cpu)
    cg_add_fn_attr(cm, fn, "tune-cpu", cm->tune_cpu);
}

/* Exported with protected visibility: visible to dlsym, yet calls inside
 * the artifact bind directly (no PLT, no interposition). */
static LLVMValueRef define_function(cg_module *cm, const char *name,
                                    LLVMTypeRef fnty) {
  LLVMValueRef fn = LLVMAddFunction(cm->mod, name, fnty);
  LLVMSetVisibility(fn, LLVMProtectedVisibility);
  set_common_attrs(cm, fn);
  return fn;
}

/* Every caller of a defined function passes its instance's whole vmctx
 * (calls, funcrefs, the entry adapters): saying so lets the fixed fields be
 * read ahead of need, out of loops. */
static void mark_vmctx_param(cg_module *cm, LLVMValueRef fn) {
  static const struct {
    const char *name;
    uint64_t value;
  } facts[] = {{"nonnull", 0},
               {"noundef", 0},
               {"align", 8},
               {"dereferenceable", sizeof(wasmrt_vmctx)}};
  for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
    unsigned k =
        LLVMGetEnumAttributeKindForName(facts[i].name, strlen(facts[i].name));
    LLVMAddAttributeAtIndex(
        fn, 1, LLVMCreateEnumAttribute(cm->ctx, k, facts[i].value));
  }
}

static bool declare_functions(cg_module *cm) {
  const wasm_module *m = cm->m;
  cm->sig_types = calloc(m->num_types ? m->num_types : 1, sizeof(LLVMTypeRef));
  cm->funcs = calloc(m->num_funcs ? m->num_funcs : 1, sizeof(LLVMValueRef));
  if (!cm->sig_types || !cm->funcs)
    return oom(cm);
  for (uint32_t i = 0; i < m->num_types; i++)
    if (!(cm->sig_types[i] = cg_sig_type(cm, &m->types[i])))
      return oom(cm);
  char name[48];
  for (uint32_t i = 0; i < m->num_funcs; i++) {
    snprintf(name, sizeof name, "wasmc_func_%u", i);
    cm->funcs[i] =
        define_function(cm, name, cm->sig_types[m->funcs[i].type_index]);
    mark_vmctx_param(cm, cm->funcs[i]);
    cg_mark_polled(cm, cm->funcs[i]);
  }
  return true;
}

/* Symbol-safe copy of a name-section name: [A-Za-z0-9_.] kept, the rest
 * becomes '_', prefixed "wasm_" so it never collides with our own symbols. */
static void sanitize_name(wasm_name n, char *out, size_t cap) {
  size_t k = (size_t)snprintf(out, cap, "wasm_");
  for (uint32_t i = 0; i < n.len && k + 1 < cap; i++) {
    char c = n.data[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.';
    out[k++] = ok ? c : '_';
  }
  out[k] = '\0';
}

/* Every partition walks all functions so that duplicate names resolve the
 * same way everywhere; a function defined in another partition leaves an
 * unused declaration of its alias name (dropped from the object) only to
 * reserve that name. */
static void add_name_aliases(cg_module *cm) {
  const wasm_module *m = cm->m;
  char name[160];
  for (uint32_t i = 0; i < m->num_funcs; i++) {
    uint32_t fi = m->num_imported_funcs + i;
    if (fi >= m->names.num_funcs || m->names.funcs[fi].len == 0)
      continue;
    sanitize_name(m->names.funcs[fi], name, sizeof name - 16);
    /* Duplicates (or names already taken) get the index appended. */
    if (LLVMGetNamedGlobalAlias(cm->mod, name, strlen(name)) ||
        LLVMGetNamedFunction(cm->mod, name))
      snprintf(name + strlen(name), 16, "_%u", i);
    if (LLVMGetNamedGlobalAlias(cm->mod, name, strlen(name)) ||
        LLVMGetNamedFunction(cm->mod, name))
      continue;
    if (!cg_defines(cm, i)) {
      LLVMAddFunction(cm->mod, name, LLVMGlobalGetValueType(cm->funcs[i]));
      continue;
    }
    LLVMValueRef a = LLVMAddAlias2(
        cm->mod, LLVMGlobalGetValueType(cm->funcs[i]), 0, cm->funcs[i], name);
    LLVMSetVisibility(a, LLVMProtectedVisibility);
  }
}

/* Slot access for the array ABI: each value in one 8-byte slot (v128 in
 * two), narrower values in the low bytes. */
static LLVMValueRef slot_ptr(cg_module *cm, LLVMValueRef slots, uint32_t k) {
  LLVMValueRef off = LLVMConstInt(cm->t_i64, (uint64_t)k * 8, false);
  return LLVMBuildGEP2(cm->b, cm->t_i8, slots, &off, 1, "");
}

static uint32_t slot_count(const wasm_valtype *t, uint32_t n) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++)
    k += t[i] == WASM_V128 ? 2 : 1;
  return k;
}

static void store_slot(cg_module *cm, LLVMValueRef slots, uint32_t k,
                       wasm_valtype t, LLVMValueRef v) {
  LLVMBuilderRef b = cm->b;
  if (t == WASM_I32 || t == WASM_F32) {
    if (t == WASM_F32)
      v = LLVMBuildBitCast(b, v, cm->t_i32, "");
    v = LLVMBuildZExt(b, v, cm->t_i64, "");
  }
  LLVMSetAlignment(LLVMBuildStore(b, v, slot_ptr(cm, slots, k)), 8);
}

static LLVMValueRef load_slot(cg_module *cm, LLVMValueRef slots, uint32_t k,
                              wasm_valtype t) {
  LLVMValueRef v =
      LLVMBuildLoad2(cm->b, cg_valtype(cm, t), slot_ptr(cm, slots, k), "");
  LLVMSetAlignment(v, 8);
  return v;
}

static bool build_array_entry(cg_module *cm, uint32_t i) {
  const wasm_module *m = cm->m;
  const wasm_functype *ft = &m->types[m->funcs[i].type_index];
  LLVMTypeRef ps[2] = {cm->t_ptr, cm->t_ptr};
  LLVMTypeRef fnty = LLVMFunctionType(cm->t_void, ps, 2, false);
  char name[48];
  snprintf(name, sizeof name, "wasmc_array_%u", i);
  LLVMValueRef fn = define_function(cm, name, fnty);
  cg_mark_polled(cm, fn); /* the wasm function may be inlined here */
  LLVMValueRef slots = LLVMGetParam(fn, 1);
  LLVMPositionBuilderAtEnd(cm->b,
                           LLVMAppendBasicBlockInContext(cm->ctx, fn, ""));
  LLVMValueRef *args = malloc((ft->nparams + 1) * sizeof *args);
  if (!args)
    return oom(cm);
  args[0] = LLVMGetParam(fn, 0);
  for (uint32_t p = 0, k = 0; p < ft->nparams; p++) {
    args[p + 1] = load_slot(cm, slots, k, ft->params[p]);
    k += ft->params[p] == WASM_V128 ? 2 : 1;
  }
  LLVMValueRef r = LLVMBuildCall2(cm->b, cm->sig_types[m->funcs[i].type_index],
                                  cm->funcs[i], args, ft->nparams + 1, "");
  free(args);
  for (uint32_t q = 0, k = 0; q < ft->nresults; q++) {
    LLVMValueRef v =
        ft->nresults == 1 ? r : LLVMBuildExtractValue(cm->b, r, q, "");
    store_slot(cm, slots, k, ft->results[q], v);
    k += ft->results[q] == WASM_V128 ? 2 : 1;
  }
  LLVMBuildRetVoid(cm->b);
  return true;
}

/* Native -> array adapter for imported function i. Its vmctx argument is
 * the runtime's host binding, which starts with a wasmrt_hostfn and keeps
 * `builtins` at the vmctx offset (see wasmrt_abi.h). */
static bool build_import_adapter(cg_module *cm, uint32_t i) {
  const wasm_functype *ft = wasm_module_func_type(cm->m, i);
  char name[48];
  snprintf(name, sizeof name, "wasmc_import_adapter_%u", i);
  LLVMValueRef fn = define_function(cm, name, cg_sig_type(cm, ft));
  LLVMBuilderRef b = cm->b;
  LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(cm->ctx, fn, ""));
  LLVMValueRef host = LLVMGetParam(fn, 0);
  uint32_t n = slot_count(ft->params, ft->nparams);
  uint32_t nr = slot_count(ft->results, ft->nresults);
  n = n > nr ? n : nr;
  LLVMValueRef slots = LLVMBuildArrayAlloca(
      b, cm->t_i64, LLVMConstInt(cm->t_i32, n ? n : 1, false), "slots");
  LLVMSetAlignment(slots, 16);
  for (uint32_t p = 0, k = 0; p < ft->nparams; p++) {
    store_slot(cm, slots, k, ft->params[p], LLVMGetParam(fn, p + 1));
    k += ft->params[p] == WASM_V128 ? 2 : 1;
  }
  LLVMValueRef cb = LLVMBuildLoad2(b, cm->t_ptr, host, "callback");
  LLVMTypeRef cps[3] = {cm->t_ptr, cm->t_ptr, cm->t_ptr};
  LLVMTypeRef cbty = LLVMFunctionType(cm->t_i32, cps, 3, false);
  LLVMValueRef cargs[3] = {host, host, slots};
  LLVMValueRef rc = LLVMBuildCall2(b, cbty, cb, cargs, 3, "");
  LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(cm->ctx, fn, "fail");
  LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(cm->ctx, fn, "ok");
  LLVMBuildCondBr(
      b, LLVMBuildICmp(b, LLVMIntNE, rc, LLVMConstInt(cm->t_i32, 0, false), ""),
      fail, ok);
  LLVMPositionBuilderAtEnd(b, fail);
  LLVMValueRef off =
      LLVMConstInt(cm->t_i64, offsetof(wasmrt_vmctx, builtins), false);
  LLVMValueRef bt = LLVMBuildLoad2(
      b, cm->t_ptr, LLVMBuildGEP2(b, cm->t_i8, host, &off, 1, ""), "");
  off = LLVMConstInt(cm->t_i64, offsetof(wasmrt_builtins, trap_host), false);
  LLVMValueRef th = LLVMBuildLoad2(
      b, cm->t_ptr, LLVMBuildGEP2(b, cm->t_i8, bt, &off, 1, ""), "");
  LLVMTypeRef thty = LLVMFunctionType(cm->t_void, cps, 1, false);
  LLVMBuildCall2(b, thty, th, &host, 1, "");
  LLVMBuildUnreachable(b);
  LLVMPositionBuilderAtEnd(b, ok);
  LLVMValueRef *vals = malloc((ft->nresults + 1) * sizeof *vals);
  if (!vals)
    return oom(cm);
  for (uint32_t q = 0, k = 0; q < ft->nresults; q++) {
    vals[q] = load_slot(cm, slots, k, ft->results[q]);
    k += ft->results[q] == WASM_V128 ? 2 : 1;
  }
  if (ft->nresults == 0)
    LLVMBuildRetVoid(b);
  else if (ft->nresults == 1)
    LLVMBuildRet(b, vals[0]);
  else
    LLVMBuildAggregateRet(b, vals, ft->nresults);
  free(vals);
  return true;
}

static LLVMValueRef const_global(cg_module *cm, const char *name,
                                 LLVMValueRef init) {
  LLVMValueRef g = LLVMAddGlobal(cm->mod, LLVMTypeOf(init), name);
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, true);
  return g;
}

static LLVMValueRef pointer_array(cg_module *cm, const char *name,
                                  LLVMValueRef *elems, uint32_t n) {
  LLVMValueRef arr = LLVMConstArray2(cm->t_ptr, elems, n);
  LLVMValueRef g = const_global(cm, name, arr);
  LLVMSetLinkage(g, LLVMInternalLinkage);
  return g;
}

/* Bodies larger than this are not called bounded even when loop-free, so
 * that "bounded" also means "short" (a few microseconds at most). */
#define BOUNDED_MAX_BODY 16384u

/* Whether defined function `k` runs in time bounded by its size
 * (WASMRT_FUNC_BOUNDED): without loops every branch goes forward, so each
 * instruction runs at most once, as long as nothing calls out or does
 * work proportional to an operand (bulk and grow instructions). */
static bool is_bounded(const wasm_module *m, uint32_t k) {
  wasm_code_reader r;
  wasm_code_reader_init(&r, m, k);
  if (r.end - r.pos > BOUNDED_MAX_BODY) {
    wasm_code_reader_free(&r);
    return false;
  }
  bool bounded = true;
  wasm_instr in;
  wasm_error err;
  while (bounded && !wasm_code_reader_done(&r)) {
    if (!wasm_code_reader_next(&r, &in, &err)) {
      bounded = false;
      break;
    }
    switch (in.op) {
    case WASM_OP_LOOP:
    case WASM_OP_CALL:
    case WASM_OP_CALL_INDIRECT:
    case WASM_OP_MEMORY_GROW:
    case WASM_OP_MEMORY_INIT:
    case WASM_OP_MEMORY_COPY:
    case WASM_OP_MEMORY_FILL:
    case WASM_OP_TABLE_INIT:
    case WASM_OP_TABLE_COPY:
    case WASM_OP_TABLE_GROW:
    case WASM_OP_TABLE_FILL:
      bounded = false;
      break;
    default:
      break;
    }
  }
  wasm_code_reader_free(&r);
  return bounded;
}

static LLVMValueRef func_flags(cg_module *cm) {
  const wasm_module *m = cm->m;
  uint32_t nd = m->num_funcs;
  LLVMValueRef *flags = malloc((nd + 1) * sizeof *flags);
  if (!flags)
    return NULL;
  for (uint32_t k = 0; k < nd; k++)
    flags[k] = LLVMConstInt(cm->t_i8,
                            is_bounded(m, k) ? WASMRT_FUNC_BOUNDED : 0, false);
  LLVMValueRef arr = LLVMConstArray2(cm->t_i8, flags, nd);
  free(flags);
  LLVMValueRef g = const_global(cm, "wasmc_func_flags", arr);
  LLVMSetLinkage(g, LLVMInternalLinkage);
  return g;
}

static bool build_artifact_info(cg_module *cm) {
  const wasm_module *m = cm->m;
  uint32_t nd = m->num_funcs, ni = m->num_imported_funcs;
  LLVMValueRef *arr = malloc(((nd > ni ? nd : ni) + 1) * sizeof *arr);
  if (!arr)
    return oom(cm);
  char name[48];
  for (uint32_t i = 0; i < nd; i++)
    arr[i] = cm->funcs[i];
  LLVMValueRef natives = pointer_array(cm, "wasmc_natives", arr, nd);
  for (uint32_t i = 0; i < nd; i++) {
    snprintf(name, sizeof name, "wasmc_array_%u", i);
    arr[i] = LLVMGetNamedFunction(cm->mod, name);
  }
  LLVMValueRef arrays = pointer_array(cm, "wasmc_arrays", arr, nd);
  for (uint32_t i = 0; i < ni; i++) {
    snprintf(name, sizeof name, "wasmc_import_adapter_%u", i);
    arr[i] = LLVMGetNamedFunction(cm->mod, name);
  }
  LLVMValueRef adapters = pointer_array(cm, "wasmc_adapters", arr, ni);
  free(arr);
  LLVMValueRef flags = func_flags(cm);
  if (!flags)
    return oom(cm);
  LLVMValueRef fields[8] = {LLVMConstInt(cm->t_i32, WASMRT_ABI_VERSION, false),
                            LLVMConstInt(cm->t_i32, ni, false),
                            LLVMConstInt(cm->t_i32, nd, false),
                            LLVMConstInt(cm->t_i32, 0, false),
                            natives,
                            arrays,
                            adapters,
                            flags};
  LLVMValueRef info =
      const_global(cm, WASMRT_ARTIFACT_INFO_SYMBOL,
                   LLVMConstStructInContext(cm->ctx, fields, 8, false));
  LLVMSetVisibility(info, LLVMProtectedVisibility);
  return true;
}

/* The metadata blob, in its own section; kept alive by being exported. */
void cg_add_metadata(cg_module *cm, const uint8_t *blob, size_t len) {
  LLVMValueRef init =
      LLVMConstStringInContext2(cm->ctx, (const char *)blob, len, true);
  LLVMValueRef g = const_global(cm, "wasmc_metadata", init);
  LLVMSetSection(g, WASMRT_ARTIFACT_SECTION);
  LLVMSetAlignment(g, 8);
  LLVMSetVisibility(g, LLVMProtectedVisibility);
}

bool cg_module_build(cg_module *cm) {
  const wasm_module *m = cm->m;
  if (!declare_functions(cm))
    return false;
  for (uint32_t i = 0; i < m->num_funcs; i++)
    if (cg_defines(cm, i) && !cg_translate_function(cm, i))
      return false;
  add_name_aliases(cm);
  if (cm->part != 0)
    return true;
  for (uint32_t i = 0; i < m->num_funcs; i++)
    if (!build_array_entry(cm, i))
      return false;
  for (uint32_t i = 0; i < m->num_imported_funcs; i++)
    if (!build_import_adapter(cm, i))
      return false;
  return build_artifact_info(cm);
}
