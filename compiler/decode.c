/* wasm_module_decode: the module header, the section loop with the spec's
 * ordering rules, and the consistency checks made after the last section. */
#include "decode_internal.h"

#include <stdlib.h>

bool wasm_decode_oom(wasm_error *err) {
  return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                        "out of memory");
}

static bool decode_header(wasm_cursor *c, wasm_error *err) {
  static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6D};
  static const uint8_t version[4] = {0x01, 0x00, 0x00, 0x00};
  const uint8_t *p;
  if (!wasm_read_bytes(c, 4, &p, err))
    return wasm_error_set(err, WASM_ERR_MALFORMED, c->pos, "unexpected end");
  if (memcmp(p, magic, 4) != 0)
    return wasm_error_set(err, WASM_ERR_MALFORMED, 0,
                          "magic header not detected");
  if (!wasm_read_bytes(c, 4, &p, err))
    return wasm_error_set(err, WASM_ERR_MALFORMED, c->pos, "unexpected end");
  if (memcmp(p, version, 4) != 0)
    return wasm_error_set(err, WASM_ERR_MALFORMED, 4, "unknown binary version");
  return true;
}

/* Position of a known section in the required order: the data count
 * section (12) sits between element (9) and code (10). */
static int section_rank(uint8_t id) {
  switch (id) {
  case 12:
    return 10;
  case 10:
    return 11;
  case 11:
    return 12;
  default:
    return id;
  }
}

/* One section: id, size, payload; the payload must be consumed exactly. */
static bool decode_one_section(wasm_decoder *d, int *last_rank,
                               wasm_error *err) {
  uint32_t id_at = d->c.pos;
  uint8_t id;
  uint32_t size;
  if (!wasm_read_u8(&d->c, &id, err))
    return false;
  if (id > 12)
    return wasm_error_set(err, WASM_ERR_MALFORMED, id_at,
                          "malformed section id");
  if (!wasm_read_len(&d->c, &size, err))
    return false;
  uint32_t start = d->c.pos;
  if (id == 0)
    return wasm_decode_custom(d, size, err);
  /* a repeated or misplaced section ends the module for the spec's
   * decoder, which then finds bytes it did not expect */
  if (section_rank(id) <= *last_rank)
    return wasm_error_set(err, WASM_ERR_MALFORMED, id_at,
                          "unexpected content after last section");
  *last_rank = section_rank(id);
  if (!wasm_decode_section(d, id, size, err))
    return false;
  if (d->c.pos - start != size)
    return wasm_error_set(err, WASM_ERR_MALFORMED, start,
                          "section size mismatch");
  return true;
}

/* Checks that need the whole module, in the reference decoder's order. */
static bool check_counts(wasm_decoder *d, wasm_error *err) {
  const wasm_module *m = d->m;
  uint32_t at = m->size;
  bool code_ok = d->has_code_section
                     ? d->num_code_bodies == m->num_funcs
                     : m->num_funcs == 0 || (d->flags & WASM_DECODE_NO_CODE);
  if (!code_ok)
    return wasm_error_set(
        err, WASM_ERR_MALFORMED, at,
        "function and code section have inconsistent lengths");
  if (m->has_data_count && m->data_count != m->num_datas)
    return wasm_error_set(
        err, WASM_ERR_MALFORMED, at,
        "data count and data section have inconsistent lengths");
  /* Without a data section every data index is out of range anyway, and
   * the suite expects the validator's "unknown data segment" there. */
  if (d->uses_data_count && !m->has_data_count && d->has_data_section)
    return wasm_error_set(err, WASM_ERR_MALFORMED, at,
                          "data count section required");
  return true;
}

/* Per-kind import index tables for the O(1) index-space helpers. */
static bool index_imports(wasm_decoder *d, wasm_error *err) {
  const wasm_module *m = d->m;
  uint32_t counts[4] = {m->num_imported_funcs, m->num_imported_tables,
                        m->num_imported_memories, m->num_imported_globals};
  uint32_t *tables[4], fill[4] = {0};
  for (int k = 0; k < 4; k++) {
    tables[k] = wasm_arena_array(d->arena, counts[k], sizeof(uint32_t));
    if (!tables[k])
      return wasm_decode_oom(err);
    d->impl->imports_of_kind[k] = tables[k];
  }
  for (uint32_t i = 0; i < m->num_imports; i++) {
    unsigned k = m->imports[i].kind;
    tables[k][fill[k]++] = i;
  }
  return true;
}

static bool finish_module(wasm_decoder *d, wasm_error *err) {
  if (!check_counts(d, err) || !index_imports(d, err))
    return false;
  wasm_custom *cs = wasm_arena_array(d->arena, d->num_customs, sizeof *cs);
  if (!cs)
    return wasm_decode_oom(err);
  if (d->num_customs)
    memcpy(cs, d->customs, d->num_customs * sizeof *cs);
  d->m->customs = cs;
  d->m->num_customs = d->num_customs;
  return wasm_decode_names(d, err);
}

static bool decode_module(wasm_decoder *d, wasm_error *err) {
  if (!decode_header(&d->c, err))
    return false;
  int last_rank = 0;
  while (d->c.pos < d->c.end)
    if (!decode_one_section(d, &last_rank, err))
      return false;
  return finish_module(d, err);
}

/* The module and its copy of the bytes, in a fresh arena. */
static wasm_module_impl *new_module(const uint8_t *bytes, uint32_t size) {
  wasm_arena *a = wasm_arena_new();
  if (!a)
    return NULL;
  wasm_module_impl *impl = wasm_arena_alloc(a, sizeof *impl);
  uint8_t *copy = impl ? wasm_arena_dup(a, bytes, size) : NULL;
  if (!copy) {
    wasm_arena_free(a);
    return NULL;
  }
  impl->pub.bytes = copy;
  impl->pub.size = size;
  impl->pub.arena = (struct wasm_arena *)a;
  return impl;
}

bool wasm_module_decode(const uint8_t *bytes, size_t size, unsigned flags,
                        wasm_module **out, wasm_error *err) {
  *out = NULL;
  if (size >= UINT32_MAX)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "module too large");
  if (!bytes && size)
    return wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET,
                          "no bytes given");
  wasm_module_impl *impl = new_module(bytes, (uint32_t)size);
  if (!impl)
    return wasm_decode_oom(err);
  wasm_decoder d = {
      .impl = impl,
      .m = &impl->pub,
      .arena = (wasm_arena *)impl->pub.arena,
      .flags = flags,
      .c = {impl->pub.bytes, 0, (uint32_t)size},
  };
  bool ok = decode_module(&d, err);
  wasm_code_reader_free(&d.reader);
  free(d.customs);
  if (!ok) {
    wasm_module_free(&impl->pub);
    return false;
  }
  *out = &impl->pub;
  return true;
}

void wasm_module_free(wasm_module *m) {
  if (m)
    wasm_arena_free((wasm_arena *)m->arena);
}
