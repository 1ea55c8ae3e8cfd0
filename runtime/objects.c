/* Tables, globals and host functions: the standalone refcounted objects an
 * instance creates or imports and an embedder may hold beyond it. */
#include "wasmrt_internal.h"

#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- tables */

static void table_drop(rt_owned *o, int phase) {
  rt_table *t = RT_CONTAINER(o, rt_table, own);
  if (phase == 1) {
    free(t->pub.elems);
    pthread_mutex_destroy(&t->lock);
    free(t);
  }
}

/* The group for a new object: `store`'s (no handle is taken: the group
 * owns the object), or a new one whose first handle is the caller's (NULL
 * if out of memory). */
static wasmrt_store *group_for(wasmrt_store *store) {
  return store ? store : rt_store_new();
}

wasmrt_table *rt_table_new_in(wasmrt_store *store, wasm_tabletype type,
                              void *init, uint32_t cap, wasm_error *err) {
  uint32_t limit = type.limits.has_max ? type.limits.max : UINT32_MAX;
  if (cap && cap < limit) {
    limit = cap;
  }
  if (type.limits.min > limit) {
    wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                   "table of %u elements exceeds the limit of %u",
                   type.limits.min, limit);
    return NULL;
  }
  rt_table *t = calloc(1, sizeof *t);
  void **elems = calloc(type.limits.min ? type.limits.min : 1, sizeof *elems);
  wasmrt_store *s = t && elems ? group_for(store) : NULL;
  if (!s) {
    free(t);
    free(elems);
    wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                   "out of memory for a table of %u elements", type.limits.min);
    return NULL;
  }
  for (uint32_t i = 0; i < type.limits.min; i++) {
    elems[i] = init;
  }
  t->pub.elems = elems;
  t->pub.size = type.limits.min;
  t->pub.max = type.limits.has_max ? type.limits.max : UINT32_MAX;
  t->elem_type = type.elem;
  t->has_max = type.limits.has_max;
  t->limit = limit;
  pthread_mutex_init(&t->lock, NULL);
  rt_store_add(s, &t->own, table_drop);
  return &t->pub;
}

/* Joins the group of a table of funcrefs with the group of `ref`. */
static void join_elem(wasmrt_table *table, const void *ref) {
  if (rt_tab(table)->elem_type == WASM_FUNCREF) {
    rt_store_join_ref(rt_tab(table)->own.store, ref);
  }
}

wasmrt_table *wasmrt_table_new(wasm_tabletype type, void *init,
                               wasm_error *err) {
  wasmrt_table *t =
      rt_table_new_in(NULL, type, init, WASMRT_DEFAULT_MAX_TABLE_ELEMS, err);
  if (t) {
    join_elem(t, init);
  }
  return t;
}

void wasmrt_table_retain(wasmrt_table *table) {
  wasmrt_store_retain(rt_tab(table)->own.store);
}

void wasmrt_table_release(wasmrt_table *table) {
  if (table) {
    wasmrt_store_release(rt_tab(table)->own.store);
  }
}

wasmrt_store *wasmrt_table_store(const wasmrt_table *table) {
  return rt_tab(table)->own.store;
}

void rt_store_join_ref(wasmrt_store *s, const void *ref) {
  const rt_funcref *f = ref ? rt_fref(ref) : NULL;
  if (f && f->owner) {
    wasmrt_store_join(s, f->owner->own.store);
  }
}

uint32_t wasmrt_table_size(const wasmrt_table *table) {
  return table->size;
}

bool wasmrt_table_get(const wasmrt_table *table, uint32_t idx, void **out) {
  if (idx >= table->size) {
    return false;
  }
  *out = table->elems[idx];
  return true;
}

bool wasmrt_table_set(wasmrt_table *table, uint32_t idx, void *ref) {
  if (idx >= table->size) {
    return false;
  }
  join_elem(table, ref);
  table->elems[idx] = ref;
  return true;
}

int64_t wasmrt_table_grow(wasmrt_table *table, uint32_t delta, void *init) {
  join_elem(table, init);
  return rt_table_grow(table, delta, init);
}

int64_t rt_table_grow(wasmrt_table *table, uint32_t delta, void *init) {
  rt_table *t = rt_tab(table);
  pthread_mutex_lock(&t->lock);
  uint32_t old = t->pub.size;
  int64_t result = -1;
  if (delta <= t->limit - old) {
    void **elems = delta == 0 ? t->pub.elems
                              : realloc(t->pub.elems,
                                        ((size_t)old + delta) * sizeof *elems);
    if (elems) {
      for (uint32_t i = old; i < old + delta; i++) {
        elems[i] = init;
      }
      t->pub.elems = elems;
      t->pub.size = old + delta;
      result = old;
    }
  }
  pthread_mutex_unlock(&t->lock);
  return result;
}

wasm_tabletype wasmrt_table_type(const wasmrt_table *table) {
  const rt_table *t = rt_tab(table);
  return (wasm_tabletype){t->elem_type, {table->size, table->max, t->has_max}};
}

/* ------------------------------------------------------------- globals */

static void value_store(wasmrt_global *cell, const wasmrt_value *v) {
  memset(cell, 0, sizeof *cell);
  switch (v->type) {
  case WASM_I32:
    cell->i32 = v->of.i32;
    break;
  case WASM_I64:
    cell->i64 = v->of.i64;
    break;
  case WASM_F32:
    cell->f32 = v->of.f32;
    break;
  case WASM_F64:
    cell->f64 = v->of.f64;
    break;
  case WASM_V128:
    memcpy(cell->v128, v->of.v128, 16);
    break;
  case WASM_FUNCREF:
  case WASM_EXTERNREF:
    cell->ref = v->of.ref;
    break;
  }
}

