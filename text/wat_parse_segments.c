/* Element and data segments in all their text forms (active with or
 * without a table/memory, offset abbreviations, passive, declarative). */
#include "wat_parse.h"

#include <string.h>

/* Is expr exactly `ref.func x end`? Then x is written to idx. */
static bool is_ref_func(const wat_buf *expr, wat_buf *idx) {
  if (expr->len < 3 || expr->data[0] != 0xD2 ||
      expr->data[expr->len - 1] != 0x0B)
    return false;
  size_t i = 1;
  while (i < expr->len - 1 && (expr->data[i] & 0x80))
    i++;
  if (i + 2 != expr->len)
    return false;
  wat_buf_bytes(idx, expr->data + 1, expr->len - 2);
  return true;
}

/* One element expression: (item instr*) or a single folded instruction. */
static bool parse_elem_expr(wat_ctx *c, wat_buf *expr) {
  if (wat_is_field(c, "item")) {
    c->pos += 2;
    return wat_parse_expr(c, expr) && wat_expect_rparen(c);
  }
  return wat_parse_folded_expr(c, expr);
}

bool wat_parse_elem_items(wat_ctx *c, uint8_t elem_type, bool exprs,
                          uint32_t *count, wat_buf *idx, wat_buf *ex,
                          bool *all_funcs) {
  *all_funcs = elem_type == WASM_FUNCREF;
  *count = 0;
  while (wat_tok(c)->kind != WAT_RPAREN) {
    if (!exprs) {
      uint32_t f;
      if (!wat_parse_index(c, &c->funcs, &f))
        return false;
      wat_buf_u32(idx, f);
      wat_buf_byte(ex, 0xD2);
      wat_buf_u32(ex, f);
      wat_buf_byte(ex, 0x0B);
    } else {
      wat_buf expr = {0};
      bool ok = parse_elem_expr(c, &expr);
      if (ok && !is_ref_func(&expr, idx))
        *all_funcs = false;
      wat_buf_bytes(ex, expr.data, expr.len);
      wat_buf_free(&expr);
      if (!ok)
        return false;
    }
    (*count)++;
  }
  return true;
}

void wat_write_elem(wat_ctx *c, wasm_segment_mode mode, uint32_t table,
                    const wat_buf *offset, uint8_t elem_type, uint32_t count,
                    const wat_buf *idx, const wat_buf *ex, bool all_funcs) {
  uint8_t flags = mode == WASM_SEGMENT_PASSIVE              ? 1
                  : mode == WASM_SEGMENT_DECLARATIVE        ? 3
                  : table != 0 || elem_type != WASM_FUNCREF ? 2
                                                            : 0;
  if (!all_funcs)
    flags |= 4;
  wat_buf *b = &c->sec[SEC_ELEM];
  wat_buf_byte(b, flags);
  if (flags & 2 && !(flags & 1))
    wat_buf_u32(b, table);
  if (!(flags & 1))
    wat_buf_bytes(b, offset->data, offset->len);
  if (flags & 3)
    wat_buf_byte(b, flags & 4 ? elem_type : 0x00);
  wat_buf_u32(b, count);
  if (flags & 4)
    wat_buf_bytes(b, ex->data, ex->len);
  else
    wat_buf_bytes(b, idx->data, idx->len);
  c->sec_count[SEC_ELEM]++;
}

/* (offset instr*) or the single-instruction abbreviation. */
static bool parse_offset(wat_ctx *c, wat_buf *off) {
  if (wat_is_field(c, "offset")) {
    c->pos += 2;
    return wat_parse_expr(c, off) && wat_expect_rparen(c);
  }
  return wat_parse_folded_expr(c, off);
}

/* `func x*` | reftype expr* | x* (legacy active form). */
static bool parse_elem_list(wat_ctx *c, uint8_t *type, bool *exprs) {
  *type = WASM_FUNCREF;
  *exprs = false;
  if (wat_is_atom(c, "func")) {
    c->pos++;
    return true;
  }
  if (wat_is_atom(c, "funcref") || wat_is_atom(c, "externref")) {
    *exprs = true;
    return wat_parse_reftype(c, type);
  }
  return true;
}

bool wat_parse_elem(wat_ctx *c) {
  c->pos += 2;
  if (wat_tok(c)->kind == WAT_ID)
    c->pos++;
  c->cur_elem++;
  wasm_segment_mode mode = WASM_SEGMENT_PASSIVE;
  uint32_t table = 0;
  wat_buf off = {0}, idx = {0}, ex = {0};
  bool ok = true;
  if (wat_is_atom(c, "declare")) {
    c->pos++;
    mode = WASM_SEGMENT_DECLARATIVE;
  } else if (wat_tok(c)->kind == WAT_LPAREN) {
    mode = WASM_SEGMENT_ACTIVE;
    if (wat_is_field(c, "table")) {
      c->pos += 2;
      ok = wat_parse_index(c, &c->tables, &table) && wat_expect_rparen(c);
    }
    ok = ok && parse_offset(c, &off);
  }
  uint8_t type;
  bool exprs, all_funcs;
  uint32_t n;
  ok = ok && parse_elem_list(c, &type, &exprs) &&
       wat_parse_elem_items(c, type, exprs, &n, &idx, &ex, &all_funcs) &&
       wat_expect_rparen(c);
  if (ok)
    wat_write_elem(c, mode, table, &off, type, n, &idx, &ex, all_funcs);
  wat_buf_free(&off);
  wat_buf_free(&idx);
  wat_buf_free(&ex);
  return ok;
}

bool wat_parse_data(wat_ctx *c) {
  c->pos += 2;
  if (wat_tok(c)->kind == WAT_ID)
    c->pos++;
  c->cur_data++;
  uint32_t mem = 0;
  bool active = wat_tok(c)->kind == WAT_LPAREN, ok = true;
  wat_buf off = {0}, bytes = {0};
  if (active && wat_is_field(c, "memory")) {
    c->pos += 2;
    ok = wat_parse_index(c, &c->mems, &mem) && wat_expect_rparen(c);
  }
  if (ok && active)
    ok = parse_offset(c, &off);
  while (ok && wat_tok(c)->kind == WAT_STRING) {
    size_t n = wat_string_decode(c->text, wat_tok(c), c->strbuf);
    wat_buf_bytes(&bytes, c->strbuf, n);
    c->pos++;
  }
  ok = ok && wat_expect_rparen(c);
  if (ok) {
    wat_buf *b = &c->sec[SEC_DATA];
    wat_buf_byte(b, !active ? 1 : mem ? 2 : 0);
    if (active && mem)
      wat_buf_u32(b, mem);
    if (active)
      wat_buf_bytes(b, off.data, off.len);
    wat_buf_u32(b, bytes.len);
    wat_buf_bytes(b, bytes.data, bytes.len);
    c->sec_count[SEC_DATA]++;
  }
  wat_buf_free(&off);
  wat_buf_free(&bytes);
  return ok;
}
