/* The instruction reader (wasm_code_reader_*) and the decoder's single
 * pass over expressions: every instruction of wasm_opcodes.def with its
 * immediates, block nesting tracked by a counter (never by recursion). */
#include "decode_internal.h"

#include <stdlib.h>

void wasm_code_reader_init_range(wasm_code_reader *r, const wasm_module *m,
                                 uint32_t pos, uint32_t end) {
  r->base = m->bytes;
  r->end = end <= m->size ? end : m->size;
  r->pos = pos <= r->end ? pos : r->end;
  r->targets = NULL;
  r->targets_cap = 0;
}

void wasm_code_reader_init(wasm_code_reader *r, const wasm_module *m,
                           uint32_t func) {
  if (func >= m->num_funcs) {
    wasm_code_reader_init_range(r, m, 0, 0);
    return;
  }
  const wasm_func *f = &m->funcs[func];
  wasm_code_reader_init_range(r, m, f->code_offset, f->code_end);
}

bool wasm_code_reader_done(const wasm_code_reader *r) {
  return r->pos >= r->end;
}

void wasm_code_reader_free(wasm_code_reader *r) {
  free(r->targets);
  r->targets = NULL;
  r->targets_cap = 0;
}

static bool zero_byte(wasm_cursor *c, wasm_error *err) {
  uint8_t b;
  if (!wasm_read_u8(c, &b, err))
    return false;
  if (b != 0)
    return wasm_error_set(err, WASM_ERR_MALFORMED, c->pos - 1,
                          "zero byte expected");
  return true;
}

static bool read_blocktype(wasm_cursor *c, wasm_blocktype *bt,
                           wasm_error *err) {
  if (c->pos >= c->end)
    return wasm_eos(c, err);
  uint8_t b = c->base[c->pos];
  if (b == 0x40) {
    c->pos++;
    bt->kind = WASM_BLOCK_EMPTY;
    return true;
  }
  if ((b & 0xC0) == 0x40) { /* a one-byte negative s33: a value type */
    bt->kind = WASM_BLOCK_VALUE;
    return wasm_read_valtype(c, &bt->value, err);
  }
  int64_t idx;
  if (!wasm_read_sleb(c, 33, &idx, err))
    return false;
  bt->kind = WASM_BLOCK_TYPEIDX;
  /* a negative index can never name a type; the validator says so */
  bt->type_index = idx < 0 ? UINT32_MAX : (uint32_t)idx;
  return true;
}

static bool read_memarg(wasm_cursor *c, wasm_memarg *ma, wasm_error *err) {
  ma->memory = 0;
  return wasm_read_u32(c, &ma->align_log2, err) &&
         wasm_read_u32(c, &ma->offset, err);
}

static bool read_br_table(wasm_code_reader *r, wasm_cursor *c, wasm_instr *out,
                          wasm_error *err) {
  uint32_t n;
  if (!wasm_read_len(c, &n, err))
    return false;
  /* n <= remaining bytes, so the scratch stays proportional to input */
  if (n > r->targets_cap) {
    uint32_t cap = r->targets_cap ? r->targets_cap : 16;
    while (cap < n)
      cap = cap > UINT32_MAX / 2 ? n : cap * 2;
    uint32_t *t = realloc(r->targets, (size_t)cap * sizeof *t);
    if (!t)
      return wasm_decode_oom(err);
    r->targets = t;
    r->targets_cap = cap;
  }
  for (uint32_t i = 0; i < n; i++)
    if (!wasm_read_u32(c, &r->targets[i], err))
      return false;
  out->imm.br_table.num_targets = n;
  out->imm.br_table.targets = r->targets;
  return wasm_read_u32(c, &out->imm.br_table.default_target, err);
}

static bool read_select_t(wasm_cursor *c, wasm_instr *out, wasm_error *err) {
  uint32_t n;
  if (!wasm_read_len(c, &n, err))
    return false;
  out->imm.select.count = n;
  out->imm.select.type = (wasm_valtype)0;
  for (uint32_t i = 0; i < n; i++) {
    wasm_valtype t;
    if (!wasm_read_valtype(c, &t, err))
      return false;
    if (i == 0)
      out->imm.select.type = t;
  }
  return true;
}

static bool read_lane(wasm_cursor *c, uint8_t *lane, wasm_error *err) {
  return wasm_read_u8(c, lane, err);
}

