/* The printer: a decoded module back to text, flat instructions with
 * numeric indices, so that translating the text again gives back the same
 * binary (modulo custom sections and wabt's canonical segment flags).
 * Functions and locals named by the `name` section (and the module) get
 * their names as ids, for readers (wat_print_names.c). */
#include "wat.h"
#include "wat_internal.h"
#include "wat_print_names.h"

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

/* Ids from the name section for the part being printed. */
typedef struct print_ids {
  const wasm_module *m;
  const wat_print_names *names;
  char **locals; /* of the function being printed, or NULL */
  uint32_t nlocals;
} print_ids;

/* " $id", unbounded (put() truncates long text). */
static void put_id(wat_buf *b, const char *id) {
  if (id) {
    wat_buf_byte(b, ' ');
    wat_buf_bytes(b, id, strlen(id));
  }
}

/* " $id" when the item has one, else " INDEX". */
static void put_index(wat_buf *b, const char *id, uint32_t index) {
  if (id)
    put_id(b, id);
  else
    put(b, " %" PRIu32, index);
}

static void put_func_ref(wat_buf *b, const print_ids *ids, uint32_t func) {
  put_index(b, wat_print_func_id(ids->names, func), func);
}

static void put_immediates(wat_buf *b, const wasm_instr *in,
                           const print_ids *ids);

/* A non-constant or multi-instruction expression (invalid modules keep
 * them): its instructions, flat, read back from the module bytes. */
static void put_raw_expr(wat_buf *b, const wasm_module *m, uint32_t offset,
                         const print_ids *ids) {
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
    put_immediates(b, &in, ids);
  }
  wasm_code_reader_free(&r);
}

