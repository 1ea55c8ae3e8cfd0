/* Instructions, flat and folded, encoded straight into bytes. Names,
 * encodings and immediate shapes all come from wasm_opcodes.def. */
#include "wat_parse.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_NESTING = 1000 }; /* keeps recursion off the stack's edge */

static uint32_t op_hash(const char *s, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (uint8_t)s[i]) * 16777619u;
  return h;
}

bool wat_ops_init(wat_ctx *c) {
  c->op_nslots = 1024;
  c->op_slots = calloc(c->op_nslots, sizeof *c->op_slots);
  if (!c->op_slots)
    return wat_oom(c);
  uint32_t mask = c->op_nslots - 1;
  for (unsigned op = 0; op < WASM_OP_COUNT; op++) {
    const char *name = wasm_opcode_get((wasm_opcode)op)->name;
    uint32_t h = op_hash(name, strlen(name)) & mask;
    bool dup = false;
    for (; c->op_slots[h]; h = (h + 1) & mask)
      dup |= strcmp(wasm_opcode_get(c->op_slots[h] - 1)->name, name) == 0;
    if (!dup) /* `select` keeps its untyped row; select_t is chosen below */
      c->op_slots[h] = (uint16_t)(op + 1);
  }
  return true;
}

static bool lookup_op(wat_ctx *c, const wat_token *t, wasm_opcode *op) {
  if (t->kind != WAT_ATOM)
    return false;
  const char *s = c->text + t->off;
  uint32_t mask = c->op_nslots - 1;
  for (uint32_t h = op_hash(s, t->len) & mask; c->op_slots[h];
       h = (h + 1) & mask) {
    const char *name = wasm_opcode_get(c->op_slots[h] - 1)->name;
    if (strlen(name) == t->len && memcmp(name, s, t->len) == 0) {
      *op = (wasm_opcode)(c->op_slots[h] - 1);
      return true;
    }
  }
  return false;
}

static void emit_op(wat_buf *b, wasm_opcode op) {
  const wasm_opcode_info *i = wasm_opcode_get(op);
  if (i->prefix) {
    wat_buf_byte(b, i->prefix);
    wat_buf_u32(b, i->code);
  } else {
    wat_buf_byte(b, (uint8_t)i->code);
  }
}

/* A plain unsigned literal operand (lane index, label depth). */
static bool parse_u32(wat_ctx *c, uint64_t max, uint32_t *out,
                      const char *what) {
  const wat_token *t = wat_tok(c);
  uint64_t v;
  if (t->kind != WAT_ATOM || !wat_parse_uint(c->text + t->off, t->len, max, &v))
    return wat_error_here(c, what);
  *out = (uint32_t)v;
  c->pos++;
  return true;
}

/* ---------------------------------------------------------------- labels */

static bool push_label(wat_ctx *c, const wat_token *id) {
  if (c->nlabels == c->labels_cap) {
    uint32_t cap = c->labels_cap ? c->labels_cap * 2 : 16;
    wat_label *v = realloc(c->labels, cap * sizeof *v);
    if (!v)
      return wat_oom(c);
    c->labels = v, c->labels_cap = cap;
  }
  c->labels[c->nlabels++] = (wat_label){id ? id->off : 0, id ? id->len : 0};
  return true;
}

/* Optional `$label` after block/loop/if; returns the token or NULL. */
static const wat_token *opt_label(wat_ctx *c) {
  const wat_token *t = wat_tok(c);
  if (t->kind != WAT_ID)
    return NULL;
  c->pos++;
  return t;
}

/* `end $l` / `else $l` may repeat the block's label, nothing else. */
static bool check_end_label(wat_ctx *c) {
  const wat_token *t = wat_tok(c);
  if (t->kind != WAT_ID)
    return true;
  const wat_label *l = &c->labels[c->nlabels - 1];
  if (l->name_len != t->len ||
      memcmp(c->text + l->name_off, c->text + t->off, t->len) != 0)
    return wat_fail(c->err, t, "mismatching label");
  c->pos++;
  return true;
}

