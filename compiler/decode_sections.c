/* Readers for the known sections (type .. data count) and custom sections.
 * Each reads from the decoder's cursor, which is bounded by the end of the
 * module; the caller compares where it stopped with the section size. */
#include "decode_internal.h"

#include <stdlib.h>

#define MALFORMED(c_pos, ...)                                                  \
  wasm_error_set(err, WASM_ERR_MALFORMED, (c_pos), __VA_ARGS__)

bool wasm_read_name(wasm_cursor *c, wasm_name *out, wasm_error *err) {
  uint32_t start = c->pos, len;
  const uint8_t *p;
  if (!wasm_read_len(c, &len, err) || !wasm_read_bytes(c, len, &p, err))
    return false;
  if (!wasm_utf8_valid(p, len))
    return MALFORMED(start, "malformed UTF-8 encoding");
  out->data = (const char *)p;
  out->len = len;
  return true;
}

/* Type codes are one-byte signed LEB128s (s7): a continuation bit makes
 * them "integer representation too long". Returns the low 7 bits. */
static bool read_typecode(wasm_cursor *c, uint8_t *out, wasm_error *err) {
  int64_t v;
  if (!wasm_read_sleb(c, 7, &v, err))
    return false;
  *out = (uint8_t)(v & 0x7F);
  return true;
}

bool wasm_read_valtype(wasm_cursor *c, wasm_valtype *out, wasm_error *err) {
  uint8_t b;
  if (!read_typecode(c, &b, err))
    return false;
  switch (b) {
  case WASM_I32:
  case WASM_I64:
  case WASM_F32:
  case WASM_F64:
  case WASM_V128:
  case WASM_FUNCREF:
  case WASM_EXTERNREF:
    *out = (wasm_valtype)b;
    return true;
  default:
    return MALFORMED(c->pos - 1, "malformed value type");
  }
}

bool wasm_read_reftype(wasm_cursor *c, wasm_valtype *out, wasm_error *err) {
  uint8_t b;
  if (!read_typecode(c, &b, err))
    return false;
  if (b != WASM_FUNCREF && b != WASM_EXTERNREF)
    return MALFORMED(c->pos - 1, "malformed reference type");
  *out = (wasm_valtype)b;
  return true;
}

/* The flag is a 1-bit LEB128, so 2..127 is "integer too large". Limits
 * themselves (min <= max, 65536 pages) are the validator's business. */
static bool read_limits(wasm_cursor *c, wasm_limits *out, wasm_error *err) {
  uint64_t flag;
  if (!wasm_read_uleb(c, 1, &flag, err) || !wasm_read_u32(c, &out->min, err))
    return false;
  out->has_max = flag == 1;
  out->max = 0;
  return !out->has_max || wasm_read_u32(c, &out->max, err);
}

static bool read_tabletype(wasm_cursor *c, wasm_tabletype *out,
                           wasm_error *err) {
  return wasm_read_reftype(c, &out->elem, err) &&
         read_limits(c, &out->limits, err);
}

static bool read_globaltype(wasm_cursor *c, wasm_globaltype *out,
                            wasm_error *err) {
  uint8_t mut;
  if (!wasm_read_valtype(c, &out->type, err) || !wasm_read_u8(c, &mut, err))
    return false;
  if (mut > 1)
    return MALFORMED(c->pos - 1, "malformed mutability");
  out->mut = mut == 1;
  return true;
}

/* A vector count plus its zeroed arena array; the count was checked
 * against the remaining bytes before anything is allocated. */
static bool read_vec(wasm_decoder *d, uint32_t *count, void **items,
                     size_t item_size, wasm_error *err) {
  if (!wasm_read_len(&d->c, count, err))
    return false;
  *items = wasm_arena_array(d->arena, *count, item_size);
  return *items ? true : wasm_decode_oom(err);
}

static bool read_valtypes(wasm_decoder *d, uint32_t *count,
                          const wasm_valtype **out, wasm_error *err) {
  wasm_valtype *v;
  if (!read_vec(d, count, (void **)&v, sizeof *v, err))
    return false;
  for (uint32_t i = 0; i < *count; i++)
    if (!wasm_read_valtype(&d->c, &v[i], err))
      return false;
  *out = v;
  return true;
}