/* A constant expression; in_item wraps raw sequences as an elem item. */
static void put_constexpr(wat_buf *b, const wasm_module *m,
                          const wasm_constexpr *e, bool in_item,
                          const print_ids *ids) {
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
    put(b, "(ref.func");
    put_func_ref(b, ids, e->u.func_index);
    put(b, ")");
    break;
  default:
    put(b, in_item ? "(item" : "");
    put_raw_expr(b, m, e->offset, ids);
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

/* A type index naming [] -> [t?] is printed in the short form: the text
 * parser (like wabt) encodes `(type N)` of such a type that way anyway, so
 * the index form is, like LEB128 padding, an encoding text cannot keep. */
static void put_blocktype(wat_buf *b, const wasm_blocktype *bt,
                          const wasm_module *m) {
  const wasm_functype *t =
      bt->kind == WASM_BLOCK_TYPEIDX && bt->type_index < m->num_types
          ? &m->types[bt->type_index]
          : NULL;
  if (bt->kind == WASM_BLOCK_VALUE)
    put(b, " (result %s)", valtype(bt->value));
  else if (t && t->nparams == 0 && t->nresults == 1)
    put(b, " (result %s)", valtype(t->results[0]));
  else if (bt->kind == WASM_BLOCK_TYPEIDX &&
           !(t && t->nparams == 0 && t->nresults == 0))
    put(b, " (type %" PRIu32 ")", bt->type_index);
}

/* Immediates of one instruction, after its name. */
static void put_immediates(wat_buf *b, const wasm_instr *in,
                           const print_ids *ids) {
  const wasm_opcode_info *info = wasm_opcode_get(in->op);
  uint32_t index = in->imm.index;
  switch (info->imm) {
  case WASM_IMM_BLOCKTYPE:
    put_blocktype(b, &in->imm.block, ids->m);
    break;
  case WASM_IMM_FUNC:
    put_func_ref(b, ids, index);
    break;
  case WASM_IMM_LOCAL:
    put_index(b,
              ids->locals && index < ids->nlocals ? ids->locals[index] : NULL,
              index);
    break;
  case WASM_IMM_LABEL:
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
  case WASM_IMM_SELECT_T: /* invalid counts other than 1 decode too; the
                            model keeps only the first type */
    if (in->imm.select.count == 0)
      put(b, " (result)");
    else
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
                     const print_ids *ids, wasm_error *err) {
  wasm_code_reader r;
  wasm_code_reader_init(&r, m, func);
  uint32_t depth = 0;
  bool ok = true, pending_else = false;
  while (ok && !wasm_code_reader_done(&r)) {
    wasm_instr in;
    if (!(ok = wasm_code_reader_next(&r, &in, err)))
      break;
    /* An empty else branch is left out: the parser (like wabt) drops
     * `else end` to `end`, so printing it could not round-trip. */
    if (pending_else && (in.op != WASM_OP_END || depth == 0))
      put(b, "\n    else");
    pending_else = in.op == WASM_OP_ELSE;
    if (in.op == WASM_OP_END && depth == 0)
      break; /* the function's own end is implicit in the text */
    if (in.op == WASM_OP_END)
      depth--;
    depth +=
        in.op == WASM_OP_BLOCK || in.op == WASM_OP_LOOP || in.op == WASM_OP_IF;
    if (pending_else)
      continue;
    put(b, "\n    %s", wasm_opcode_get(in.op)->name);
    put_immediates(b, &in, ids);
  }
  if (pending_else) /* a body cut short after an else */
    put(b, "\n    else");
  wasm_code_reader_free(&r);
  return ok;
}

/* " $id" of the local, if it has one. */
static void put_local_id(wat_buf *b, const print_ids *ids, uint32_t local) {
  if (ids->locals && local < ids->nlocals)
    put_id(b, ids->locals[local]);
}

/* Named params are repeated after the type use (which the whole inline
 * type must then match), since only a `param` field can carry an id. */
static void put_params(wat_buf *b, const wasm_module *m, const wasm_func *f,
                       const print_ids *ids) {
  const wasm_functype *t =
      f->type_index < m->num_types ? &m->types[f->type_index] : NULL;
  if (!ids->locals || !t)
    return;
  for (uint32_t i = 0; i < t->nparams; i++) {
    put(b, " (param");
    put_local_id(b, ids, i);
    put(b, " %s)", valtype(t->params[i]));
  }
  if (t->nresults) { /* the inline type must be complete to match */
    put(b, " (result");
    for (uint32_t i = 0; i < t->nresults; i++)
      put(b, " %s", valtype(t->results[i]));
    put(b, ")");
  }
}

/* The function's head: id, type use, params, locals. */
static void put_func_head(wat_buf *b, const wasm_module *m, const wasm_func *f,
                          const print_ids *ids, uint32_t index) {
  put(b, "\n  (func");
  put_id(b, wat_print_func_id(ids->names, index));
  put(b, " (type %" PRIu32 ")", f->type_index);
  put_params(b, m, f, ids);
  uint32_t local =
      f->type_index < m->num_types ? m->types[f->type_index].nparams : 0;
  for (uint32_t d = 0; d < f->num_local_decls; d++)
    for (uint32_t k = 0; k < f->local_decls[d].count; k++, local++) {
      put(b, " (local");
      put_local_id(b, ids, local);
      put(b, " %s)", valtype(f->local_decls[d].type));
    }
}

/* Params plus declared locals (the local index space); saturates. */
static uint32_t count_locals(const wasm_module *m, const wasm_func *f) {
  uint64_t n =
      f->type_index < m->num_types ? m->types[f->type_index].nparams : 0;
  for (uint32_t d = 0; d < f->num_local_decls; d++)
    n += f->local_decls[d].count;
  return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static bool put_funcs(wat_buf *b, const wasm_module *m,
                      const wat_print_names *names, wasm_error *err) {
  for (uint32_t i = 0; i < m->num_funcs; i++) {
    const wasm_func *f = &m->funcs[i];
    uint32_t index = m->num_imported_funcs + i;
    print_ids ids = {m, names, NULL, count_locals(m, f)};
    ids.locals = wat_print_locals(m, index, ids.nlocals);
    put_func_head(b, m, f, &ids, index);
    bool ok = put_body(b, m, i, &ids, err);
    wat_print_locals_free(ids.locals, ids.nlocals);
    if (!ok)
      return false;
    put(b, ")");
  }
  return true;
}

static void put_imports(wat_buf *b, const wasm_module *m,
                        const print_ids *ids) {
  uint32_t func = 0;
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const wasm_import *im = &m->imports[i];
    put(b, "\n  (import ");
    put_string(b, im->module.data, im->module.len);
    put(b, " ");
    put_string(b, im->name.data, im->name.len);
    switch (im->kind) {
    case WASM_EXTERN_FUNC:
      put(b, " (func");
      put_id(b, wat_print_func_id(ids->names, func++));
      put(b, " (type %" PRIu32 ")))", im->u.func_type);
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

static void put_definitions(wat_buf *b, const wasm_module *m,
                            const print_ids *ids) {
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
    put_constexpr(b, m, &g->init, false, ids);
    put(b, ")");
  }
  for (uint32_t i = 0; i < m->num_exports; i++) {
    const wasm_export *e = &m->exports[i];
    put(b, "\n  (export ");
    put_string(b, e->name.data, e->name.len);
    put(b, " (%s", wasm_externkind_str(e->kind));
    if (e->kind == WASM_EXTERN_FUNC)
      put_func_ref(b, ids, e->index);
    else
      put(b, " %" PRIu32, e->index);
    put(b, "))");
  }
  if (m->has_start) {
    put(b, "\n  (start");
    put_func_ref(b, ids, m->start);
    put(b, ")");
  }
}

static void put_segments(wat_buf *b, const wasm_module *m,
                         const print_ids *ids) {
  for (uint32_t i = 0; i < m->num_elems; i++) {
    const wasm_elem *e = &m->elems[i];
    put(b, "\n  (elem");
    if (e->mode == WASM_SEGMENT_DECLARATIVE)
      put(b, " declare");
    if (e->mode == WASM_SEGMENT_ACTIVE) {
      put(b, " (table %" PRIu32 ") (offset ", e->table_index);
      put_constexpr(b, m, &e->offset, false, ids);
      put(b, ")");
    }
    put(b, " %s", valtype(e->elem_type));
    for (uint32_t k = 0; k < e->num_items; k++) {
      put(b, " ");
      put_constexpr(b, m, &e->items[k], true, ids);
    }
    put(b, ")");
  }
  for (uint32_t i = 0; i < m->num_datas; i++) {
    const wasm_data *d = &m->datas[i];
    put(b, "\n  (data");
    if (d->mode == WASM_SEGMENT_ACTIVE) {
      put(b, " (memory %" PRIu32 ") (offset ", d->memory_index);
      put_constexpr(b, m, &d->offset, false, ids);
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
  wat_print_names names;
  if (!wat_print_names_init(&names, m))
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  print_ids ids = {m, &names, NULL, 0};
  put(&b, "(module");
  put_id(&b, names.module);
  for (uint32_t i = 0; i < m->num_types; i++) {
    put(&b, "\n  (type (func");
    put_functype(&b, &m->types[i]);
    put(&b, "))");
  }
  put_imports(&b, m, &ids);
  bool ok = put_funcs(&b, m, &names, err);
  if (ok) {
    put_definitions(&b, m, &ids);
    put_segments(&b, m, &ids);
  }
  wat_print_names_free(&names);
  if (!ok) {
    wat_buf_free(&b);
    return false;
  }
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