static bool parse_label_index(wat_ctx *c, uint32_t *out) {
  const wat_token *t = wat_tok(c);
  if (t->kind == WAT_ID) {
    for (uint32_t i = c->nlabels; i-- > 0;) {
      const wat_label *l = &c->labels[i];
      if (l->name_len == t->len &&
          memcmp(c->text + l->name_off, c->text + t->off, t->len) == 0) {
        *out = c->nlabels - 1 - i;
        c->pos++;
        return true;
      }
    }
    return wat_fail(c->err, t, "unknown label %.*s", (int)t->len,
                    c->text + t->off);
  }
  return parse_u32(c, UINT32_MAX, out, "a label");
}

/* ------------------------------------------------------------ immediates */

/* offset=N align=N (either optional); align defaults to natural. */
static bool parse_memarg(wat_ctx *c, wat_buf *b, unsigned natural) {
  uint64_t offset = 0, align = UINT64_C(1) << natural;
  const wat_token *t = wat_tok(c);
  if (t->kind == WAT_ATOM && t->len > 7 &&
      memcmp(c->text + t->off, "offset=", 7) == 0) {
    if (!wat_parse_uint(c->text + t->off + 7, t->len - 7, UINT32_MAX, &offset))
      return wat_fail(c->err, t, "malformed memory offset");
    t = &c->t[++c->pos];
  }
  if (t->kind == WAT_ATOM && t->len > 6 &&
      memcmp(c->text + t->off, "align=", 6) == 0) {
    if (!wat_parse_uint(c->text + t->off + 6, t->len - 6, UINT32_MAX, &align) ||
        align == 0 || (align & (align - 1)))
      return wat_fail(c->err, t, "alignment must be a power of two");
    c->pos++;
  }
  wat_buf_u32(b, (uint64_t)__builtin_ctzll(align));
  wat_buf_u32(b, offset);
  return true;
}

static bool literal_tok(wat_ctx *c, const wat_token **t) {
  *t = wat_tok(c);
  if ((*t)->kind != WAT_ATOM)
    return wat_error_here(c, "a number");
  c->pos++;
  return true;
}

/* One lane of a v128.const/shape literal, written little-endian. */
bool wat_parse_lane(wat_ctx *c, unsigned shape_bits, bool is_float,
                    wat_buf *b) {
  const wat_token *t;
  if (!literal_tok(c, &t))
    return false;
  const char *s = c->text + t->off;
  uint64_t v;
  bool ok;
  if (is_float && shape_bits == 32) {
    uint32_t f;
    ok = wat_parse_f32(s, t->len, &f);
    v = f;
  } else if (is_float) {
    ok = wat_parse_f64(s, t->len, &v);
  } else {
    ok = wat_parse_int(s, t->len, shape_bits, &v);
  }
  if (!ok)
    return wat_fail(c->err, t, "constant out of range or malformed");
  wat_buf_le(b, v, shape_bits / 8);
  return true;
}

/* Shape keyword -> lane width and kind; false if unknown. */
bool wat_parse_shape(wat_ctx *c, unsigned *bits, unsigned *lanes,
                     bool *is_float) {
  static const struct {
    const char *name;
    unsigned bits;
    bool is_float;
  } shapes[] = {{"i8x16", 8, false},  {"i16x8", 16, false},
                {"i32x4", 32, false}, {"i64x2", 64, false},
                {"f32x4", 32, true},  {"f64x2", 64, true}};
  for (size_t i = 0; i < 6; i++)
    if (wat_is_atom(c, shapes[i].name)) {
      *bits = shapes[i].bits;
      *lanes = 128 / shapes[i].bits;
      *is_float = shapes[i].is_float;
      c->pos++;
      return true;
    }
  return wat_error_here(c, "a vector shape");
}

static bool parse_v128(wat_ctx *c, wat_buf *b) {
  unsigned bits, lanes;
  bool is_float;
  if (!wat_parse_shape(c, &bits, &lanes, &is_float))
    return false;
  for (unsigned i = 0; i < lanes; i++)
    if (!wat_parse_lane(c, bits, is_float, b))
      return false;
  return true;
}

