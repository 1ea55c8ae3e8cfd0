/* Instantiation: link imports with the spec's matching rules, create the
 * instance's memories/tables/globals and function references, apply
 * element then data segments, run the start function; plus exports and
 * the instance's lifetime. */
#include "wasmrt_internal.h"

#include <stdlib.h>
#include <string.h>

/* Adapters may read a binding's builtins as if it were a vmctx. */
_Static_assert(offsetof(wasmrt_host_binding, builtins) ==
                   offsetof(wasmrt_vmctx, builtins),
               "binding builtins offset");
_Static_assert(offsetof(wasmrt_host_binding, header) == 0, "binding header");

static wasmrt_instance *instance_alloc(const wasmrt_options *options,
                                       wasm_error *err);

/* -------------------------------------------------------------- helpers */

static bool fail(wasm_error *err, wasm_error_kind kind, const char *msg) {
  return wasm_error_set(err, kind, WASM_NO_OFFSET, "%s", msg);
}

static bool link_error(wasm_error *err, const wasm_import *imp,
                       const char *what, const char *detail) {
  return wasm_error_set(
      err, WASM_ERR_UNLINKABLE, WASM_NO_OFFSET, "%s: \"%.*s\" \"%.*s\"%s%s",
      what, (int)(imp->module.len > 80 ? 80 : imp->module.len),
      imp->module.data, (int)(imp->name.len > 80 ? 80 : imp->name.len),
      imp->name.data, detail[0] ? ": " : "", detail);
}

static bool limits_match(wasm_limits have, wasm_limits want) {
  if (have.min < want.min) {
    return false;
  }
  return !want.has_max || (have.has_max && have.max <= want.max);
}

static void *alloc_array(size_t n, size_t size) {
  return calloc(n ? n : 1, size);
}

/* ----------------------------------------------------------- allocation */

static bool alloc_arrays(wasmrt_instance *inst, wasm_error *err) {
  const wasm_module *m = inst->module;
  inst->num_funcs = m->num_imported_funcs + m->num_funcs;
  inst->num_tables = m->num_imported_tables + m->num_tables;
  inst->num_memories = m->num_imported_memories + m->num_memories;
  inst->num_globals = m->num_imported_globals + m->num_globals;
  inst->num_imported_funcs = m->num_imported_funcs;
  inst->num_elems = m->num_elems;
  inst->memories = alloc_array(inst->num_memories, sizeof(void *));
  inst->tables = alloc_array(inst->num_tables, sizeof(void *));
  inst->globals = alloc_array(inst->num_globals, sizeof(void *));
  inst->func_imports =
      alloc_array(m->num_imported_funcs, sizeof(wasmrt_func_import));
  inst->type_ids = alloc_array(m->num_types, sizeof(uint32_t));
  inst->funcrefs = alloc_array(inst->num_funcs, sizeof(void *));
  inst->own_refs = alloc_array(inst->num_funcs, sizeof(rt_funcref));
  inst->bindings =
      alloc_array(m->num_imported_funcs, sizeof(wasmrt_host_binding));
  inst->hostfns = alloc_array(m->num_imported_funcs, sizeof(void *));
  inst->elems = alloc_array(m->num_elems, sizeof(rt_elem_seg));
  inst->datas = alloc_array(m->num_datas, sizeof(rt_data_seg));
  if (!inst->memories || !inst->tables || !inst->globals ||
      !inst->func_imports || !inst->type_ids || !inst->funcrefs ||
      !inst->own_refs || !inst->bindings || !inst->hostfns || !inst->elems ||
      !inst->datas) {
    return fail(err, WASM_ERR_RESOURCE, "out of memory for an instance");
  }
  wasmrt_vmctx *v = &inst->vmctx;
  v->builtins = &rt_builtins;
  v->memories = inst->memories;
  v->tables = inst->tables;
  v->globals = inst->globals;
  v->func_imports = inst->func_imports;
  v->type_ids = inst->type_ids;
  v->funcrefs = inst->funcrefs;
  v->instance = inst;
  return true;
}

