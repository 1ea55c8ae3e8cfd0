/* Final assembly: the per-section buffers the parser filled, in binary
 * section order, followed by a `name` custom section. */
#include "wat_parse.h"

#include <stdlib.h>
#include <string.h>

static void write_section(wat_buf *out, uint8_t id, uint32_t count,
                          const wat_buf *body) {
  wat_buf_byte(out, id);
  wat_buf tmp = {0};
  wat_buf_u32(&tmp, count);
  wat_buf_u32(out, tmp.len + body->len);
  wat_buf_bytes(out, tmp.data, tmp.len);
  wat_buf_bytes(out, body->data, body->len);
  wat_buf_free(&tmp);
}

static void encode_types(wat_ctx *c) {
  wat_buf *b = &c->sec[SEC_TYPE];
  for (uint32_t i = 0; i < c->nftypes; i++) {
    const wat_functype *f = &c->ftypes[i];
    wat_buf_byte(b, 0x60);
    wat_buf_u32(b, f->nparams);
    wat_buf_bytes(b, f->v, f->nparams);
    wat_buf_u32(b, f->nresults);
    wat_buf_bytes(b, f->v + f->nparams, f->nresults);
  }
  c->sec_count[SEC_TYPE] = c->nftypes;
}

/* A $name as a binary name (without the `$`). */
static void id_name(wat_ctx *c, wat_buf *b, uint32_t off, uint32_t len) {
  wat_buf_name(b, c->text + off + 1, len - 1);
}

static void subsection(wat_buf *out, uint8_t id, const wat_buf *body) {
  wat_buf_byte(out, id);
  wat_buf_u32(out, body->len);
  wat_buf_bytes(out, body->data, body->len);
}

static void encode_local_names(wat_ctx *c, wat_buf *names) {
  wat_buf sub = {0};
  uint32_t nfuncs = 0;
  for (uint32_t i = 0; i < c->nlnames;) {
    uint32_t j = i;
    while (j < c->nlnames && c->lnames[j].func == c->lnames[i].func)
      j++;
    nfuncs++;
    i = j;
  }
  wat_buf_u32(&sub, nfuncs);
  for (uint32_t i = 0; i < c->nlnames;) {
    uint32_t j = i;
    while (j < c->nlnames && c->lnames[j].func == c->lnames[i].func)
      j++;
    wat_buf_u32(&sub, c->lnames[i].func);
    wat_buf_u32(&sub, j - i);
    for (uint32_t k = i; k < j; k++) {
      wat_buf_u32(&sub, c->lnames[k].local);
      id_name(c, &sub, c->lnames[k].name_off, c->lnames[k].name_len);
    }
    i = j;
  }
  subsection(names, 2, &sub);
  wat_buf_free(&sub);
}

/* The `name` section: module name, function names, local names. */
static void encode_names(wat_ctx *c, wat_buf *out) {
  wat_buf names = {0}, sub = {0};
  if (c->module_name_len) {
    id_name(c, &sub, c->module_name_off, c->module_name_len);
    subsection(&names, 0, &sub);
    sub.len = 0;
  }
  uint32_t nnamed = 0;
  for (uint32_t i = 0; i < c->funcs.count; i++)
    nnamed += c->funcs.name_len[i] != 0;
  if (nnamed) {
    wat_buf_u32(&sub, nnamed);
    for (uint32_t i = 0; i < c->funcs.count; i++)
      if (c->funcs.name_len[i]) {
        wat_buf_u32(&sub, i);
        id_name(c, &sub, c->funcs.name_off[i], c->funcs.name_len[i]);
      }
    subsection(&names, 1, &sub);
  }
  if (c->nlnames)
    encode_local_names(c, &names);
  if (names.len) {
    wat_buf body = {0};
    wat_buf_name(&body, "name", 4);
    wat_buf_bytes(&body, names.data, names.len);
    wat_buf_byte(out, 0);
    wat_buf_u32(out, body.len);
    wat_buf_bytes(out, body.data, body.len);
    wat_buf_free(&body);
  }
  wat_buf_free(&sub);
  wat_buf_free(&names);
}

bool wat_encode_module(wat_ctx *c, uint8_t **out, size_t *out_len) {
  static const uint8_t order[] = {
      SEC_TYPE,   SEC_IMPORT, SEC_FUNC,      SEC_TABLE, SEC_MEMORY, SEC_GLOBAL,
      SEC_EXPORT, SEC_START,  SEC_DATACOUNT, SEC_ELEM,  SEC_CODE,   SEC_DATA};
  encode_types(c);
  wat_buf b = {0};
  wat_buf_bytes(&b, "\0asm\1\0\0\0", 8);
  for (size_t i = 0; i < sizeof order; i++) {
    uint8_t id = order[i];
    if (id == SEC_START) {
      if (c->has_start) {
        wat_buf_byte(&b, SEC_START);
        wat_buf_u32(&b, c->sec[SEC_START].len);
        wat_buf_bytes(&b, c->sec[SEC_START].data, c->sec[SEC_START].len);
      }
    } else if (id == SEC_DATACOUNT) {
      if (c->uses_data_count) {
        wat_buf_byte(&b, SEC_DATACOUNT);
        wat_buf tmp = {0};
        wat_buf_u32(&tmp, c->cur_data);
        wat_buf_u32(&b, tmp.len);
        wat_buf_bytes(&b, tmp.data, tmp.len);
        wat_buf_free(&tmp);
      }
    } else if (c->sec_count[id]) {
      write_section(&b, id, c->sec_count[id], &c->sec[id]);
    }
  }
  encode_names(c, &b);
  bool oom = b.oom;
  for (int i = 0; i < WAT_SEC_COUNT; i++)
    oom |= c->sec[i].oom;
  if (oom) {
    wat_buf_free(&b);
    return wat_oom(c);
  }
  *out = b.data;
  *out_len = b.len;
  return true;
}
