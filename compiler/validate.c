/* validate.c — module-level validation: everything outside function bodies
 * (types, imports, limits, globals and constant expressions, exports, start,
 * segments), then the bodies via validate_code.c.
 *
 * Messages are the spec test suite's wording, optionally followed by detail
 * after ": "; offsets point at the offending entry. */
#include "validate_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PAGES 65536u

static bool fail_at(wasm_error *err, uint32_t off, const char *msg) {
  return wasm_error_set(err, WASM_ERR_INVALID, off, "%s", msg);
}

/* ---------------------------------------------------------- types */

static bool validate_types(const wasm_module *m, wasm_error *err) {
  for (uint32_t i = 0; i < m->num_types; i++) {
    const wasm_functype *t = &m->types[i];
    if (t->nparams > WASM_VALIDATE_MAX_PARAMS ||
        t->nresults > WASM_VALIDATE_MAX_RESULTS)
      return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                            "type %u: more than %u params or results", i,
                            WASM_VALIDATE_MAX_PARAMS);
  }
  return true;
}

static bool check_type_index(const wasm_module *m, uint32_t index, uint32_t off,
                             wasm_error *err) {
  if (index >= m->num_types)
    return wasm_error_set(err, WASM_ERR_INVALID, off, "unknown type %u", index);
  return true;
}

/* ---------------------------------------------------------- limits */

static bool check_limits_order(const wasm_limits *l, wasm_error *err) {
  if (l->has_max && l->min > l->max)
    return wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                          "size minimum must not be greater than maximum");
  return true;
}

static bool check_memtype(const wasm_memtype *t, wasm_error *err) {
  const wasm_limits *l = &t->limits;
  if (l->min > MAX_PAGES || (l->has_max && l->max > MAX_PAGES))
    return wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                          "memory size must be at most 65536 pages (4GiB)");
  return check_limits_order(l, err);
}

static bool check_tabletype(const wasm_tabletype *t, wasm_error *err) {
  if (!wasm_valtype_is_ref(t->elem))
    return wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                          "malformed reference type");
  return check_limits_order(&t->limits, err);
}

/* ---------------------------------------------------------- imports */

static bool validate_imports(const wasm_module *m, wasm_error *err) {
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const wasm_import *im = &m->imports[i];
    bool ok = true;
    switch (im->kind) {
    case WASM_EXTERN_FUNC:
      ok = check_type_index(m, im->u.func_type, WASM_NO_OFFSET, err);
      break;
    case WASM_EXTERN_TABLE:
      ok = check_tabletype(&im->u.table, err);
      break;
    case WASM_EXTERN_MEMORY:
      ok = check_memtype(&im->u.memory, err);
      break;
    case WASM_EXTERN_GLOBAL:
      break;
    }
    if (!ok)
      return false;
  }
  return true;
}

static bool validate_definitions(const wasm_module *m, wasm_error *err) {
  for (uint32_t i = 0; i < m->num_funcs; i++)
    if (!check_type_index(m, m->funcs[i].type_index, m->funcs[i].body_offset,
                          err))
      return false;
  for (uint32_t i = 0; i < m->num_tables; i++)
    if (!check_tabletype(&m->tables[i], err))
      return false;
  if (wasm_module_num_all_memories(m) > 1)
    return wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                          "multiple memories");
  for (uint32_t i = 0; i < m->num_memories; i++)
    if (!check_memtype(&m->memories[i], err))
      return false;
  return true;
}

/* ---------------------------------------------------------- constants */

/* Types a constant expression. global.get may name only imported immutable
 * globals (WebAssembly 2.0 as the test suite checks it). */