static bool decode_types(wasm_decoder *d, wasm_error *err) {
  wasm_functype *t;
  if (!read_vec(d, &d->m->num_types, (void **)&t, sizeof *t, err))
    return false;
  for (uint32_t i = 0; i < d->m->num_types; i++) {
    uint8_t form;
    if (!read_typecode(&d->c, &form, err))
      return false;
    if (form != 0x60)
      return MALFORMED(d->c.pos - 1, "malformed function type");
    if (!read_valtypes(d, &t[i].nparams, &t[i].params, err) ||
        !read_valtypes(d, &t[i].nresults, &t[i].results, err))
      return false;
  }
  d->m->types = t;
  return true;
}

static bool decode_import_desc(wasm_decoder *d, wasm_import *im,
                               wasm_error *err) {
  wasm_module *m = d->m;
  uint8_t kind;
  if (!wasm_read_u8(&d->c, &kind, err))
    return false;
  switch (kind) {
  case WASM_EXTERN_FUNC:
    m->num_imported_funcs++;
    im->kind = WASM_EXTERN_FUNC;
    return wasm_read_u32(&d->c, &im->u.func_type, err);
  case WASM_EXTERN_TABLE:
    m->num_imported_tables++;
    im->kind = WASM_EXTERN_TABLE;
    return read_tabletype(&d->c, &im->u.table, err);
  case WASM_EXTERN_MEMORY:
    m->num_imported_memories++;
    im->kind = WASM_EXTERN_MEMORY;
    return read_limits(&d->c, &im->u.memory.limits, err);
  case WASM_EXTERN_GLOBAL:
    m->num_imported_globals++;
    im->kind = WASM_EXTERN_GLOBAL;
    return read_globaltype(&d->c, &im->u.global, err);
  default:
    return MALFORMED(d->c.pos - 1, "malformed import kind");
  }
}

static bool decode_imports(wasm_decoder *d, wasm_error *err) {
  wasm_import *im;
  if (!read_vec(d, &d->m->num_imports, (void **)&im, sizeof *im, err))
    return false;
  for (uint32_t i = 0; i < d->m->num_imports; i++)
    if (!wasm_read_name(&d->c, &im[i].module, err) ||
        !wasm_read_name(&d->c, &im[i].name, err) ||
        !decode_import_desc(d, &im[i], err))
      return false;
  d->m->imports = im;
  return true;
}

static bool decode_functions(wasm_decoder *d, wasm_error *err) {
  wasm_func *f;
  if (!read_vec(d, &d->m->num_funcs, (void **)&f, sizeof *f, err))
    return false;
  for (uint32_t i = 0; i < d->m->num_funcs; i++)
    if (!wasm_read_u32(&d->c, &f[i].type_index, err))
      return false;
  d->m->funcs = f;
  d->has_func_section = true;
  return true;
}

static bool decode_tables(wasm_decoder *d, wasm_error *err) {
  wasm_tabletype *t;
  if (!read_vec(d, &d->m->num_tables, (void **)&t, sizeof *t, err))
    return false;
  for (uint32_t i = 0; i < d->m->num_tables; i++)
    if (!read_tabletype(&d->c, &t[i], err))
      return false;
  d->m->tables = t;
  return true;
}

static bool decode_memories(wasm_decoder *d, wasm_error *err) {
  wasm_memtype *t;
  if (!read_vec(d, &d->m->num_memories, (void **)&t, sizeof *t, err))
    return false;
  for (uint32_t i = 0; i < d->m->num_memories; i++)
    if (!read_limits(&d->c, &t[i].limits, err))
      return false;
  d->m->memories = t;
  return true;
}

static bool decode_globals(wasm_decoder *d, wasm_error *err) {
  wasm_global *g;
  if (!read_vec(d, &d->m->num_globals, (void **)&g, sizeof *g, err))
    return false;
  for (uint32_t i = 0; i < d->m->num_globals; i++)
    if (!read_globaltype(&d->c, &g[i].type, err) ||
        !wasm_decode_constexpr(d, &g[i].init, err))
      return false;
  d->m->globals = g;
  return true;
}

static bool decode_exports(wasm_decoder *d, wasm_error *err) {
  wasm_export *e;
  if (!read_vec(d, &d->m->num_exports, (void **)&e, sizeof *e, err))
    return false;
  for (uint32_t i = 0; i < d->m->num_exports; i++) {
    uint8_t kind;
    if (!wasm_read_name(&d->c, &e[i].name, err) ||
        !wasm_read_u8(&d->c, &kind, err))
      return false;
    if (kind > WASM_EXTERN_GLOBAL)
      return MALFORMED(d->c.pos - 1, "malformed export kind");
    e[i].kind = (wasm_externkind)kind;
    if (!wasm_read_u32(&d->c, &e[i].index, err))
      return false;
  }
  d->m->exports = e;
  return true;
}