static bool read_v128(wasm_cursor *c, uint8_t dst[16], wasm_error *err) {
  const uint8_t *p;
  if (!wasm_read_bytes(c, 16, &p, err))
    return false;
  memcpy(dst, p, 16);
  return true;
}

/* The immediates of `out->op`, whose shape comes from the opcode table. */
static bool read_immediates(wasm_code_reader *r, wasm_cursor *c,
                            wasm_instr *out, wasm_error *err) {
  switch (wasm_opcode_get(out->op)->imm) {
  case WASM_IMM_NONE:
    return true;
  case WASM_IMM_BLOCKTYPE:
    return read_blocktype(c, &out->imm.block, err);
  case WASM_IMM_LABEL:
  case WASM_IMM_FUNC:
  case WASM_IMM_LOCAL:
  case WASM_IMM_GLOBAL:
  case WASM_IMM_TABLE:
  case WASM_IMM_DATA:
  case WASM_IMM_ELEM:
    return wasm_read_u32(c, &out->imm.index, err);
  case WASM_IMM_BR_TABLE:
    return read_br_table(r, c, out, err);
  case WASM_IMM_CALL_INDIRECT:
    return wasm_read_u32(c, &out->imm.call_indirect.type_index, err) &&
           wasm_read_u32(c, &out->imm.call_indirect.table_index, err);
  case WASM_IMM_MEMARG:
    return read_memarg(c, &out->imm.memarg, err);
  case WASM_IMM_MEMIDX:
    out->imm.index = 0;
    return zero_byte(c, err);
  case WASM_IMM_I32:
    return wasm_read_s32(c, &out->imm.i32, err);
  case WASM_IMM_I64:
    return wasm_read_s64(c, &out->imm.i64, err);
  case WASM_IMM_F32:
    return wasm_read_fixed32(c, &out->imm.f32_bits, err);
  case WASM_IMM_F64:
    return wasm_read_fixed64(c, &out->imm.f64_bits, err);
  case WASM_IMM_V128:
    return read_v128(c, out->imm.v128, err);
  case WASM_IMM_SHUFFLE:
    return read_v128(c, out->imm.shuffle, err);
  case WASM_IMM_SELECT_T:
    return read_select_t(c, out, err);
  case WASM_IMM_REFTYPE:
    return wasm_read_reftype(c, &out->imm.ref_type, err);
  case WASM_IMM_MEMORY_INIT:
    out->imm.init.target = 0;
    return wasm_read_u32(c, &out->imm.init.segment, err) && zero_byte(c, err);
  case WASM_IMM_MEMORY_COPY:
    out->imm.copy.dst = out->imm.copy.src = 0;
    return zero_byte(c, err) && zero_byte(c, err);
  case WASM_IMM_TABLE_INIT:
    return wasm_read_u32(c, &out->imm.init.segment, err) &&
           wasm_read_u32(c, &out->imm.init.target, err);
  case WASM_IMM_TABLE_COPY:
    return wasm_read_u32(c, &out->imm.copy.dst, err) &&
           wasm_read_u32(c, &out->imm.copy.src, err);
  case WASM_IMM_MEMARG_LANE:
    return read_memarg(c, &out->imm.mem_lane.memarg, err) &&
           read_lane(c, &out->imm.mem_lane.lane, err);
  case WASM_IMM_LANE:
    return read_lane(c, &out->imm.lane, err);
  }
  return wasm_error_set(err, WASM_ERR_INTERNAL, out->offset,
                        "unknown immediate kind");
}

static bool read_opcode(wasm_cursor *c, wasm_instr *out, wasm_error *err) {
  uint8_t b;
  if (!wasm_read_u8(c, &b, err))
    return false;
  if (b != 0xFC && b != 0xFD) {
    if (!wasm_opcode_lookup(0, b, &out->op))
      return wasm_error_set(err, WASM_ERR_MALFORMED, out->offset,
                            "illegal opcode %02x", b);
    return true;
  }
  uint32_t sub;
  if (!wasm_read_u32(c, &sub, err))
    return false;
  if (!wasm_opcode_lookup(b, sub, &out->op))
    return wasm_error_set(err, WASM_ERR_MALFORMED, out->offset,
                          "illegal opcode %02x %02x", b, sub);
  return true;
}