static bool parse_scalar_const(wat_ctx *c, wasm_imm_kind k, wat_buf *b) {
  const wat_token *t;
  if (!literal_tok(c, &t))
    return false;
  const char *s = c->text + t->off;
  uint64_t v;
  uint32_t f;
  switch (k) {
  case WASM_IMM_I32:
    if (!wat_parse_int(s, t->len, 32, &v))
      break;
    wat_buf_s64(b, (int32_t)(uint32_t)v);
    return true;
  case WASM_IMM_I64:
    if (!wat_parse_int(s, t->len, 64, &v))
      break;
    wat_buf_s64(b, (int64_t)v);
    return true;
  case WASM_IMM_F32:
    if (!wat_parse_f32(s, t->len, &f))
      break;
    wat_buf_le(b, f, 4);
    return true;
  default:
    if (!wat_parse_f64(s, t->len, &v))
      break;
    wat_buf_le(b, v, 8);
    return true;
  }
  return wat_fail(c->err, t, "constant out of range or malformed: %.*s",
                  t->len > 40 ? 40 : (int)t->len, s);
}

/* `select` takes (result t*) to become the typed select. */
static bool parse_select(wat_ctx *c, wat_buf *b) {
  if (!wat_is_field(c, "result")) {
    emit_op(b, WASM_OP_SELECT);
    return true;
  }
  wat_buf types = {0};
  uint32_t n = 0;
  bool ok = true;
  while (ok && wat_is_field(c, "result")) {
    c->pos += 2;
    while (ok && wat_tok(c)->kind == WAT_ATOM) {
      uint8_t t;
      ok = wat_parse_valtype(c, &t);
      wat_buf_byte(&types, t);
      n++;
    }
    ok = ok && wat_expect_rparen(c);
  }
  emit_op(b, WASM_OP_SELECT_T);
  wat_buf_u32(b, n);
  wat_buf_bytes(b, types.data, types.len);
  wat_buf_free(&types);
  return ok;
}

static bool opt_index(wat_ctx *c, const wat_space *s, uint32_t *out) {
  *out = 0;
  return !wat_at_index(c) || wat_parse_index(c, s, out);
}

static bool parse_br_table(wat_ctx *c, wat_buf *b) {
  wat_buf targets = {0};
  uint32_t n = 0, t = 0;
  bool ok = true;
  while (ok && wat_at_index(c)) {
    ok = parse_label_index(c, &t);
    wat_buf_u32(&targets, t);
    n++;
  }
  if (ok && n == 0)
    ok = wat_error_here(c, "a label");
  if (ok) {
    wat_buf_u32(b, n - 1);
    wat_buf_bytes(b, targets.data, targets.len);
  }
  wat_buf_free(&targets);
  return ok;
}

/* Two optional indices (x y), both defaulting to 0. */
static bool parse_index_pair(wat_ctx *c, const wat_space *s, wat_buf *b) {
  uint32_t x = 0, y = 0;
  if (wat_at_index(c)) {
    if (!wat_parse_index(c, s, &x) || !wat_parse_index(c, s, &y))
      return false;
  }
  wat_buf_u32(b, x);
  wat_buf_u32(b, y);
  return true;
}

/* `table.init x? y` / `memory.init x? y`: segment last, target first. */
static bool parse_init(wat_ctx *c, const wat_space *targets,
                       const wat_space *segs, wat_buf *b) {
  uint32_t target = 0, seg;
  bool two = wat_at_index(c) && c->pos + 1 < c->ntoks &&
             (c->t[c->pos + 1].kind == WAT_ID ||
              (c->t[c->pos + 1].kind == WAT_ATOM &&
               c->text[c->t[c->pos + 1].off] >= '0' &&
               c->text[c->t[c->pos + 1].off] <= '9'));
  if (two && !wat_parse_index(c, targets, &target))
    return false;
  if (!wat_parse_index(c, segs, &seg))
    return false;
  wat_buf_u32(b, seg);
  wat_buf_u32(b, target);
  return true;
}

