/* Parser foundations: token helpers, index spaces ($name -> index), value
 * types and type uses (with the implicit type definitions they create). */
#include "wat_parse.h"

#include <stdlib.h>
#include <string.h>

const wat_token *wat_tok(wat_ctx *c) {
  return &c->t[c->pos];
}

static bool tok_is(wat_ctx *c, const wat_token *t, const char *kw) {
  size_t n = strlen(kw);
  return t->kind == WAT_ATOM && t->len == n &&
         memcmp(c->text + t->off, kw, n) == 0;
}

bool wat_is_atom(wat_ctx *c, const char *kw) {
  return tok_is(c, wat_tok(c), kw);
}

bool wat_is_field(wat_ctx *c, const char *kw) {
  return wat_tok(c)->kind == WAT_LPAREN && c->pos + 1 < c->ntoks &&
         tok_is(c, &c->t[c->pos + 1], kw);
}

bool wat_error_here(wat_ctx *c, const char *what) {
  const wat_token *t = wat_tok(c);
  if (t->kind == WAT_EOF)
    return wat_fail(c->err, t, "unexpected end of input, expected %s", what);
  int n = t->len > 40 ? 40 : (int)t->len;
  return wat_fail(c->err, t, "unexpected token \"%.*s\", expected %s", n,
                  c->text + t->off, what);
}

bool wat_oom(wat_ctx *c) {
  return wasm_error_set(c->err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                        "out of memory");
}

bool wat_expect_lparen(wat_ctx *c) {
  if (wat_tok(c)->kind != WAT_LPAREN)
    return wat_error_here(c, "'('");
  c->pos++;
  return true;
}

bool wat_expect_rparen(wat_ctx *c) {
  if (wat_tok(c)->kind != WAT_RPAREN)
    return wat_error_here(c, "')'");
  c->pos++;
  return true;
}

/* ---------------------------------------------------------- index spaces */

static uint32_t name_hash(const char *s, uint32_t len) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < len; i++)
    h = (h ^ (uint8_t)s[i]) * 16777619u;
  return h;
}

static bool space_rehash(wat_space *s, uint32_t nslots) {
  uint32_t *slots = calloc(nslots, sizeof *slots);
  if (!slots)
    return false;
  free(s->slots);
  s->slots = slots;
  s->nslots = nslots;
  return true;
}

bool wat_space_find(wat_ctx *c, const wat_space *s, uint32_t off, uint32_t len,
                    uint32_t *index) {
  if (!s->nslots)
    return false;
  uint32_t mask = s->nslots - 1;
  for (uint32_t h = name_hash(c->text + off, len) & mask;; h = (h + 1) & mask) {
    uint32_t v = s->slots[h];
    if (!v)
      return false;
    if (s->name_len[v - 1] == len &&
        memcmp(c->text + s->name_off[v - 1], c->text + off, len) == 0) {
      *index = v - 1;
      return true;
    }
  }
}

static bool space_insert(wat_ctx *c, wat_space *s, uint32_t index) {
  if (s->nslots < 2 * (s->count + 1)) {
    uint32_t n = s->nslots ? s->nslots * 2 : 16;
    while (n < 2 * (s->count + 1))
      n *= 2;
    if (!space_rehash(s, n))
      return false;
    for (uint32_t i = 0; i < s->count; i++)
      if (s->name_len[i] && i != index) {
        uint32_t h = name_hash(c->text + s->name_off[i], s->name_len[i]);
        while (s->slots[h & (n - 1)])
          h++;
        s->slots[h & (n - 1)] = i + 1;
      }
  }
  uint32_t mask = s->nslots - 1;
  uint32_t h = name_hash(c->text + s->name_off[index], s->name_len[index]);
  while (s->slots[h & mask])
    h++;
  s->slots[h & mask] = index + 1;
  return true;
}

/* Appends an index (named if id is an WAT_ID token); duplicate names are
 * malformed. */