static bool const_type(const wasm_module *m, const wasm_constexpr *c,
                       wasm_valtype *out, wasm_error *err) {
  switch (c->op) {
  case WASM_CONST_I32:
    *out = WASM_I32;
    return true;
  case WASM_CONST_I64:
    *out = WASM_I64;
    return true;
  case WASM_CONST_F32:
    *out = WASM_F32;
    return true;
  case WASM_CONST_F64:
    *out = WASM_F64;
    return true;
  case WASM_CONST_V128:
    *out = WASM_V128;
    return true;
  case WASM_CONST_GLOBAL_GET: {
    uint32_t g = c->u.global_index;
    if (g >= m->num_imported_globals)
      return wasm_error_set(err, WASM_ERR_INVALID, c->offset,
                            "unknown global %u", g);
    wasm_globaltype t = wasm_module_global_type(m, g);
    if (t.mut)
      return fail_at(err, c->offset, "constant expression required");
    *out = t.type;
    return true;
  }
  case WASM_CONST_REF_NULL:
    *out = c->u.ref_type;
    return true;
  case WASM_CONST_REF_FUNC:
    if (c->u.func_index >= wasm_module_num_all_funcs(m))
      return wasm_error_set(err, WASM_ERR_INVALID, c->offset,
                            "unknown function %u", c->u.func_index);
    *out = WASM_FUNCREF;
    return true;
  case WASM_CONST_ARITY:
    return fail_at(err, c->offset,
                   "type mismatch: a constant expression must be exactly "
                   "one constant instruction");
  case WASM_CONST_INVALID:
    break;
  }
  return fail_at(err, c->offset, "constant expression required");
}

static bool check_const(const wasm_module *m, const wasm_constexpr *c,
                        wasm_valtype expect, wasm_error *err) {
  wasm_valtype t = WASM_I32;
  if (!const_type(m, c, &t, err))
    return false;
  if (t != expect)
    return wasm_error_set(err, WASM_ERR_INVALID, c->offset,
                          "type mismatch: constant of type %s where %s is "
                          "expected",
                          wasm_valtype_str(t), wasm_valtype_str(expect));
  return true;
}

static bool validate_globals(const wasm_module *m, wasm_error *err) {
  for (uint32_t i = 0; i < m->num_globals; i++) {
    const wasm_global *g = &m->globals[i];
    if (!check_const(m, &g->init, g->type.type, err))
      return false;
  }
  return true;
}

/* ---------------------------------------------------------- segments */

static bool validate_elem(const wasm_module *m, const wasm_elem *e,
                          wasm_error *err) {
  if (!wasm_valtype_is_ref(e->elem_type))
    return fail_at(err, e->offset_in_module, "malformed reference type");
  if (e->mode == WASM_SEGMENT_ACTIVE) {
    if (e->table_index >= wasm_module_num_all_tables(m))
      return wasm_error_set(err, WASM_ERR_INVALID, e->offset_in_module,
                            "unknown table %u", e->table_index);
    if (!check_const(m, &e->offset, WASM_I32, err))
      return false;
    wasm_valtype tt = wasm_module_table_type(m, e->table_index).elem;
    if (tt != e->elem_type)
      return wasm_error_set(err, WASM_ERR_INVALID, e->offset_in_module,
                            "type mismatch: %s segment for a %s table",
                            wasm_valtype_str(e->elem_type),
                            wasm_valtype_str(tt));
  }
  for (uint32_t i = 0; i < e->num_items; i++)
    if (!check_const(m, &e->items[i], e->elem_type, err))
      return false;
  return true;
}

static bool validate_segments(const wasm_module *m, wasm_error *err) {
  for (uint32_t i = 0; i < m->num_elems; i++)
    if (!validate_elem(m, &m->elems[i], err))
      return false;
  for (uint32_t i = 0; i < m->num_datas; i++) {
    const wasm_data *d = &m->datas[i];
    if (d->mode != WASM_SEGMENT_ACTIVE)
      continue;
    if (d->memory_index >= wasm_module_num_all_memories(m))
      return wasm_error_set(err, WASM_ERR_INVALID, d->offset_in_module,
                            "unknown memory %u", d->memory_index);
    if (!check_const(m, &d->offset, WASM_I32, err))
      return false;
  }
  return true;
}

/* ---------------------------------------------------------- exports */

static uint32_t kind_count(const wasm_module *m, wasm_externkind k) {
  switch (k) {
  case WASM_EXTERN_FUNC:
    return wasm_module_num_all_funcs(m);
  case WASM_EXTERN_TABLE:
    return wasm_module_num_all_tables(m);
  case WASM_EXTERN_MEMORY:
    return wasm_module_num_all_memories(m);
  case WASM_EXTERN_GLOBAL:
    return wasm_module_num_all_globals(m);
  }
  return 0;
}