bool wasm_code_reader_next(wasm_code_reader *r, wasm_instr *out,
                           wasm_error *err) {
  wasm_cursor c = {r->base, r->pos, r->end};
  out->offset = r->pos;
  if (!read_opcode(&c, out, err) || !read_immediates(r, &c, out, err))
    return false;
  r->pos = c.pos;
  return true;
}

static bool is_constant_op(wasm_opcode op) {
  switch (op) {
  case WASM_OP_I32_CONST:
  case WASM_OP_I64_CONST:
  case WASM_OP_F32_CONST:
  case WASM_OP_F64_CONST:
  case WASM_OP_V128_CONST:
  case WASM_OP_GLOBAL_GET:
  case WASM_OP_REF_NULL:
  case WASM_OP_REF_FUNC:
    return true;
  default:
    return false;
  }
}

/* Walks instructions from d->c.pos to the `end` closing the expression.
 * The reader is bounded by the module's end, not the section's, like the
 * spec's reference decoder: overrunning a section then shows up as
 * "section size mismatch" in the caller. */
bool wasm_decode_expr(wasm_decoder *d, wasm_expr_info *info, wasm_error *err) {
  wasm_code_reader *r = &d->reader;
  r->base = d->c.base;
  r->pos = d->c.pos;
  r->end = d->c.end;
  memset(info, 0, sizeof *info);
  uint32_t depth = 1;
  for (;;) {
    wasm_instr in;
    if (!wasm_code_reader_next(r, &in, err))
      return false;
    switch (in.op) {
    case WASM_OP_BLOCK:
    case WASM_OP_LOOP:
    case WASM_OP_IF:
      depth++;
      break;
    case WASM_OP_ELSE:
      /* an else outside any block cannot belong to an if */
      if (depth == 1)
        return wasm_error_set(err, WASM_ERR_MALFORMED, in.offset,
                              "END opcode expected");
      break;
    case WASM_OP_END:
      if (--depth == 0) {
        d->c.pos = r->pos;
        return true;
      }
      break;
    case WASM_OP_MEMORY_INIT:
    case WASM_OP_DATA_DROP:
      info->uses_data_count = true;
      break;
    default:
      break;
    }
    if (info->count++ == 0)
      info->first = in;
    if (!info->non_constant && !is_constant_op(in.op)) {
      info->non_constant = true;
      info->non_const_offset = in.offset;
    }
  }
}

static void constexpr_from_instr(const wasm_instr *in, wasm_constexpr *out) {
  switch (in->op) {
  case WASM_OP_I32_CONST:
    out->op = WASM_CONST_I32;
    out->u.i32 = in->imm.i32;
    break;
  case WASM_OP_I64_CONST:
    out->op = WASM_CONST_I64;
    out->u.i64 = in->imm.i64;
    break;
  case WASM_OP_F32_CONST:
    out->op = WASM_CONST_F32;
    out->u.f32_bits = in->imm.f32_bits;
    break;
  case WASM_OP_F64_CONST:
    out->op = WASM_CONST_F64;
    out->u.f64_bits = in->imm.f64_bits;
    break;
  case WASM_OP_V128_CONST:
    out->op = WASM_CONST_V128;
    memcpy(out->u.v128, in->imm.v128, 16);
    break;
  case WASM_OP_GLOBAL_GET:
    out->op = WASM_CONST_GLOBAL_GET;
    out->u.global_index = in->imm.index;
    break;
  case WASM_OP_REF_NULL:
    out->op = WASM_CONST_REF_NULL;
    out->u.ref_type = in->imm.ref_type;
    break;
  default: /* REF_FUNC; callers checked is_constant_op */
    out->op = WASM_CONST_REF_FUNC;
    out->u.func_index = in->imm.index;
    break;
  }
}

bool wasm_decode_constexpr(wasm_decoder *d, wasm_constexpr *out,
                           wasm_error *err) {
  uint32_t start = d->c.pos;
  wasm_expr_info info;
  if (!wasm_decode_expr(d, &info, err))
    return false;
  memset(out, 0, sizeof *out);
  if (info.non_constant) {
    out->op = WASM_CONST_INVALID;
    out->offset = info.non_const_offset;
  } else if (info.count != 1) {
    out->op = WASM_CONST_ARITY;
    out->offset = start;
  } else {
    constexpr_from_instr(&info.first, out);
    out->offset = info.first.offset;
  }
  return true;
}
