/* wat_print_names.c — see wat_print_names.h. */
#include "wat_print_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Same character set as the lexer's idchar. */
static bool is_idchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z'))
    return true;
  return c != 0 && strchr("!#$%&'*+-./:<=>?@\\^_`|~", c) != NULL;
}

/* A set of ids (open addressing; the strings are owned elsewhere). */
typedef struct idset {
  const char **slots;
  size_t cap; /* a power of two, at least twice the number of entries */
} idset;

static bool idset_init(idset *s, size_t n) {
  s->cap = 16;
  while (s->cap < 2 * n + 2)
    s->cap *= 2;
  s->slots = calloc(s->cap, sizeof *s->slots);
  return s->slots != NULL;
}

static uint64_t hash_str(const char *p) {
  uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
  for (; *p; p++)
    h = (h ^ (unsigned char)*p) * 0x100000001b3u;
  return h;
}

/* Adds id; false if it is already there. */
static bool idset_add(idset *s, const char *id) {
  size_t i = (size_t)hash_str(id) & (s->cap - 1);
  while (s->slots[i]) {
    if (strcmp(s->slots[i], id) == 0)
      return false;
    i = (i + 1) & (s->cap - 1);
  }
  s->slots[i] = id;
  return true;
}

/* "$" + the name with non-id characters as '_'; NULL if empty or OOM. */
static char *sanitize(const wasm_name *nm, size_t extra) {
  if (nm->len == 0)
    return NULL;
  char *id = malloc((size_t)nm->len + 2 + extra);
  if (!id)
    return NULL;
  id[0] = '$';
  for (uint32_t i = 0; i < nm->len; i++)
    id[i + 1] = is_idchar((unsigned char)nm->data[i]) ? nm->data[i] : '_';
  id[nm->len + 1] = '\0';
  return id;
}

/* A unique id for the name of item `index`, or NULL. */
static char *make_id(const wasm_name *nm, uint32_t index, idset *set) {
  char *id = sanitize(nm, 12);
  if (!id || idset_add(set, id))
    return id;
  /* Taken: "$name.INDEX", unique unless some other name is exactly that. */
  snprintf(id + nm->len + 1, 12, ".%u", index);
  if (idset_add(set, id))
    return id;
  free(id);
  return NULL;
}

bool wat_print_names_init(wat_print_names *n, const wasm_module *m) {
  const wasm_names *src = &m->names;
  uint32_t total = m->num_imported_funcs + m->num_funcs;
  uint32_t count = src->num_funcs < total ? src->num_funcs : total;
  idset set = {0};
  memset(n, 0, sizeof *n);
  n->module = sanitize(&src->module, 0);
  if (count == 0 || !src->funcs)
    return src->module.len == 0 || n->module;
  n->funcs = calloc(count, sizeof *n->funcs);
  if (!n->funcs || !idset_init(&set, count)) {
    free(set.slots);
    wat_print_names_free(n);
    return false;
  }
  n->nfuncs = count;
  for (uint32_t i = 0; i < count; i++)
    n->funcs[i] = make_id(&src->funcs[i], i, &set);
  free(set.slots);
  return true;
}

void wat_print_names_free(wat_print_names *n) {
  for (uint32_t i = 0; i < n->nfuncs; i++)
    free(n->funcs[i]);
  free(n->funcs);
  free(n->module);
  memset(n, 0, sizeof *n);
}

const char *wat_print_func_id(const wat_print_names *n, uint32_t func) {
  return func < n->nfuncs ? n->funcs[func] : NULL;
}

/* The first local-name entry of function `func` (entries are sorted). */
static uint32_t first_local(const wasm_names *src, uint32_t func) {
  uint32_t lo = 0, hi = src->num_locals;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (src->locals[mid].func_index < func)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

char **wat_print_locals(const wasm_module *m, uint32_t func, uint32_t count) {
  const wasm_names *src = &m->names;
  uint32_t at = first_local(src, func);
  if (!src->locals || at == src->num_locals ||
      src->locals[at].func_index != func || count == 0)
    return NULL;
  uint32_t end = at;
  while (end < src->num_locals && src->locals[end].func_index == func)
    end++;
  idset set = {0};
  char **ids = calloc(count, sizeof *ids);
  if (!ids || !idset_init(&set, end - at)) {
    free(ids);
    return NULL;
  }
  for (; at < end; at++) {
    const wasm_local_name *ln = &src->locals[at];
    if (ln->local_index < count && !ids[ln->local_index])
      ids[ln->local_index] = make_id(&ln->name, ln->local_index, &set);
  }
  free(set.slots);
  return ids;
}

void wat_print_locals_free(char **ids, uint32_t count) {
  if (!ids)
    return;
  for (uint32_t i = 0; i < count; i++)
    free(ids[i]);
  free(ids);
}
