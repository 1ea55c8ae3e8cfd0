/* The printer: a decoded module back to text, flat instructions with
 * numeric indices, so that translating the text again gives back the same
 * binary (modulo custom sections and wabt's canonical segment flags). */
#include "wat.h"
#include "wat_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(wat_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(wat_buf *b, const char *fmt, ...) {
  char tmp[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0)
    wat_buf_bytes(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void put_string(wat_buf *b, const void *data, size_t n) {
  const uint8_t *p = data;
  wat_buf_byte(b, '"');
  for (size_t i = 0; i < n; i++) {
    if (p[i] >= 0x20 && p[i] < 0x7F && p[i] != '"' && p[i] != '\\')
      wat_buf_byte(b, p[i]);
    else
      put(b, "\\%02x", p[i]);
  }
  wat_buf_byte(b, '"');
}

/* Exact hex float text for IEEE bits (mant_bits 23 or 52). */
static void put_float(wat_buf *b, uint64_t bits, int mant_bits, int exp_bits) {
  uint64_t mant = bits & ((UINT64_C(1) << mant_bits) - 1);
  int64_t exp = (int64_t)(bits >> mant_bits) & ((1 << exp_bits) - 1);
  int64_t bias = (1 << (exp_bits - 1)) - 1;
  if (bits >> (mant_bits + exp_bits))
    wat_buf_byte(b, '-');
  if (exp == (1 << exp_bits) - 1) {
    if (mant)
      put(b, "nan:0x%" PRIx64, mant);
    else
      put(b, "inf");
    return;
  }
  /* pad the fraction to whole hex digits */
  int digits = (mant_bits + 3) / 4;
  uint64_t frac = mant << (digits * 4 - mant_bits);
  if (exp == 0)
    put(b, "0x0.%0*" PRIx64 "p%" PRId64, digits, frac, 1 - bias);
  else
    put(b, "0x1.%0*" PRIx64 "p%" PRId64, digits, frac, exp - bias);
}

static const char *valtype(wasm_valtype t) {
  return wasm_valtype_str(t);
}

static void put_v128(wat_buf *b, const uint8_t *v) {
  put(b, "i32x4");
  for (int i = 0; i < 4; i++)
    put(b, " 0x%08" PRIx32,
        (uint32_t)v[4 * i] | (uint32_t)v[4 * i + 1] << 8 |
            (uint32_t)v[4 * i + 2] << 16 | (uint32_t)v[4 * i + 3] << 24);
}

static void put_immediates(wat_buf *b, const wasm_instr *in);

/* A non-constant or multi-instruction expression (invalid modules keep
 * them): its instructions, flat, read back from the module bytes. */
static void put_raw_expr(wat_buf *b, const wasm_module *m, uint32_t offset) {
  wasm_code_reader r;
  wasm_code_reader_init_range(&r, m, offset, m->size);
  uint32_t depth = 0;
  wasm_error err;
  while (!wasm_code_reader_done(&r)) {
    wasm_instr in;
    if (!wasm_code_reader_next(&r, &in, &err))
      break;
    if (in.op == WASM_OP_END && depth-- == 0)
      break;
    depth +=
        in.op == WASM_OP_BLOCK || in.op == WASM_OP_LOOP || in.op == WASM_OP_IF;
    put(b, " %s", wasm_opcode_get(in.op)->name);
    put_immediates(b, &in);
  }
  wasm_code_reader_free(&r);
}

/* A constant expression; in_item wraps raw sequences as an elem item. */
static void put_constexpr(wat_buf *b, const wasm_module *m,
                          const wasm_constexpr *e, bool in_item) {
  switch (e->op) {
  case WASM_CONST_I32:
    put(b, "(i32.const %" PRId32 ")", e->u.i32);
    break;
  case WASM_CONST_I64:
    put(b, "(i64.const %" PRId64 ")", e->u.i64);
    break;
  case WASM_CONST_F32:
    put(b, "(f32.const ");
    put_float(b, e->u.f32_bits, 23, 8);
    put(b, ")");
    break;
  case WASM_CONST_F64:
    put(b, "(f64.const ");
    put_float(b, e->u.f64_bits, 52, 11);
    put(b, ")");
    break;
  case WASM_CONST_V128:
    put(b, "(v128.const ");
    put_v128(b, e->u.v128);
    put(b, ")");
    break;
  case WASM_CONST_GLOBAL_GET:
    put(b, "(global.get %" PRIu32 ")", e->u.global_index);
    break;
  case WASM_CONST_REF_NULL:
    put(b, "(ref.null %s)", e->u.ref_type == WASM_FUNCREF ? "func" : "extern");
    break;
  case WASM_CONST_REF_FUNC:
    put(b, "(ref.func %" PRIu32 ")", e->u.func_index);
    break;
  default:
    put(b, in_item ? "(item" : "");
    put_raw_expr(b, m, e->offset);
    put(b, in_item ? ")" : "");
    break;
  }
}

static void put_functype(wat_buf *b, const wasm_functype *f) {
  if (f->nparams) {
    put(b, " (param");
    for (uint32_t i = 0; i < f->nparams; i++)
      put(b, " %s", valtype(f->params[i]));
    put(b, ")");
  }
  if (f->nresults) {
    put(b, " (result");
    for (uint32_t i = 0; i < f->nresults; i++)
      put(b, " %s", valtype(f->results[i]));
    put(b, ")");
  }
}

static void put_limits(wat_buf *b, const wasm_limits *l) {
  put(b, " %" PRIu32, l->min);
  if (l->has_max)
    put(b, " %" PRIu32, l->max);
}

static void put_memarg(wat_buf *b, const wasm_memarg *m) {
  if (m->offset)
    put(b, " offset=%" PRIu32, m->offset);
  put(b, " align=%" PRIu64, (uint64_t)1 << (m->align_log2 & 63));
}

static void put_blocktype(wat_buf *b, const wasm_blocktype *bt) {
  if (bt->kind == WASM_BLOCK_VALUE)
    put(b, " (result %s)", valtype(bt->value));
  else if (bt->kind == WASM_BLOCK_TYPEIDX)
    put(b, " (type %" PRIu32 ")", bt->type_index);
}

/* Immediates of one instruction, after its name. */
static void put_immediates(wat_buf *b, const wasm_instr *in) {
  const wasm_opcode_info *info = wasm_opcode_get(in->op);
  switch (info->imm) {
  case WASM_IMM_BLOCKTYPE:
    put_blocktype(b, &in->imm.block);
    break;
  case WASM_IMM_LABEL:
  case WASM_IMM_FUNC:
  case WASM_IMM_LOCAL:
  case WASM_IMM_GLOBAL:
  case WASM_IMM_TABLE:
  case WASM_IMM_DATA:
  case WASM_IMM_ELEM:
    put(b, " %" PRIu32, in->imm.index);
    break;
  case WASM_IMM_MEMIDX:
    break; /* always memory 0 in WebAssembly 2.0 */
  case WASM_IMM_BR_TABLE:
    for (uint32_t i = 0; i < in->imm.br_table.num_targets; i++)
      put(b, " %" PRIu32, in->imm.br_table.targets[i]);
    put(b, " %" PRIu32, in->imm.br_table.default_target);
    break;
  case WASM_IMM_CALL_INDIRECT:
    put(b, " %" PRIu32 " (type %" PRIu32 ")", in->imm.call_indirect.table_index,
        in->imm.call_indirect.type_index);
    break;
  case WASM_IMM_MEMARG:
    put_memarg(b, &in->imm.memarg);
    break;
  case WASM_IMM_MEMARG_LANE:
    put_memarg(b, &in->imm.mem_lane.memarg);
    put(b, " %u", in->imm.mem_lane.lane);
    break;
  case WASM_IMM_LANE:
    put(b, " %u", in->imm.lane);
    break;
  case WASM_IMM_SHUFFLE:
    for (int i = 0; i < 16; i++)
      put(b, " %u", in->imm.shuffle[i]);
    break;
  case WASM_IMM_I32:
    put(b, " %" PRId32, in->imm.i32);
    break;
  case WASM_IMM_I64:
    put(b, " %" PRId64, in->imm.i64);
    break;
  case WASM_IMM_F32:
    put(b, " ");
    put_float(b, in->imm.f32_bits, 23, 8);
    break;
  case WASM_IMM_F64:
    put(b, " ");
    put_float(b, in->imm.f64_bits, 52, 11);
    break;
  case WASM_IMM_V128:
    put(b, " ");
    put_v128(b, in->imm.v128);
    break;
  case WASM_IMM_SELECT_T:
    put(b, " (result %s)", valtype(in->imm.select.type));
    break;
  case WASM_IMM_REFTYPE:
    put(b, " %s", in->imm.ref_type == WASM_FUNCREF ? "func" : "extern");
    break;
  case WASM_IMM_MEMORY_INIT:
    put(b, " %" PRIu32, in->imm.init.segment);
    break;
  case WASM_IMM_TABLE_INIT:
    put(b, " %" PRIu32 " %" PRIu32, in->imm.init.target, in->imm.init.segment);
    break;
  case WASM_IMM_MEMORY_COPY:
    break;
  case WASM_IMM_TABLE_COPY:
    put(b, " %" PRIu32 " %" PRIu32, in->imm.copy.dst, in->imm.copy.src);
    break;
  default:
    break;
  }
}

static bool put_body(wat_buf *b, const wasm_module *m, uint32_t func,
                     wasm_error *err) {
  wasm_code_reader r;
  wasm_code_reader_init(&r, m, func);
  uint32_t depth = 0;
  bool ok = true;
  while (ok && !wasm_code_reader_done(&r)) {
    wasm_instr in;
    if (!(ok = wasm_code_reader_next(&r, &in, err)))
      break;
    if (in.op == WASM_OP_END && depth == 0)
      break; /* the function's own end is implicit in the text */
    if (in.op == WASM_OP_END)
      depth--;
    depth +=
        in.op == WASM_OP_BLOCK || in.op == WASM_OP_LOOP || in.op == WASM_OP_IF;
    put(b, "\n    %s", wasm_opcode_get(in.op)->name);
    put_immediates(b, &in);
  }
  wasm_code_reader_free(&r);
  return ok;
}

static bool put_funcs(wat_buf *b, const wasm_module *m, wasm_error *err) {
  for (uint32_t i = 0; i < m->num_funcs; i++) {
    const wasm_func *f = &m->funcs[i];
    put(b, "\n  (func (type %" PRIu32 ")", f->type_index);
    for (uint32_t d = 0; d < f->num_local_decls; d++)
      for (uint32_t k = 0; k < f->local_decls[d].count; k++)
        put(b, " (local %s)", valtype(f->local_decls[d].type));
    if (!put_body(b, m, i, err))
      return false;
    put(b, ")");
  }
  return true;
}

static void put_imports(wat_buf *b, const wasm_module *m) {
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const wasm_import *im = &m->imports[i];
    put(b, "\n  (import ");
    put_string(b, im->module.data, im->module.len);
    put(b, " ");
    put_string(b, im->name.data, im->name.len);
    switch (im->kind) {
    case WASM_EXTERN_FUNC:
      put(b, " (func (type %" PRIu32 ")))", im->u.func_type);
      break;
    case WASM_EXTERN_TABLE:
      put(b, " (table");
      put_limits(b, &im->u.table.limits);
      put(b, " %s))", valtype(im->u.table.elem));
      break;
    case WASM_EXTERN_MEMORY:
      put(b, " (memory");
      put_limits(b, &im->u.memory.limits);
      put(b, "))");
      break;
    case WASM_EXTERN_GLOBAL:
      put(b, im->u.global.mut ? " (global (mut %s)))" : " (global %s))",
          valtype(im->u.global.type));
      break;
    }
  }
}