static bool parse_call_indirect(wat_ctx *c, wat_buf *b) {
  uint32_t table = 0, type;
  if (wat_at_index(c) && !wat_parse_index(c, &c->tables, &table))
    return false;
  if (!wat_parse_typeuse(c, &type, NULL, WAT_PARAM_IDS_NO))
    return false;
  wat_buf_u32(b, type);
  wat_buf_u32(b, table);
  return true;
}

/* Immediates of a non-block instruction, after its opcode. */
static bool parse_immediates(wat_ctx *c, wasm_opcode op, wat_buf *b) {
  const wasm_opcode_info *info = wasm_opcode_get(op);
  uint32_t x;
  switch (info->imm) {
  case WASM_IMM_NONE:
    return true;
  case WASM_IMM_LABEL:
    if (!parse_label_index(c, &x))
      return false;
    wat_buf_u32(b, x);
    return true;
  case WASM_IMM_BR_TABLE:
    return parse_br_table(c, b);
  case WASM_IMM_FUNC:
  case WASM_IMM_LOCAL:
  case WASM_IMM_GLOBAL:
  case WASM_IMM_DATA:
  case WASM_IMM_ELEM: {
    const wat_space *s = info->imm == WASM_IMM_FUNC     ? &c->funcs
                         : info->imm == WASM_IMM_LOCAL  ? &c->locals
                         : info->imm == WASM_IMM_GLOBAL ? &c->globals
                         : info->imm == WASM_IMM_DATA   ? &c->datas
                                                        : &c->elems;
    if (info->imm == WASM_IMM_DATA)
      c->uses_data_count = true;
    if (!wat_parse_index(c, s, &x))
      return false;
    wat_buf_u32(b, x);
    return true;
  }
  case WASM_IMM_CALL_INDIRECT:
    return parse_call_indirect(c, b);
  case WASM_IMM_TABLE:
  case WASM_IMM_MEMIDX:
    if (!opt_index(c, info->imm == WASM_IMM_TABLE ? &c->tables : &c->mems, &x))
      return false;
    wat_buf_u32(b, x);
    return true;
  case WASM_IMM_MEMARG:
    return parse_memarg(c, b, info->natural_align_log2);
  case WASM_IMM_MEMARG_LANE:
    if (!parse_memarg(c, b, info->natural_align_log2) ||
        !parse_u32(c, 255, &x, "a lane index"))
      return false;
    wat_buf_byte(b, (uint8_t)x);
    return true;
  case WASM_IMM_LANE:
    if (!parse_u32(c, 255, &x, "a lane index"))
      return false;
    wat_buf_byte(b, (uint8_t)x);
    return true;
  case WASM_IMM_SHUFFLE:
    for (int i = 0; i < 16; i++) {
      if (!parse_u32(c, 255, &x, "a lane index"))
        return false;
      wat_buf_byte(b, (uint8_t)x);
    }
    return true;
  case WASM_IMM_I32:
  case WASM_IMM_I64:
  case WASM_IMM_F32:
  case WASM_IMM_F64:
    return parse_scalar_const(c, info->imm, b);
  case WASM_IMM_V128:
    return parse_v128(c, b);
  case WASM_IMM_REFTYPE:
    if (wat_is_atom(c, "func"))
      wat_buf_byte(b, WASM_FUNCREF);
    else if (wat_is_atom(c, "extern"))
      wat_buf_byte(b, WASM_EXTERNREF);
    else
      return wat_error_here(c, "'func' or 'extern'");
    c->pos++;
    return true;
  case WASM_IMM_MEMORY_INIT:
    c->uses_data_count = true;
    return parse_init(c, &c->mems, &c->datas, b);
  case WASM_IMM_TABLE_INIT:
    return parse_init(c, &c->tables, &c->elems, b);
  case WASM_IMM_MEMORY_COPY:
    return parse_index_pair(c, &c->mems, b);
  case WASM_IMM_TABLE_COPY:
    return parse_index_pair(c, &c->tables, b);
  default:
    return wat_error_here(c, "an instruction");
  }
}