static bool intern_types(wasmrt_instance *inst, wasm_error *err) {
  const wasm_module *m = inst->module;
  for (uint32_t i = 0; i < m->num_types; i++) {
    inst->type_ids[i] = wasmrt_type_intern(&m->types[i]);
    if (inst->type_ids[i] == UINT32_MAX) {
      return fail(err, WASM_ERR_RESOURCE, "out of memory interning types");
    }
  }
  return true;
}

/* -------------------------------------------------------------- imports */

static bool link_func(wasmrt_instance *inst, const wasm_import *imp, uint32_t i,
                      const wasmrt_extern *ext, wasm_error *err) {
  uint32_t want = inst->type_ids[imp->u.func_type];
  if (ext->kind == WASMRT_EXTERN_FUNC) {
    wasmrt_funcref *f = ext->of.func;
    if (!f || f->type_id != want) {
      return link_error(err, imp, "incompatible import type",
                        "function type mismatch");
    }
    inst->func_imports[i] = (wasmrt_func_import){f->native, f->vmctx};
    inst->funcrefs[i] = f;
    rt_store_join_ref(inst->own.store, f); /* it may call back into us */
    return true;
  }
  wasmrt_hostfn *h = ext->of.hostfn;
  if (ext->kind != WASMRT_EXTERN_HOSTFN || !h || h->type_id != want) {
    return link_error(err, imp, "incompatible import type",
                      ext->kind == WASMRT_EXTERN_HOSTFN
                          ? "function type mismatch"
                          : "expected a function");
  }
  void *adapter = inst->code->import_adapters[i];
  if (!adapter) {
    return fail(err, WASM_ERR_INTERNAL, "artifact lacks an import adapter");
  }
  wasmrt_hostfn_retain(h);
  inst->hostfns[i] = h;
  wasmrt_host_binding *b = &inst->bindings[i];
  b->header = (wasmrt_hostfn){rt_host_dispatch, NULL, want};
  b->caller = &inst->vmctx;
  b->builtins = &rt_builtins;
  b->fn = h;
  rt_funcref *r = &inst->own_refs[i];
  r->pub = (wasmrt_funcref){adapter, rt_host_array_entry, (wasmrt_vmctx *)b,
                            want, 0};
  r->owner = inst;
  r->is_host = true;
  inst->func_imports[i] = (wasmrt_func_import){adapter, (wasmrt_vmctx *)b};
  inst->funcrefs[i] = &r->pub;
  return true;
}

static bool link_table(wasmrt_instance *inst, const wasm_import *imp,
                       uint32_t i, const wasmrt_extern *ext, wasm_error *err) {
  wasmrt_table *t = ext->of.table;
  if (ext->kind != WASMRT_EXTERN_TABLE || !t) {
    return link_error(err, imp, "incompatible import type", "expected a table");
  }
  wasm_tabletype have = wasmrt_table_type(t);
  if (have.elem != imp->u.table.elem ||
      !limits_match(have.limits, imp->u.table.limits)) {
    return link_error(err, imp, "incompatible import type",
                      "table type mismatch");
  }
  /* Both may hold funcrefs of the other side: one group. */
  wasmrt_store_join(inst->own.store, wasmrt_table_store(t));
  inst->tables[i] = t;
  return true;
}

static bool link_memory(wasmrt_instance *inst, const wasm_import *imp,
                        uint32_t i, const wasmrt_extern *ext, wasm_error *err) {
  wasmrt_memory *mem = ext->of.memory;
  if (ext->kind != WASMRT_EXTERN_MEMORY || !mem) {
    return link_error(err, imp, "incompatible import type",
                      "expected a memory");
  }
  if (!limits_match(wasmrt_memory_type(mem).limits, imp->u.memory.limits)) {
    return link_error(err, imp, "incompatible import type",
                      "memory limits mismatch");
  }
  wasmrt_memory_retain(mem);
  inst->memories[i] = mem;
  return true;
}