bool wat_space_add(wat_ctx *c, wat_space *s, const wat_token *id) {
  if (s->count == s->cap) {
    uint32_t cap = s->cap ? s->cap * 2 : 8;
    uint32_t *o = realloc(s->name_off, cap * sizeof *o);
    if (!o)
      return wat_oom(c);
    s->name_off = o;
    uint32_t *l = realloc(s->name_len, cap * sizeof *l);
    if (!l)
      return wat_oom(c);
    s->name_len = l;
    s->cap = cap;
  }
  uint32_t i = s->count;
  s->name_off[i] = id ? id->off : 0;
  s->name_len[i] = id ? id->len : 0;
  if (id) {
    uint32_t dummy;
    if (wat_space_find(c, s, id->off, id->len, &dummy))
      return wat_fail(c->err, id, "duplicate identifier %.*s", (int)id->len,
                      c->text + id->off);
    s->count++;
    if (!space_insert(c, s, i))
      return wat_oom(c);
    return true;
  }
  s->count++;
  return true;
}

void wat_space_free(wat_space *s) {
  free(s->name_off);
  free(s->name_len);
  free(s->slots);
  *s = (wat_space){0};
}

bool wat_at_index(wat_ctx *c) {
  const wat_token *t = wat_tok(c);
  if (t->kind == WAT_ID)
    return true;
  char ch = t->kind == WAT_ATOM ? c->text[t->off] : 0;
  return ch >= '0' && ch <= '9';
}

bool wat_parse_index(wat_ctx *c, const wat_space *s, uint32_t *out) {
  const wat_token *t = wat_tok(c);
  if (t->kind == WAT_ID) {
    if (!wat_space_find(c, s, t->off, t->len, out))
      return wat_fail(c->err, t, "unknown identifier %.*s", (int)t->len,
                      c->text + t->off);
    c->pos++;
    return true;
  }
  uint64_t v;
  if (t->kind != WAT_ATOM ||
      !wat_parse_uint(c->text + t->off, t->len, UINT32_MAX, &v))
    return wat_error_here(c, "an index");
  *out = (uint32_t)v;
  c->pos++;
  return true;
}

/* ----------------------------------------------------------------- types */

bool wat_parse_reftype(wat_ctx *c, uint8_t *out) {
  if (wat_is_atom(c, "funcref"))
    *out = WASM_FUNCREF;
  else if (wat_is_atom(c, "externref"))
    *out = WASM_EXTERNREF;
  else
    return wat_error_here(c, "a reference type");
  c->pos++;
  return true;
}