static void put_definitions(wat_buf *b, const wasm_module *m) {
  for (uint32_t i = 0; i < m->num_tables; i++) {
    put(b, "\n  (table");
    put_limits(b, &m->tables[i].limits);
    put(b, " %s)", valtype(m->tables[i].elem));
  }
  for (uint32_t i = 0; i < m->num_memories; i++) {
    put(b, "\n  (memory");
    put_limits(b, &m->memories[i].limits);
    put(b, ")");
  }
  for (uint32_t i = 0; i < m->num_globals; i++) {
    const wasm_global *g = &m->globals[i];
    put(b, g->type.mut ? "\n  (global (mut %s) " : "\n  (global %s ",
        valtype(g->type.type));
    put_constexpr(b, m, &g->init, false);
    put(b, ")");
  }
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const wasm_export *e = &m->exports[i];
    put(b, "\n  (export ");
    put_string(b, e->name.data, e->name.len);
    put(b, " (%s %" PRIu32 "))", wasm_externkind_str(e->kind), e->index);
  }
  if (m->has_start)
    put(b, "\n  (start %" PRIu32 ")", m->start);
}

static void put_segments(wat_buf *b, const wasm_module *m) {
  for (uint32_t i = 0; i < m->num_elems; i++) {
    const wasm_elem *e = &m->elems[i];
    put(b, "\n  (elem");
    if (e->mode == WASM_SEGMENT_DECLARATIVE)
      put(b, " declare");
    if (e->mode == WASM_SEGMENT_ACTIVE) {
      put(b, " (table %" PRIu32 ") (offset ", e->table_index);
      put_constexpr(b, m, &e->offset, false);
      put(b, ")");
    }
    put(b, " %s", valtype(e->elem_type));
    for (uint32_t k = 0; k < e->num_items; k++) {
      put(b, " ");
      put_constexpr(b, m, &e->items[k], true);
    }
    put(b, ")");
  }
  for (uint32_t i = 0; i < m->num_datas; i++) {
    const wasm_data *d = &m->datas[i];
    put(b, "\n  (data");
    if (d->mode == WASM_SEGMENT_ACTIVE) {
      put(b, " (memory %" PRIu32 ") (offset ", d->memory_index);
      put_constexpr(b, m, &d->offset, false);
      put(b, ")");
    }
    put(b, " ");
    put_string(b, d->bytes, d->size);
    put(b, ")");
  }
}

bool wasm_to_wat(const wasm_module *m, char **out, size_t *out_len,
                 wasm_error *err) {
  *out = NULL;
  *out_len = 0;
  wat_buf b = {0};
  put(&b, "(module");
  for (uint32_t i = 0; i < m->num_types; i++) {
    put(&b, "\n  (type (func");
    put_functype(&b, &m->types[i]);
    put(&b, "))");
  }
  put_imports(&b, m);
  if (!put_funcs(&b, m, err)) {
    wat_buf_free(&b);
    return false;
  }
  put_definitions(&b, m);
  put_segments(&b, m);
  put(&b, ")\n");
  wat_buf_byte(&b, 0);
  if (b.oom) {
    wat_buf_free(&b);
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  }
  *out = (char *)b.data;
  *out_len = b.len - 1;
  return true;
}
