/* The `name` custom section: module, function and local names. It is only
 * a debugging aid, so it is parsed leniently: any problem in it leaves all
 * names empty rather than rejecting the module. */
#include "decode_internal.h"

#include <stdlib.h>

typedef struct local_names {
  wasm_local_name *items; /* malloc'd while parsing */
  uint32_t count, cap;
} local_names;

static bool push_local(local_names *ln, const wasm_local_name *n) {
  if (ln->count == ln->cap) {
    uint32_t cap = ln->cap ? ln->cap * 2 : 16;
    wasm_local_name *items = realloc(ln->items, (size_t)cap * sizeof *items);
    if (!items)
      return false;
    ln->items = items;
    ln->cap = cap;
  }
  ln->items[ln->count++] = *n;
  return true;
}

/* Function names: a name map. Out-of-range indices are skipped. */
static bool parse_func_names(wasm_cursor *c, wasm_names *names,
                             wasm_error *err) {
  uint32_t n;
  if (!wasm_read_len(c, &n, err))
    return false;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t idx;
    wasm_name name;
    if (!wasm_read_u32(c, &idx, err) || !wasm_read_name(c, &name, err))
      return false;
    if (idx < names->num_funcs)
      names->funcs[idx] = name;
  }
  return true;
}

/* Local names: an indirect name map, function index -> name map. */
static bool parse_local_names(wasm_cursor *c, local_names *ln,
                              wasm_error *err) {
  uint32_t nfuncs;
  if (!wasm_read_len(c, &nfuncs, err))
    return false;
  for (uint32_t i = 0; i < nfuncs; i++) {
    wasm_local_name item;
    uint32_t nlocals;
    if (!wasm_read_u32(c, &item.func_index, err) ||
        !wasm_read_len(c, &nlocals, err))
      return false;
    for (uint32_t j = 0; j < nlocals; j++) {
      if (!wasm_read_u32(c, &item.local_index, err) ||
          !wasm_read_name(c, &item.name, err))
        return false;
      if (!push_local(ln, &item))
        return wasm_decode_oom(err);
    }
  }
  return true;
}

static bool parse_subsection(wasm_cursor *c, uint8_t id, wasm_names *names,
                             local_names *ln, wasm_error *err) {
  switch (id) {
  case 0:
    return wasm_read_name(c, &names->module, err);
  case 1:
    return parse_func_names(c, names, err);
  case 2:
    return parse_local_names(c, ln, err);
  default: /* later proposals' subsections: skipped */
    c->pos = c->end;
    return true;
  }
}

static bool parse_names(const wasm_custom *cs, wasm_names *names,
                        local_names *ln, wasm_error *err) {
  wasm_cursor c = {cs->data - cs->offset, cs->offset, cs->offset + cs->size};
  while (c.pos < c.end) {
    uint8_t id;
    uint32_t size;
    if (!wasm_read_u8(&c, &id, err) || !wasm_read_len(&c, &size, err))
      return false;
    if (size > c.end - c.pos)
      return wasm_eos(&c, err);
    wasm_cursor sub = {c.base, c.pos, c.pos + size};
    if (!parse_subsection(&sub, id, names, ln, err))
      return false;
    if (sub.pos != sub.end)
      return wasm_error_set(err, WASM_ERR_MALFORMED, sub.pos,
                            "section size mismatch");
    c.pos = sub.end;
  }
  return true;
}

static int cmp_local_name(const void *pa, const void *pb) {
  const wasm_local_name *a = pa, *b = pb;
  if (a->func_index != b->func_index)
    return a->func_index < b->func_index ? -1 : 1;
  if (a->local_index != b->local_index)
    return a->local_index < b->local_index ? -1 : 1;
  return 0;
}

static const wasm_custom *find_name_section(const wasm_decoder *d) {
  for (uint32_t i = 0; i < d->num_customs; i++) {
    const wasm_name *n = &d->customs[i].name;
    if (n->len == 4 && memcmp(n->data, "name", 4) == 0)
      return &d->customs[i];
  }
  return NULL;
}

bool wasm_decode_names(wasm_decoder *d, wasm_error *err) {
  const wasm_custom *cs = find_name_section(d);
  if (!cs)
    return true;
  wasm_names names = {0};
  names.num_funcs = wasm_module_num_all_funcs(d->m);
  names.funcs = wasm_arena_array(d->arena, names.num_funcs, sizeof(wasm_name));
  if (!names.funcs)
    return wasm_decode_oom(err);
  local_names ln = {0};
  wasm_error ignored;
  bool ok = parse_names(cs, &names, &ln, &ignored);
  if (!ok && ignored.kind == WASM_ERR_RESOURCE) {
    free(ln.items);
    return wasm_decode_oom(err);
  }
  if (ok && ln.count) {
    qsort(ln.items, ln.count, sizeof *ln.items, cmp_local_name);
    names.locals =
        wasm_arena_dup(d->arena, ln.items, (size_t)ln.count * sizeof *ln.items);
    names.num_locals = ln.count;
    ok = names.locals != NULL;
    if (!ok) {
      free(ln.items);
      return wasm_decode_oom(err);
    }
  }
  free(ln.items);
  if (ok)
    d->m->names = names;
  return true;
}