static bool decode_start(wasm_decoder *d, wasm_error *err) {
  d->m->has_start = true;
  return wasm_read_u32(&d->c, &d->m->start, err);
}

static bool decode_data_count(wasm_decoder *d, wasm_error *err) {
  d->m->has_data_count = true;
  return wasm_read_u32(&d->c, &d->m->data_count, err);
}

/* Items given as function indices (element encodings 0..3). */
static bool read_elem_funcs(wasm_decoder *d, wasm_elem *e, wasm_error *err) {
  wasm_constexpr *items;
  if (!read_vec(d, &e->num_items, (void **)&items, sizeof *items, err))
    return false;
  for (uint32_t i = 0; i < e->num_items; i++) {
    items[i].op = WASM_CONST_REF_FUNC;
    items[i].offset = d->c.pos;
    if (!wasm_read_u32(&d->c, &items[i].u.func_index, err))
      return false;
  }
  e->items = items;
  return true;
}

/* Items given as constant expressions (element encodings 4..7). */
static bool read_elem_exprs(wasm_decoder *d, wasm_elem *e, wasm_error *err) {
  wasm_constexpr *items;
  if (!read_vec(d, &e->num_items, (void **)&items, sizeof *items, err))
    return false;
  for (uint32_t i = 0; i < e->num_items; i++)
    if (!wasm_decode_constexpr(d, &items[i], err))
      return false;
  e->items = items;
  return true;
}

static bool read_elem_kind(wasm_cursor *c, wasm_elem *e, wasm_error *err) {
  uint8_t kind;
  if (!wasm_read_u8(c, &kind, err))
    return false;
  if (kind != 0)
    return MALFORMED(c->pos - 1, "malformed element kind");
  e->elem_type = WASM_FUNCREF;
  return true;
}

/* Flags bit 0: passive/declarative (bit 1 then picks declarative) versus
 * active; bit 1 on an active segment: explicit table index; bit 2: items
 * are expressions with an explicit reference type instead of function
 * indices with an element kind. */
static bool decode_elem(wasm_decoder *d, wasm_elem *e, wasm_error *err) {
  uint32_t at = d->c.pos, flags;
  e->offset_in_module = at;
  if (!wasm_read_u32(&d->c, &flags, err))
    return false;
  if (flags > 7)
    return MALFORMED(at, "malformed elements segment kind");
  bool passive = flags & 1, explicit = flags & 2, exprs = flags & 4;
  e->elem_type = WASM_FUNCREF;
  if (passive) {
    e->mode = explicit ? WASM_SEGMENT_DECLARATIVE : WASM_SEGMENT_PASSIVE;
  } else {
    e->mode = WASM_SEGMENT_ACTIVE;
    if (explicit && !wasm_read_u32(&d->c, &e->table_index, err))
      return false;
    if (!wasm_decode_constexpr(d, &e->offset, err))
      return false;
  }
  /* encodings 0 and 4 imply funcref and carry no type byte */
  if (passive || explicit) {
    bool ok = exprs ? wasm_read_reftype(&d->c, &e->elem_type, err)
                    : read_elem_kind(&d->c, e, err);
    if (!ok)
      return false;
  }
  return exprs ? read_elem_exprs(d, e, err) : read_elem_funcs(d, e, err);
}

static bool decode_elems(wasm_decoder *d, wasm_error *err) {
  wasm_elem *e;
  if (!read_vec(d, &d->m->num_elems, (void **)&e, sizeof *e, err))
    return false;
  for (uint32_t i = 0; i < d->m->num_elems; i++)
    if (!decode_elem(d, &e[i], err))
      return false;
  d->m->elems = e;
  return true;
}

static bool decode_data(wasm_decoder *d, wasm_data *s, wasm_error *err) {
  uint32_t at = d->c.pos, flags;
  s->offset_in_module = at;
  if (!wasm_read_u32(&d->c, &flags, err))
    return false;
  if (flags > 2)
    return MALFORMED(at, "malformed data segment kind");
  s->mode = flags == 1 ? WASM_SEGMENT_PASSIVE : WASM_SEGMENT_ACTIVE;
  if (flags == 2 && !wasm_read_u32(&d->c, &s->memory_index, err))
    return false;
  if (flags != 1 && !wasm_decode_constexpr(d, &s->offset, err))
    return false;
  return wasm_read_len(&d->c, &s->size, err) &&
         wasm_read_bytes(&d->c, s->size, &s->bytes, err);
}