static const char *kind_noun(wasm_externkind k) {
  return k == WASM_EXTERN_FUNC ? "function" : wasm_externkind_str(k);
}

static uint32_t name_hash(wasm_name n) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (uint32_t i = 0; i < n.len; i++)
    h = (h ^ (uint8_t)n.data[i]) * 16777619u;
  return h;
}

static bool name_eq(wasm_name a, wasm_name b) {
  return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

/* Export names must be unique: an open-addressing hash set of export
 * indices keeps this linear. */
static bool check_export_names(const wasm_module *m, wasm_error *err) {
  size_t cap = 16;
  while (cap < (size_t)m->num_exports * 2)
    cap *= 2;
  uint32_t *slots = malloc(cap * sizeof *slots);
  if (!slots)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  memset(slots, 0xFF, cap * sizeof *slots);
  bool ok = true;
  for (uint32_t i = 0; ok && i < m->num_exports; i++) {
    wasm_name n = m->exports[i].name;
    size_t s = name_hash(n) & (cap - 1);
    while (slots[s] != UINT32_MAX && !name_eq(m->exports[slots[s]].name, n))
      s = (s + 1) & (cap - 1);
    if (slots[s] != UINT32_MAX)
      ok = wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                          "duplicate export name \"%.*s\"",
                          (int)(n.len > 64 ? 64 : n.len), n.data);
    slots[s] = i;
  }
  free(slots);
  return ok;
}

static bool validate_exports(const wasm_module *m, wasm_error *err) {
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const wasm_export *e = &m->exports[i];
    if (e->index >= kind_count(m, e->kind))
      return wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                            "unknown %s %u", kind_noun(e->kind), e->index);
  }
  return check_export_names(m, err);
}

static bool validate_start(const wasm_module *m, wasm_error *err) {
  if (!m->has_start)
    return true;
  if (m->start >= wasm_module_num_all_funcs(m))
    return wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                          "unknown function %u", m->start);
  const wasm_functype *t = wasm_module_func_type(m, m->start);
  if (t->nparams != 0 || t->nresults != 0)
    return wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                          "start function must have type [] -> []");
  return true;
}

/* ---------------------------------------------------------- C.refs */

static void declare(uint8_t *bits, uint32_t nfuncs, const wasm_constexpr *c) {
  if (c->op == WASM_CONST_REF_FUNC && c->u.func_index < nfuncs)
    bits[c->u.func_index / 8] |= (uint8_t)(1u << (c->u.func_index % 8));
}

/* The functions `ref.func` may name in code: those referenced anywhere in
 * the module outside function bodies and the start section. */
static uint8_t *declared_funcs(const wasm_module *m) {
  uint32_t n = wasm_module_num_all_funcs(m);
  uint8_t *bits = calloc((size_t)n / 8 + 1, 1);
  if (!bits)
    return NULL;
  for (uint32_t i = 0; i < m->num_elems; i++) {
    const wasm_elem *e = &m->elems[i];
    for (uint32_t j = 0; j < e->num_items; j++)
      declare(bits, n, &e->items[j]);
  }
  for (uint32_t i = 0; i < m->num_globals; i++)
    declare(bits, n, &m->globals[i].init);
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const wasm_export *e = &m->exports[i];
    if (e->kind == WASM_EXTERN_FUNC && e->index < n)
      bits[e->index / 8] |= (uint8_t)(1u << (e->index % 8));
  }
  return bits;
}

static bool validate_code(const wasm_module *m, wasm_error *err) {
  uint8_t *declared = declared_funcs(m);
  if (!declared)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  bool ok = wasm_validate_code(m, declared, err);
  free(declared);
  return ok;
}

/* ---------------------------------------------------------- entry */

bool wasm_module_validate(const wasm_module *m, wasm_error *err) {
  if (!m)
    return wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET, "no module");
  /* Order follows the module's sections, so the first error in the binary
   * is the one reported. */
  return validate_types(m, err) && validate_imports(m, err) &&
         validate_definitions(m, err) && validate_globals(m, err) &&
         validate_exports(m, err) && validate_start(m, err) &&
         validate_segments(m, err) && validate_code(m, err);
}
