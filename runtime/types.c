/* Signature interning: every distinct function type in the process gets one
 * canonical uint32 id, so call_indirect across modules is one integer
 * compare. The table only grows (ids must stay valid while any artifact may
 * still hold them), and one mutex guards it: interning happens at
 * instantiation, never on a hot path. */
#include "wasmrt_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct type_entry {
  wasm_functype type; /* params/results point into the entry's own copy */
  uint64_t hash;
} type_entry;

static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;
static type_entry **types_by_id; /* ids are indices; entries never move */
static uint32_t types_count, types_cap;
static uint32_t *types_slots; /* open addressing: id + 1, 0 = empty */
static uint32_t types_slots_cap;

static uint64_t hash_type(const wasm_functype *t) {
  /* FNV-1a over the counts and the value-type bytes. */
  uint64_t h = 1469598103934665603ull;
  uint32_t counts[2] = {t->nparams, t->nresults};
  for (size_t i = 0; i < sizeof counts; i++) {
    h = (h ^ ((const uint8_t *)counts)[i]) * 1099511628211ull;
  }
  for (uint32_t i = 0; i < t->nparams; i++) {
    h = (h ^ (uint8_t)t->params[i]) * 1099511628211ull;
  }
  for (uint32_t i = 0; i < t->nresults; i++) {
    h = (h ^ (uint8_t)t->results[i]) * 1099511628211ull;
  }
  return h;
}

static bool same_type(const wasm_functype *a, const wasm_functype *b) {
  if (a->nparams != b->nparams || a->nresults != b->nresults) {
    return false;
  }
  for (uint32_t i = 0; i < a->nparams; i++) {
    if (a->params[i] != b->params[i]) {
      return false;
    }
  }
  for (uint32_t i = 0; i < a->nresults; i++) {
    if (a->results[i] != b->results[i]) {
      return false;
    }
  }
  return true;
}

static type_entry *entry_new(const wasm_functype *t, uint64_t hash) {
  size_t n = (size_t)t->nparams + t->nresults;
  type_entry *e = malloc(sizeof *e + n * sizeof(wasm_valtype));
  if (!e) {
    return NULL;
  }
  wasm_valtype *vals = (wasm_valtype *)(e + 1);
  if (t->nparams) {
    memcpy(vals, t->params, t->nparams * sizeof *vals);
  }
  if (t->nresults) {
    memcpy(vals + t->nparams, t->results, t->nresults * sizeof *vals);
  }
  e->type = (wasm_functype){t->nparams, t->nresults, vals, vals + t->nparams};
  e->hash = hash;
  return e;
}

/* Rehashes into a table twice the size; keeps load factor under 1/2. */
static bool slots_grow(void) {
  uint32_t cap = types_slots_cap ? types_slots_cap * 2 : 256;
  uint32_t *slots = calloc(cap, sizeof *slots);
  if (!slots) {
    return false;
  }
  for (uint32_t id = 0; id < types_count; id++) {
    uint32_t i = (uint32_t)types_by_id[id]->hash & (cap - 1);
    while (slots[i]) {
      i = (i + 1) & (cap - 1);
    }
    slots[i] = id + 1;
  }
  free(types_slots);
  types_slots = slots;
  types_slots_cap = cap;
  return true;
}

static bool ids_reserve(void) {
  if (types_count < types_cap) {
    return true;
  }
  uint32_t cap = types_cap ? types_cap * 2 : 128;
  type_entry **arr = realloc(types_by_id, cap * sizeof *arr);
  if (!arr) {
    return false;
  }
  types_by_id = arr;
  types_cap = cap;
  return true;
}

static uint32_t intern_locked(const wasm_functype *t) {
  uint64_t h = hash_type(t);
  if ((types_count + 1) * 2 > types_slots_cap && !slots_grow()) {
    return UINT32_MAX;
  }
  uint32_t i = (uint32_t)h & (types_slots_cap - 1);
  for (; types_slots[i]; i = (i + 1) & (types_slots_cap - 1)) {
    type_entry *e = types_by_id[types_slots[i] - 1];
    if (e->hash == h && same_type(&e->type, t)) {
      return types_slots[i] - 1;
    }
  }
  if (types_count == UINT32_MAX - 1 || !ids_reserve()) {
    return UINT32_MAX;
  }
  type_entry *e = entry_new(t, h);
  if (!e) {
    return UINT32_MAX;
  }
  types_by_id[types_count] = e;
  types_slots[i] = types_count + 1;
  return types_count++;
}

uint32_t wasmrt_type_intern(const wasm_functype *type) {
  pthread_mutex_lock(&types_lock);
  uint32_t id = intern_locked(type);
  pthread_mutex_unlock(&types_lock);
  return id;
}

const wasm_functype *wasmrt_type_get(uint32_t type_id) {
  const wasm_functype *t = NULL;
  pthread_mutex_lock(&types_lock);
  if (type_id < types_count) {
    t = &types_by_id[type_id]->type;
  }
  pthread_mutex_unlock(&types_lock);
  return t;
}