static bool decode_datas(wasm_decoder *d, wasm_error *err) {
  wasm_data *s;
  if (!read_vec(d, &d->m->num_datas, (void **)&s, sizeof *s, err))
    return false;
  for (uint32_t i = 0; i < d->m->num_datas; i++)
    if (!decode_data(d, &s[i], err))
      return false;
  d->m->datas = s;
  d->has_data_section = true;
  return true;
}

static bool read_locals(wasm_decoder *d, wasm_func *f, wasm_error *err) {
  uint32_t at = d->c.pos;
  wasm_local_decl *l;
  if (!read_vec(d, &f->num_local_decls, (void **)&l, sizeof *l, err))
    return false;
  f->num_locals = 0;
  for (uint32_t i = 0; i < f->num_local_decls; i++) {
    if (!wasm_read_u32(&d->c, &l[i].count, err))
      return false;
    f->num_locals += l[i].count;
    if (f->num_locals > WASM_MAX_LOCALS)
      return MALFORMED(at, "too many locals");
    if (!wasm_read_valtype(&d->c, &l[i].type, err))
      return false;
  }
  f->local_decls = l;
  return true;
}

/* One code entry: size, locals, body. Bodies beyond the function section's
 * count are still decoded (into `scratch`) so the count mismatch is
 * reported after the module is read, as the spec's decoder does. */
static bool decode_body(wasm_decoder *d, wasm_func *f, wasm_error *err) {
  uint32_t body_offset = d->c.pos, size;
  if (!wasm_read_len(&d->c, &size, err))
    return false;
  uint32_t start = d->c.pos;
  if (!read_locals(d, f, err))
    return false;
  f->body_offset = body_offset;
  f->code_offset = d->c.pos;
  wasm_expr_info info;
  if (!wasm_decode_expr(d, &info, err))
    return false;
  f->code_end = d->c.pos;
  d->uses_data_count |= info.uses_data_count;
  if (d->c.pos - start != size)
    return MALFORMED(start, "section size mismatch");
  return true;
}

static bool decode_code(wasm_decoder *d, wasm_error *err) {
  uint32_t n;
  if (!wasm_read_len(&d->c, &n, err))
    return false;
  d->has_code_section = true;
  d->num_code_bodies = n;
  for (uint32_t i = 0; i < n; i++) {
    wasm_func scratch = {0};
    wasm_func *f =
        i < d->m->num_funcs ? (wasm_func *)&d->m->funcs[i] : &scratch;
    uint32_t type_index = f->type_index;
    if (!decode_body(d, f, err))
      return false;
    f->type_index = type_index;
  }
  return true;
}

bool wasm_decode_section(wasm_decoder *d, uint8_t id, uint32_t size,
                         wasm_error *err) {
  (void)size;
  switch (id) {
  case 1:
    return decode_types(d, err);
  case 2:
    return decode_imports(d, err);
  case 3:
    return decode_functions(d, err);
  case 4:
    return decode_tables(d, err);
  case 5:
    return decode_memories(d, err);
  case 6:
    return decode_globals(d, err);
  case 7:
    return decode_exports(d, err);
  case 8:
    return decode_start(d, err);
  case 9:
    return decode_elems(d, err);
  case 10:
    return decode_code(d, err);
  case 11:
    return decode_datas(d, err);
  case 12:
    return decode_data_count(d, err);
  default:
    return MALFORMED(d->c.pos, "malformed section id");
  }
}

static bool push_custom(wasm_decoder *d, const wasm_custom *cs,
                        wasm_error *err) {
  if (d->num_customs == d->cap_customs) {
    uint32_t cap = d->cap_customs ? d->cap_customs * 2 : 8;
    wasm_custom *n = realloc(d->customs, (size_t)cap * sizeof *n);
    if (!n)
      return wasm_decode_oom(err);
    d->customs = n;
    d->cap_customs = cap;
  }
  d->customs[d->num_customs++] = *cs;
  return true;
}

bool wasm_decode_custom(wasm_decoder *d, uint32_t size, wasm_error *err) {
  uint32_t start = d->c.pos;
  wasm_custom cs;
  if (!wasm_read_name(&d->c, &cs.name, err))
    return false;
  uint32_t used = d->c.pos - start;
  /* the name runs past the section, or the section past the module (the
   * size prefix was only checked against the bytes from its own start) */
  if (used > size || size > d->c.end - start)
    return wasm_error_set(err, WASM_ERR_MALFORMED, d->c.pos, WASM_MSG_EOS);
  cs.offset = d->c.pos;
  cs.size = size - used;
  cs.data = d->c.base + cs.offset;
  d->c.pos = start + size;
  return push_custom(d, &cs, err);
}