/* A plain (non-block) instruction at the current atom, into b. */
static bool parse_plain(wat_ctx *c, wasm_opcode op, wat_buf *b) {
  c->pos++;
  if (op == WASM_OP_SELECT)
    return parse_select(c, b);
  emit_op(b, op);
  return parse_immediates(c, op, b);
}

/* ---------------------------------------------------------------- blocks */

static bool parse_folded(wat_ctx *c, wat_buf *out);

static bool enter(wat_ctx *c) {
  if (++c->depth > MAX_NESTING)
    return wat_fail(c->err, wat_tok(c), "nesting too deep");
  return true;
}

/* An else branch; an empty one is left out entirely, as wabt does. */
static bool parse_else_body(wat_ctx *c, wat_buf *b) {
  wat_buf body = {0};
  bool ok = wat_parse_instrs(c, &body);
  if (ok && body.len) {
    emit_op(b, WASM_OP_ELSE);
    wat_buf_bytes(b, body.data, body.len);
  }
  wat_buf_free(&body);
  return ok;
}

/* (then ...) (else ...)? of a folded if, after the condition. */
static bool parse_then_else(wat_ctx *c, wat_buf *b) {
  if (!wat_is_field(c, "then"))
    return wat_error_here(c, "'(then'");
  c->pos += 2;
  if (!wat_parse_instrs(c, b) || !wat_expect_rparen(c))
    return false;
  if (wat_is_field(c, "else")) {
    c->pos += 2;
    if (!parse_else_body(c, b) || !wat_expect_rparen(c))
      return false;
  }
  emit_op(b, WASM_OP_END);
  return true;
}

static bool parse_folded_if(wat_ctx *c, wat_buf *b) {
  c->pos++;
  const wat_token *label = opt_label(c);
  wat_buf bt = {0};
  bool ok = wat_parse_blocktype(c, &bt);
  /* The condition is evaluated outside the block: no label yet. */
  while (ok && wat_tok(c)->kind == WAT_LPAREN && !wat_is_field(c, "then"))
    ok = parse_folded(c, b);
  if (ok) {
    emit_op(b, WASM_OP_IF);
    wat_buf_bytes(b, bt.data, bt.len);
    ok = push_label(c, label) && parse_then_else(c, b);
    if (ok)
      c->nlabels--;
  }
  wat_buf_free(&bt);
  return ok;
}

static bool parse_folded_body(wat_ctx *c, wat_buf *b) {
  const wat_token *t = wat_tok(c);
  wasm_opcode op;
  if (!lookup_op(c, t, &op))
    return wat_fail(c->err, t, "unknown operator %.*s",
                    t->len > 40 ? 40 : (int)t->len, c->text + t->off);
  if (op == WASM_OP_BLOCK || op == WASM_OP_LOOP) {
    c->pos++;
    emit_op(b, op);
    if (!push_label(c, opt_label(c)) || !wat_parse_blocktype(c, b) ||
        !wat_parse_instrs(c, b))
      return false;
    emit_op(b, WASM_OP_END);
    c->nlabels--;
    return true;
  }
  if (op == WASM_OP_IF)
    return parse_folded_if(c, b);
  if (op == WASM_OP_ELSE || op == WASM_OP_END)
    return wat_error_here(c, "an instruction");
  wat_buf self = {0};
  bool ok = parse_plain(c, op, &self);
  while (ok && wat_tok(c)->kind == WAT_LPAREN)
    ok = parse_folded(c, b);
  wat_buf_bytes(b, self.data, self.len);
  wat_buf_free(&self);
  return ok;
}

static bool parse_folded(wat_ctx *c, wat_buf *b) {
  if (!enter(c))
    return false;
  c->pos++; /* ( */
  bool ok = parse_folded_body(c, b) && wat_expect_rparen(c);
  c->depth--;
  return ok;
}