bool wat_parse_valtype(wat_ctx *c, uint8_t *out) {
  static const struct {
    const char *name;
    uint8_t code;
  } names[] = {{"i32", WASM_I32},
               {"i64", WASM_I64},
               {"f32", WASM_F32},
               {"f64", WASM_F64},
               {"v128", WASM_V128},
               {"funcref", WASM_FUNCREF},
               {"externref", WASM_EXTERNREF}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (wat_is_atom(c, names[i].name)) {
      *out = names[i].code;
      c->pos++;
      return true;
    }
  return wat_error_here(c, "a value type");
}

/* A growable list of value types. */
typedef struct vt_list {
  uint8_t *v;
  uint32_t n, cap;
} vt_list;

static bool vt_push(wat_ctx *c, vt_list *l, uint8_t t) {
  if (l->n == l->cap) {
    uint32_t cap = l->cap ? l->cap * 2 : 8;
    uint8_t *v = realloc(l->v, cap);
    if (!v)
      return wat_oom(c);
    l->v = v, l->cap = cap;
  }
  l->v[l->n++] = t;
  return true;
}

/* (param $x t) | (param t*) and (result t*) lists. When names is set,
 * each param occupies a local index (named or not). Block types and
 * call_indirect must not bind identifiers: "unexpected token" there. */
static bool parse_params_results(wat_ctx *c, vt_list *params, vt_list *results,
                                 wat_space *names, wat_param_ids ids) {
  while (wat_is_field(c, "param")) {
    c->pos += 2;
    if (wat_tok(c)->kind == WAT_ID) {
      if (ids == WAT_PARAM_IDS_NO)
        return wat_fail(c->err, wat_tok(c),
                        "unexpected token: a parameter name is not allowed "
                        "here");
      const wat_token *id = wat_tok(c);
      c->pos++;
      uint8_t t;
      if (!wat_parse_valtype(c, &t) || !vt_push(c, params, t) ||
          (names && !wat_space_add(c, names, id)))
        return false;
    } else {
      while (wat_tok(c)->kind == WAT_ATOM) {
        uint8_t t;
        if (!wat_parse_valtype(c, &t) || !vt_push(c, params, t) ||
            (names && !wat_space_add(c, names, NULL)))
          return false;
      }
    }
    if (!wat_expect_rparen(c))
      return false;
  }
  while (wat_is_field(c, "result")) {
    c->pos += 2;
    while (wat_tok(c)->kind == WAT_ATOM) {
      uint8_t t;
      if (!wat_parse_valtype(c, &t) || !vt_push(c, results, t))
        return false;
    }
    if (!wat_expect_rparen(c))
      return false;
  }
  return true;
}

static bool type_matches(const wat_functype *f, const uint8_t *p, uint32_t np,
                         const uint8_t *r, uint32_t nr) {
  /* empty lists may be NULL, which memcmp must not see */
  return f->nparams == np && f->nresults == nr &&
         (np == 0 || memcmp(f->v, p, np) == 0) &&
         (nr == 0 || memcmp(f->v + np, r, nr) == 0);
}

static uint32_t sig_hash(const uint8_t *p, uint32_t np, const uint8_t *r,
                         uint32_t nr) {
  uint32_t h = 2166136261u ^ np;
  for (uint32_t i = 0; i < np; i++)
    h = (h ^ p[i]) * 16777619u;
  h = (h ^ 0xFF) * 16777619u;
  for (uint32_t i = 0; i < nr; i++)
    h = (h ^ r[i]) * 16777619u;
  return h;
}

/* Slot of the first type with this signature, or of the empty slot where
 * it belongs. The table is kept at most half full. */
static uint32_t *type_slot(wat_ctx *c, const uint8_t *p, uint32_t np,
                           const uint8_t *r, uint32_t nr) {
  uint32_t mask = c->type_nslots - 1;
  for (uint32_t h = sig_hash(p, np, r, nr) & mask;; h = (h + 1) & mask) {
    uint32_t v = c->type_slots[h];
    if (!v || type_matches(&c->ftypes[v - 1], p, np, r, nr))
      return &c->type_slots[h];
  }
}

static bool grow_type_slots(wat_ctx *c) {
  uint32_t n = c->type_nslots ? c->type_nslots * 2 : 64;
  uint32_t *slots = calloc(n, sizeof *slots);
  if (!slots)
    return wat_oom(c);
  free(c->type_slots);
  c->type_slots = slots;
  c->type_nslots = n;
  for (uint32_t i = 0; i < c->nftypes; i++) {
    const wat_functype *f = &c->ftypes[i];
    uint32_t *slot =
        type_slot(c, f->v, f->nparams, f->v + f->nparams, f->nresults);
    if (!*slot)
      *slot = i + 1;
  }
  return true;
}

static bool add_type(wat_ctx *c, const uint8_t *p, uint32_t np,
                     const uint8_t *r, uint32_t nr) {
  if (c->nftypes == c->ftypes_cap) {
    uint32_t cap = c->ftypes_cap ? c->ftypes_cap * 2 : 8;
    wat_functype *v = realloc(c->ftypes, cap * sizeof *v);
    if (!v)
      return wat_oom(c);
    c->ftypes = v, c->ftypes_cap = cap;
  }
  if (2 * (c->nftypes + 1) > c->type_nslots && !grow_type_slots(c))
    return false;
  uint8_t *v = malloc(np + nr + 1);
  if (!v)
    return wat_oom(c);
  if (np)
    memcpy(v, p, np);
  if (nr)
    memcpy(v + np, r, nr);
  c->ftypes[c->nftypes++] = (wat_functype){np, nr, v};
  uint32_t *slot = type_slot(c, p, np, r, nr);
  if (!*slot) /* the smallest index keeps the slot */
    *slot = c->nftypes;
  return true;
}

bool wat_find_or_add_type(wat_ctx *c, const uint8_t *params, uint32_t np,
                          const uint8_t *results, uint32_t nr,
                          uint32_t *index) {
  if (c->type_nslots) {
    uint32_t *slot = type_slot(c, params, np, results, nr);
    if (*slot) {
      *index = *slot - 1;
      return true;
    }
  }
  *index = c->nftypes;
  return add_type(c, params, np, results, nr);
}

/* `(func (param ...)* (result ...)*)` of a type definition. */
bool wat_parse_functype_def(wat_ctx *c) {
  if (!wat_expect_lparen(c))
    return false;
  if (!wat_is_atom(c, "func"))
    return wat_error_here(c, "'func'");
  c->pos++;
  vt_list p = {0}, r = {0};
  bool ok = parse_params_results(c, &p, &r, NULL, WAT_PARAM_IDS_YES) &&
            wat_expect_rparen(c) && add_type(c, p.v, p.n, r.v, r.n);
  free(p.v);
  free(r.v);
  return ok;
}

bool wat_parse_typeuse(wat_ctx *c, uint32_t *type_index, wat_space *names,
                       wat_param_ids ids) {
  bool has_type = false;
  const wat_token *at = wat_tok(c);
  if (wat_is_field(c, "type")) {
    c->pos += 2;
    if (!wat_parse_index(c, &c->types, type_index) || !wat_expect_rparen(c))
      return false;
    has_type = true;
  }
  vt_list p = {0}, r = {0};
  bool ok = parse_params_results(c, &p, &r, names, ids);
  if (ok && has_type) {
    if (p.n || r.n) {
      /* Inline signatures must repeat the referenced type exactly. */
      if (*type_index >= c->nftypes ||
          !type_matches(&c->ftypes[*type_index], p.v, p.n, r.v, r.n))
        ok = wat_fail(c->err, at, "inline function type mismatch");
    } else if (names && *type_index < c->nftypes) {
      for (uint32_t i = 0; ok && i < c->ftypes[*type_index].nparams; i++)
        ok = wat_space_add(c, names, NULL);
    }
  } else if (ok) {
    ok = wat_find_or_add_type(c, p.v, p.n, r.v, r.n, type_index);
  }
  free(p.v);
  free(r.v);
  return ok;
}

/* Block type: empty, a single result, or a type index (for params or
 * several results). Single-value forms win even when written with (type x),
 * as wabt encodes them. */
bool wat_parse_blocktype(wat_ctx *c, wat_buf *out) {
  bool has_type = false;
  uint32_t index = 0;
  const wat_token *at = wat_tok(c);
  if (wat_is_field(c, "type")) {
    c->pos += 2;
    if (!wat_parse_index(c, &c->types, &index) || !wat_expect_rparen(c))
      return false;
    has_type = true;
  }
  vt_list p = {0}, r = {0};
  bool ok = parse_params_results(c, &p, &r, NULL, WAT_PARAM_IDS_NO);
  if (!ok)
    goto done;
  if (has_type) {
    if (index < c->nftypes) {
      const wat_functype *f = &c->ftypes[index];
      if ((p.n || r.n) && !type_matches(f, p.v, p.n, r.v, r.n)) {
        ok = wat_fail(c->err, at, "inline function type mismatch");
        goto done;
      }
      if (f->nparams == 0 && f->nresults <= 1) {
        wat_buf_byte(out, f->nresults ? f->v[0] : 0x40);
        goto done;
      }
    }
    wat_buf_s64(out, index);
  } else if (p.n == 0 && r.n <= 1) {
    wat_buf_byte(out, r.n ? r.v[0] : 0x40);
  } else {
    ok = wat_find_or_add_type(c, p.v, p.n, r.v, r.n, &index);
    wat_buf_s64(out, index);
  }
done:
  free(p.v);
  free(r.v);
  return ok;
}