static bool link_global(wasmrt_instance *inst, const wasm_import *imp,
                        uint32_t i, const wasmrt_extern *ext, wasm_error *err) {
  wasmrt_global *g = ext->of.global;
  if (ext->kind != WASMRT_EXTERN_GLOBAL || !g) {
    return link_error(err, imp, "incompatible import type",
                      "expected a global");
  }
  wasm_globaltype have = wasmrt_global_type(g);
  if (have.type != imp->u.global.type || have.mut != imp->u.global.mut) {
    return link_error(err, imp, "incompatible import type",
                      "global type mismatch");
  }
  if (wasmrt_global_store(g)) {
    wasmrt_store_join(inst->own.store, wasmrt_global_store(g));
  } else {
    wasmrt_global_retain(g); /* a leaf, released with our group */
  }
  inst->globals[i] = g;
  return true;
}

static bool link_imports(wasmrt_instance *inst, const wasmrt_extern *imports,
                         uint32_t num_imports, wasm_error *err) {
  const wasm_module *m = inst->module;
  uint32_t counts[4] = {0, 0, 0, 0};
  for (uint32_t k = 0; k < m->num_imports; k++) {
    const wasm_import *imp = &m->imports[k];
    static const wasmrt_extern none = {WASMRT_EXTERN_NONE, {NULL}};
    const wasmrt_extern *ext = k < num_imports ? &imports[k] : &none;
    if (ext->kind == WASMRT_EXTERN_NONE) {
      return link_error(err, imp, "unknown import", "");
    }
    uint32_t i = counts[imp->kind]++;
    bool ok = false;
    switch (imp->kind) {
    case WASM_EXTERN_FUNC:
      ok = link_func(inst, imp, i, ext, err);
      break;
    case WASM_EXTERN_TABLE:
      ok = link_table(inst, imp, i, ext, err);
      break;
    case WASM_EXTERN_MEMORY:
      ok = link_memory(inst, imp, i, ext, err);
      break;
    case WASM_EXTERN_GLOBAL:
      ok = link_global(inst, imp, i, ext, err);
      break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

/* ---------------------------------------------------- constant exprs */

static bool eval_const(wasmrt_instance *inst, const wasm_constexpr *e,
                       uint32_t num_globals_ready, wasmrt_value *out,
                       wasm_error *err) {
  memset(out, 0, sizeof *out);
  switch (e->op) {
  case WASM_CONST_I32:
    *out = (wasmrt_value){WASM_I32, {.i32 = e->u.i32}};
    return true;
  case WASM_CONST_I64:
    *out = (wasmrt_value){WASM_I64, {.i64 = e->u.i64}};
    return true;
  case WASM_CONST_F32:
    out->type = WASM_F32;
    memcpy(&out->of.f32, &e->u.f32_bits, 4);
    return true;
  case WASM_CONST_F64:
    out->type = WASM_F64;
    memcpy(&out->of.f64, &e->u.f64_bits, 8);
    return true;
  case WASM_CONST_V128:
    out->type = WASM_V128;
    memcpy(out->of.v128, e->u.v128, 16);
    return true;
  case WASM_CONST_GLOBAL_GET:
    if (e->u.global_index >= num_globals_ready) {
      return fail(err, WASM_ERR_INVALID, "unknown global");
    }
    *out = wasmrt_global_get(inst->globals[e->u.global_index]);
    return true;
  case WASM_CONST_REF_NULL:
    out->type = e->u.ref_type;
    return true;
  case WASM_CONST_REF_FUNC:
    if (e->u.func_index >= inst->num_funcs) {
      return fail(err, WASM_ERR_INVALID, "unknown function");
    }
    *out =
        (wasmrt_value){WASM_FUNCREF, {.ref = inst->funcrefs[e->u.func_index]}};
    return true;
  case WASM_CONST_INVALID:
  case WASM_CONST_ARITY:
    break;
  }
  return fail(err, WASM_ERR_INVALID, "constant expression required");
}

/* ----------------------------------------------------------- creation */

static void define_funcs(wasmrt_instance *inst) {
  const wasm_module *m = inst->module;
  for (uint32_t k = 0; k < m->num_funcs; k++) {
    uint32_t i = m->num_imported_funcs + k;
    rt_funcref *r = &inst->own_refs[i];
    uint32_t flags = inst->code->func_flags ? inst->code->func_flags[k] : 0;
    r->pub = (wasmrt_funcref){inst->code->native[k], inst->code->array[k],
                              &inst->vmctx,
                              inst->type_ids[m->funcs[k].type_index], flags};
    r->owner = inst;
    inst->funcrefs[i] = &r->pub;
  }
}

static bool create_objects(wasmrt_instance *inst, wasm_error *err) {
  const wasm_module *m = inst->module;
  for (uint32_t k = 0; k < m->num_tables; k++) {
    uint32_t i = m->num_imported_tables + k;
    uint32_t cap = inst->opts.max_table_elems;
    inst->tables[i] =
        rt_table_new_in(inst->own.store, m->tables[k], NULL, cap, err);
    if (!inst->tables[i]) {
      return false;
    }
  }
  for (uint32_t k = 0; k < m->num_memories; k++) {
    uint32_t i = m->num_imported_memories + k;
    inst->memories[i] = wasmrt_memory_new(m->memories[k].limits,
                                          inst->opts.max_memory_pages, err);
    if (!inst->memories[i]) {
      return false;
    }
  }
  if (inst->num_memories > 0) {
    inst->vmctx.mem0_base = inst->memories[0]->base;
  }
  for (uint32_t k = 0; k < m->num_globals; k++) {
    uint32_t i = m->num_imported_globals + k;
    wasmrt_value v;
    if (!eval_const(inst, &m->globals[k].init, i, &v, err)) {
      return false;
    }
    v.type = m->globals[k].type.type; /* ref.null's heap type aside */
    inst->globals[i] =
        rt_global_new_in(inst->own.store, m->globals[k].type, &v, err);
    if (!inst->globals[i]) {
      return false;
    }
  }
  return true;
}

/* Resolves every element segment's items up front: table.init needs the
 * passive ones later, and active ones are applied from here. */
static bool resolve_elems(wasmrt_instance *inst, wasm_error *err) {
  const wasm_module *m = inst->module;
  for (uint32_t s = 0; s < m->num_elems; s++) {
    const wasm_elem *el = &m->elems[s];
    rt_elem_seg *seg = &inst->elems[s];
    seg->items = alloc_array(el->num_items, sizeof(void *));
    if (!seg->items) {
      return fail(err, WASM_ERR_RESOURCE, "out of memory for a segment");
    }
    seg->num_items = el->num_items;
    for (uint32_t j = 0; j < el->num_items; j++) {
      wasmrt_value v;
      if (!eval_const(inst, &el->items[j], inst->num_globals, &v, err)) {
        return false;
      }
      seg->items[j] = v.of.ref;
    }
  }
  return true;
}

static bool segment_offset(wasmrt_instance *inst, const wasm_constexpr *e,
                           uint32_t *out, wasm_error *err) {
  wasmrt_value v;
  if (!eval_const(inst, e, inst->num_globals, &v, err)) {
    return false;
  }
  *out = (uint32_t)v.of.i32;
  return true;
}

static bool trap_error(wasm_error *err, wasmrt_trap *trap,
                       wasmrt_trap_code code) {
  if (trap) {
    *trap = (wasmrt_trap){.code = code};
    strcpy(trap->message, wasmrt_trap_message(code));
  }
  return wasm_error_set(err, WASM_ERR_TRAP, WASM_NO_OFFSET, "%s",
                        wasmrt_trap_message(code));
}

static bool apply_elems(wasmrt_instance *inst, wasmrt_trap *trap,
                        wasm_error *err) {
  const wasm_module *m = inst->module;
  for (uint32_t s = 0; s < m->num_elems; s++) {
    const wasm_elem *el = &m->elems[s];
    rt_elem_seg *seg = &inst->elems[s];
    if (el->mode == WASM_SEGMENT_ACTIVE) {
      uint32_t dst;
      if (!segment_offset(inst, &el->offset, &dst, err)) {
        return false;
      }
      wasmrt_table *t = inst->tables[el->table_index];
      if ((uint64_t)dst + seg->num_items > t->size) {
        return trap_error(err, trap, WASMRT_TRAP_TABLE_OOB);
      }
      if (seg->num_items) {
        memcpy(t->elems + dst, seg->items, seg->num_items * sizeof(void *));
      }
    }
    if (el->mode != WASM_SEGMENT_PASSIVE) {
      seg->num_items = 0; /* dropped */
    }
  }
  return true;
}

static bool apply_datas(wasmrt_instance *inst, wasmrt_trap *trap,
                        wasm_error *err) {
  const wasm_module *m = inst->module;
  for (uint32_t s = 0; s < m->num_datas; s++) {
    const wasm_data *d = &m->datas[s];
    inst->datas[s] = (rt_data_seg){d->bytes, d->size};
    if (d->mode != WASM_SEGMENT_ACTIVE) {
      continue;
    }
    uint32_t dst;
    if (!segment_offset(inst, &d->offset, &dst, err)) {
      return false;
    }
    wasmrt_memory *mem = inst->memories[d->memory_index];
    if ((uint64_t)dst + d->size > mem->size) {
      return trap_error(err, trap, WASMRT_TRAP_MEMORY_OOB);
    }
    if (d->size) {
      memcpy(mem->base + dst, d->bytes, d->size);
    }
    inst->datas[s].size = 0; /* dropped */
  }
  return true;
}

static bool run_start(wasmrt_instance *inst, wasmrt_trap *trap,
                      wasm_error *err) {
  if (!inst->module->has_start) {
    return true;
  }
  wasmrt_trap t;
  uint64_t slots[1] = {0};
  if (wasmrt_call(inst->funcrefs[inst->module->start], slots, &t) ==
      WASMRT_TRAP_NONE) {
    return true;
  }
  if (trap) {
    *trap = t;
  }
  return wasm_error_set(err, WASM_ERR_TRAP, WASM_NO_OFFSET, "%s", t.message);
}

static bool check_code(const wasm_module *m, const wasmrt_artifact_info *c,
                       wasm_error *err) {
  if (!c || c->abi_version != WASMRT_ABI_VERSION ||
      c->num_imported_funcs != m->num_imported_funcs ||
      c->num_defined_funcs != m->num_funcs ||
      (m->num_funcs && (!c->native || !c->array)) ||
      (m->num_imported_funcs && !c->import_adapters)) {
    return fail(err, WASM_ERR_INTERNAL,
                "compiled code does not match the module description");
  }
  return true;
}

wasmrt_instance *wasmrt_instance_new(const wasm_module *module,
                                     const wasmrt_artifact_info *code,
                                     const wasmrt_extern *imports,
                                     uint32_t num_imports,
                                     const wasmrt_options *options,
                                     wasmrt_trap *trap, wasm_error *err) {
  if (trap) {
    *trap = (wasmrt_trap){.code = WASMRT_TRAP_NONE};
  }
  wasmrt_instance *inst = NULL;
  if (check_code(module, code, err)) {
    inst = instance_alloc(options, err);
  } else if (options && options->keep_drop) {
    options->keep_drop(options->keep);
  }
  if (!inst) {
    return NULL;
  }
  inst->module = module;
  inst->code = code;
  inst->code_range = rt_code_register(code);
  if (!inst->opts.max_table_elems) {
    inst->opts.max_table_elems = WASMRT_DEFAULT_MAX_TABLE_ELEMS;
  }
  bool ok = alloc_arrays(inst, err) && intern_types(inst, err) &&
            link_imports(inst, imports, num_imports, err);
  if (ok) {
    define_funcs(inst);
    ok = create_objects(inst, err) && resolve_elems(inst, err) &&
         apply_elems(inst, trap, err) && apply_datas(inst, trap, err) &&
         run_start(inst, trap, err);
  }
  if (!ok) {
    /* Our group lives on while a handle reaches it (a table of another
     * instance may hold our funcrefs: the spec keeps a failed
     * instance's partial effects). */
    wasmrt_instance_release(inst);
    return NULL;
  }
  return inst;
}

/* ------------------------------------------------------------ lifetime */

/* Phase 0 lets go of the leaves this instance holds (memories, host
 * functions, numeric globals); phase 1 frees it. Nothing here reads the
 * module description: the embedder may have freed it already. */
static void instance_drop(rt_owned *o, int phase) {
  wasmrt_instance *inst = RT_CONTAINER(o, wasmrt_instance, own);
  if (phase == 0) {
    rt_code_unregister(inst->code_range);
    inst->code_range = NULL;
    for (uint32_t i = 0; inst->memories && i < inst->num_memories; i++) {
      wasmrt_memory_release(inst->memories[i]);
    }
    for (uint32_t i = 0; inst->globals && i < inst->num_globals; i++) {
      if (inst->globals[i] && !wasmrt_global_store(inst->globals[i])) {
        wasmrt_global_release(inst->globals[i]);
      }
    }
    for (uint32_t i = 0; inst->hostfns && i < inst->num_imported_funcs; i++) {
      wasmrt_hostfn_release(inst->hostfns[i]);
    }
    return;
  }
  for (uint32_t s = 0; inst->elems && s < inst->num_elems; s++) {
    free(inst->elems[s].items);
  }
  free(inst->memories);
  free(inst->tables);
  free(inst->globals);
  free(inst->func_imports);
  free(inst->type_ids);
  free(inst->funcrefs);
  free(inst->own_refs);
  free(inst->bindings);
  free(inst->hostfns);
  free(inst->elems);
  free(inst->datas);
  free(inst);
}

/* An empty instance in a group of its own, holding the embedder's `keep`
 * (dropped at once if this fails). */
static wasmrt_instance *instance_alloc(const wasmrt_options *options,
                                       wasm_error *err) {
  wasmrt_instance *inst = calloc(1, sizeof *inst);
  wasmrt_store *s = inst ? rt_store_new() : NULL;
  if (options && options->keep_drop &&
      (!s || !wasmrt_store_keep(s, options->keep, options->keep_drop))) {
    options->keep_drop(options->keep);
  }
  if (!s) {
    free(inst);
    fail(err, WASM_ERR_RESOURCE, "out of memory for an instance");
    return NULL;
  }
  if (options) {
    inst->opts = *options;
  }
  rt_store_add(s, &inst->own, instance_drop);
  return inst;
}

void wasmrt_instance_retain(wasmrt_instance *inst) {
  wasmrt_store_retain(inst->own.store);
}

void wasmrt_instance_release(wasmrt_instance *inst) {
  if (inst) {
    wasmrt_store_release(inst->own.store);
  }
}

wasmrt_store *wasmrt_instance_store(const wasmrt_instance *inst) {
  return inst->own.store;
}

wasmrt_instance *wasmrt_funcref_instance(const wasmrt_funcref *fn) {
  return rt_fref(fn)->owner;
}

/* ------------------------------------------------------------- access */

const wasm_module *wasmrt_instance_module(const wasmrt_instance *inst) {
  return inst->module;
}

wasmrt_vmctx *wasmrt_instance_vmctx(wasmrt_instance *inst) {
  return &inst->vmctx;
}

wasmrt_instance *wasmrt_vmctx_instance(wasmrt_vmctx *vmctx) {
  return vmctx ? rt_inst(vmctx) : NULL;
}

wasmrt_extern wasmrt_instance_export_at(wasmrt_instance *inst, uint32_t i) {
  const wasm_export *e = &inst->module->exports[i];
  wasmrt_extern x = {WASMRT_EXTERN_NONE, {NULL}};
  switch (e->kind) {
  case WASM_EXTERN_FUNC:
    x.kind = WASMRT_EXTERN_FUNC;
    x.of.func = inst->funcrefs[e->index];
    break;
  case WASM_EXTERN_TABLE:
    x.kind = WASMRT_EXTERN_TABLE;
    x.of.table = inst->tables[e->index];
    break;
  case WASM_EXTERN_MEMORY:
    x.kind = WASMRT_EXTERN_MEMORY;
    x.of.memory = inst->memories[e->index];
    break;
  case WASM_EXTERN_GLOBAL:
    x.kind = WASMRT_EXTERN_GLOBAL;
    x.of.global = inst->globals[e->index];
    break;
  }
  return x;
}

bool wasmrt_instance_export(wasmrt_instance *inst, const char *name, size_t len,
                            wasmrt_extern *out) {
  const wasm_module *m = inst->module;
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const wasm_name *n = &m->exports[i].name;
    if (n->len == len && memcmp(n->data, name, len) == 0) {
      *out = wasmrt_instance_export_at(inst, i);
      return true;
    }
  }
  return false;
}

const wasm_functype *wasmrt_funcref_type(const wasmrt_funcref *fn) {
  return wasmrt_type_get(fn->type_id);
}