static bool is_ref(wasm_valtype t) {
  return t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

static void global_drop(rt_owned *o, int phase) {
  if (phase == 1) {
    free(RT_CONTAINER(o, rt_global, own));
  }
}

wasmrt_global *rt_global_new_in(wasmrt_store *store, wasm_globaltype type,
                                const wasmrt_value *init, wasm_error *err) {
  if (init->type != type.type) {
    wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                   "type mismatch: global of type %s initialised with %s",
                   wasm_valtype_str(type.type), wasm_valtype_str(init->type));
    return NULL;
  }
  rt_global *g = calloc(1, sizeof *g);
  wasmrt_store *s = g && is_ref(type.type) ? group_for(store) : NULL;
  if (!g || (is_ref(type.type) && !s)) {
    free(g);
    wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET, "out of memory");
    return NULL;
  }
  value_store(&g->cell, init);
  g->type = type;
  atomic_init(&g->refs, 1);
  if (s) {
    rt_store_add(s, &g->own, global_drop);
  }
  return &g->cell;
}

wasmrt_global *wasmrt_global_new(wasm_globaltype type, const wasmrt_value *init,
                                 wasm_error *err) {
  wasmrt_global *g = rt_global_new_in(NULL, type, init, err);
  if (g && type.type == WASM_FUNCREF) {
    rt_store_join_ref(rt_glob(g)->own.store, init->of.ref);
  }
  return g;
}

void wasmrt_global_retain(wasmrt_global *global) {
  rt_global *g = rt_glob(global);
  if (g->own.store) {
    wasmrt_store_retain(g->own.store);
  } else {
    atomic_fetch_add(&g->refs, 1);
  }
}

void wasmrt_global_release(wasmrt_global *global) {
  rt_global *g = global ? rt_glob(global) : NULL;
  if (g && g->own.store) {
    wasmrt_store_release(g->own.store);
  } else if (g && atomic_fetch_sub(&g->refs, 1) == 1) {
    free(g);
  }
}

wasmrt_store *wasmrt_global_store(const wasmrt_global *global) {
  return rt_glob(global)->own.store;
}

wasm_globaltype wasmrt_global_type(const wasmrt_global *global) {
  return rt_glob(global)->type;
}

wasmrt_value wasmrt_global_get(const wasmrt_global *global) {
  wasmrt_value v = {.type = rt_glob(global)->type.type};
  switch (v.type) {
  case WASM_I32:
    v.of.i32 = global->i32;
    break;
  case WASM_I64:
    v.of.i64 = global->i64;
    break;
  case WASM_F32:
    v.of.f32 = global->f32;
    break;
  case WASM_F64:
    v.of.f64 = global->f64;
    break;
  case WASM_V128:
    memcpy(v.of.v128, global->v128, 16);
    break;
  case WASM_FUNCREF:
  case WASM_EXTERNREF:
    v.of.ref = global->ref;
    break;
  }
  return v;
}

bool wasmrt_global_set(wasmrt_global *global, const wasmrt_value *value,
                       wasm_error *err) {
  wasm_globaltype type = rt_glob(global)->type;
  if (!type.mut) {
    return wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                          "global is immutable");
  }
  if (value->type != type.type) {
    return wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                          "type mismatch: global of type %s set to %s",
                          wasm_valtype_str(type.type),
                          wasm_valtype_str(value->type));
  }
  if (type.type == WASM_FUNCREF) {
    rt_store_join_ref(rt_glob(global)->own.store, value->of.ref);
  }
  value_store(global, value);
  return true;
}

/* ---------------------------------------------------- host functions */

wasmrt_hostfn *wasmrt_hostfn_new(const wasm_functype *type,
                                 wasmrt_host_callback callback, void *env,
                                 void (*env_free)(void *env), wasm_error *err) {
  size_t n = (size_t)type->nparams + type->nresults;
  rt_hostfn *f = calloc(1, sizeof *f + n * sizeof(wasm_valtype));
  uint32_t id = f ? wasmrt_type_intern(type) : UINT32_MAX;
  if (!f || id == UINT32_MAX || !callback) {
    free(f);
    wasm_error_set(err, callback ? WASM_ERR_RESOURCE : WASM_ERR_INVALID,
                   WASM_NO_OFFSET,
                   callback ? "out of memory"
                            : "host function needs a "
                              "callback");
    return NULL;
  }
  if (type->nparams) {
    memcpy(f->types, type->params, type->nparams * sizeof(wasm_valtype));
  }
  if (type->nresults) {
    memcpy(f->types + type->nparams, type->results,
           type->nresults * sizeof(wasm_valtype));
  }
  f->type = (wasm_functype){type->nparams, type->nresults, f->types,
                            f->types + type->nparams};
  f->pub.callback = callback;
  f->pub.env = env;
  f->pub.type_id = id;
  f->env_free = env_free;
  atomic_init(&f->refs, 1);
  return &f->pub;
}

void wasmrt_hostfn_retain(wasmrt_hostfn *fn) {
  atomic_fetch_add(&rt_host(fn)->refs, 1);
}

void wasmrt_hostfn_release(wasmrt_hostfn *fn) {
  if (!fn) {
    return;
  }
  rt_hostfn *f = rt_host(fn);
  if (atomic_fetch_sub(&f->refs, 1) != 1) {
    return;
  }
  if (f->env_free) {
    f->env_free(f->pub.env);
  }
  free(f);
}

const wasm_functype *wasmrt_hostfn_type(const wasmrt_hostfn *fn) {
  return &rt_host(fn)->type;
}