static bool parse_instr(wat_ctx *c, wat_buf *b) {
  if (wat_tok(c)->kind == WAT_LPAREN)
    return parse_folded(c, b);
  const wat_token *t = wat_tok(c);
  wasm_opcode op;
  if (!lookup_op(c, t, &op)) {
    if (t->kind != WAT_ATOM)
      return wat_error_here(c, "an instruction");
    return wat_fail(c->err, t, "unknown operator %.*s",
                    t->len > 40 ? 40 : (int)t->len, c->text + t->off);
  }
  return parse_plain(c, op, b);
}

/* ------------------------------------------------------- flat blocks */

/* Flat block/loop/if ... end are parsed without recursion (real modules
 * nest thousands deep, e.g. a br_table over many cases); one frame per
 * open block, on the heap. */
typedef struct flat_frame {
  bool is_if, seen_else;
  size_t else_pos; /* where the else opcode went */
} flat_frame;

typedef struct flat_stack {
  flat_frame *v;
  size_t n, cap;
} flat_stack;

static bool flat_open(wat_ctx *c, wasm_opcode op, flat_stack *st, wat_buf *b) {
  if (st->n == st->cap) {
    size_t cap = st->cap ? st->cap * 2 : 16;
    flat_frame *v = realloc(st->v, cap * sizeof *v);
    if (!v)
      return wat_oom(c);
    st->v = v, st->cap = cap;
  }
  c->pos++;
  emit_op(b, op);
  st->v[st->n++] = (flat_frame){op == WASM_OP_IF, false, 0};
  return push_label(c, opt_label(c)) && wat_parse_blocktype(c, b);
}

static bool flat_else(wat_ctx *c, flat_frame *f, wat_buf *b) {
  c->pos++;
  f->seen_else = true;
  f->else_pos = b->len;
  emit_op(b, WASM_OP_ELSE);
  return check_end_label(c);
}

/* An empty else branch is left out entirely, as wabt does. */
static bool flat_end(wat_ctx *c, flat_stack *st, wat_buf *b) {
  flat_frame *f = &st->v[st->n - 1];
  c->pos++;
  if (!check_end_label(c))
    return false;
  if (f->seen_else && b->len == f->else_pos + 1)
    b->len = f->else_pos;
  emit_op(b, WASM_OP_END);
  c->nlabels--;
  st->n--;
  return true;
}

/* One step at the current token with flat blocks open: *done when the
 * sequence ends here (a terminator the caller handles). */
static bool flat_step(wat_ctx *c, flat_stack *st, wat_buf *b, bool *done) {
  wasm_opcode op;
  flat_frame *top = st->n ? &st->v[st->n - 1] : NULL;
  if (top && wat_is_atom(c, "end"))
    return flat_end(c, st, b);
  if (top && top->is_if && !top->seen_else && wat_is_atom(c, "else"))
    return flat_else(c, top, b);
  wat_tok_kind k = wat_tok(c)->kind;
  if (k == WAT_RPAREN || k == WAT_EOF || wat_is_atom(c, "end") ||
      wat_is_atom(c, "else")) {
    *done = true;
    return top ? wat_error_here(c, "'end'") : true;
  }
  if (k == WAT_ATOM && lookup_op(c, wat_tok(c), &op) &&
      (op == WASM_OP_BLOCK || op == WASM_OP_LOOP || op == WASM_OP_IF))
    return flat_open(c, op, st, b);
  return parse_instr(c, b);
}

bool wat_parse_instrs(wat_ctx *c, wat_buf *out) {
  flat_stack st = {0};
  bool ok = true, done = false;
  while (ok && !done)
    ok = flat_step(c, &st, out, &done);
  free(st.v);
  return ok;
}

bool wat_parse_expr(wat_ctx *c, wat_buf *out) {
  if (!wat_parse_instrs(c, out))
    return false;
  if (wat_tok(c)->kind != WAT_RPAREN)
    return wat_error_here(c, "')'");
  emit_op(out, WASM_OP_END);
  return true;
}

bool wat_parse_folded_expr(wat_ctx *c, wat_buf *out) {
  if (wat_tok(c)->kind != WAT_LPAREN)
    return wat_error_here(c, "'('");
  if (!parse_folded(c, out))
    return false;
  emit_op(out, WASM_OP_END);
  return true;
}
