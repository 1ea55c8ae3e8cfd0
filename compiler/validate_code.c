/* validate_code.c — validation of function bodies: the algorithm of the
 * spec's validation appendix. An operand stack of value types (with Unknown
 * for the polymorphic stack after unreachable/br/return/br_table) and a
 * stack of control frames. Instructions whose typing is fixed are checked
 * from the `sig` strings of wasm_opcodes.def; the polymorphic ones by hand.
 *
 * Cost: every instruction does work bounded by the implementation limits on
 * parameter/result counts (WASM_VALIDATE_MAX_*), and multi-value moves are
 * byte-array compares and copies, so validation is linear in the body size
 * with a small constant (a 10 MB module of 1000-value blocks: ~1 s). A
 * br_table checks each distinct label type list once. No recursion; the
 * stacks grow with the code and the operand stack is capped. */
#include "validate_internal.h"

#include <stdlib.h>
#include <string.h>

/* Stack entry type: a wasm_valtype byte, or Unknown. Type lists are kept
 * as byte arrays so stack checks are memcmp-like loops. */
typedef uint8_t vt;
#define VT_UNKNOWN 0

/* How a frame's types are described (kept compact: a hostile body may nest
 * millions of blocks). */
enum { BT_EMPTY, BT_VALUE, BT_TYPEIDX };

typedef struct frame {
  uint32_t height; /* operand stack height at block entry */
  uint32_t type;   /* valtype (BT_VALUE) or type index (BT_TYPEIDX) */
  uint8_t op;      /* WASM_OP_BLOCK/LOOP/IF/ELSE; BLOCK for the function */
  uint8_t kind;    /* BT_* */
  bool unreachable;
} frame;

/* A list of value types plus a key identifying it (for br_table). */
typedef struct tlist {
  const vt *v;
  uint32_t n;
  uint32_t key; /* 0: empty; 1..7 single valtypes; 8+: type lists */
} tlist;

/* Fixed signature of an instruction, from its "params:results" string. */
typedef struct opsig {
  uint8_t np, nr;
  vt p[4], r[2];
} opsig;

typedef struct body {
  const wasm_module *m;
  const uint8_t *declared;
  wasm_error *err;
  uint32_t off; /* offset of the current instruction */
  /* module-wide tables */
  vt *pool;          /* every type's params then results, as bytes */
  uint32_t *pool_at; /* [2t]: params of type t, [2t+1]: its results */
  opsig *sigs;       /* per opcode; np = 0xFF when typed by hand */
  /* current function */
  const wasm_func *f;
  tlist results;
  uint64_t *local_ends; /* cumulative local counts per declaration */
  uint32_t local_ends_cap;
  /* stacks */
  vt *vals;
  uint32_t nvals, vals_cap;
  frame *ctrls;
  uint32_t nctrls, ctrls_cap;
  /* br_table: which label type lists were already checked */
  uint32_t *seen;
  uint32_t nseen, epoch;
} body;

static const vt single_types[] = {WASM_I32,      WASM_I64,  WASM_F32,
                                  WASM_F64,      WASM_V128, WASM_FUNCREF,
                                  WASM_EXTERNREF};

/* Index of t in single_types, or -1. */
static int single_index(uint32_t t) {
  for (int i = 0; i < 7; i++)
    if (single_types[i] == t)
      return i;
  return -1;
}

static tlist single_list(vt t) {
  int i = single_index(t);
  return (tlist){&single_types[i], 1, (uint32_t)i + 1};
}

static const char *vt_str(vt t) {
  return t == VT_UNKNOWN ? "unknown" : wasm_valtype_str((wasm_valtype)t);
}

static bool oom(body *b) {
  return wasm_error_set(b->err, WASM_ERR_RESOURCE, b->off, "out of memory");
}

static bool fail(body *b, const char *msg) {
  return wasm_error_set(b->err, WASM_ERR_INVALID, b->off, "%s", msg);
}

static bool fail_index(body *b, const char *what, uint32_t index) {
  return wasm_error_set(b->err, WASM_ERR_INVALID, b->off, "unknown %s %u", what,
                        index);
}

/* Grows *p (elements of size `elem`) to hold at least `need`. */
static bool grow(void **p, uint32_t *cap, uint64_t need, size_t elem) {
  if (need <= *cap)
    return true;
  if (need > UINT32_MAX)
    return false;
  uint64_t n = *cap ? *cap : 64;
  while (n < need)
    n *= 2;
  if (n > UINT32_MAX)
    n = UINT32_MAX;
  void *q = realloc(*p, (size_t)n * elem);
  if (!q)
    return false;
  *p = q;
  *cap = (uint32_t)n;
  return true;
}

/* ------------------------------------------------------- type lists */

static tlist type_params(const body *b, uint32_t t) {
  return (tlist){b->pool + b->pool_at[2 * t], b->m->types[t].nparams,
                 8 + 2 * t};
}

static tlist type_results(const body *b, uint32_t t) {
  return (tlist){b->pool + b->pool_at[2 * t + 1], b->m->types[t].nresults,
                 8 + 2 * t + 1};
}

static bool lists_equal(tlist a, tlist c) {
  return a.n == c.n && memcmp(a.v, c.v, a.n) == 0;
}

/* True if the stack values s[0..n) have the types t[0..n), Unknown matching
 * anything. Branch-free so that the compiler vectorizes it. */
static bool match(const vt *s, const vt *t, uint32_t n) {
  unsigned bad = 0;
  for (uint32_t i = 0; i < n; i++)
    bad |= (unsigned)(s[i] != t[i]) & (unsigned)(s[i] != VT_UNKNOWN);
  return bad == 0;
}

/* Reports the topmost value of s[0..n) that does not match t. */
static bool mismatch(body *b, const vt *s, const vt *t, uint32_t n) {
  for (uint32_t i = n; i-- > 0;)
    if (s[i] != t[i] && s[i] != VT_UNKNOWN)
      return wasm_error_set(b->err, WASM_ERR_INVALID, b->off,
                            "type mismatch: expected %s, found %s",
                            vt_str(t[i]), vt_str(s[i]));
  return fail(b, "type mismatch");
}

/* ------------------------------------------------------- operand stack */

static frame *top(body *b) {
  return &b->ctrls[b->nctrls - 1];
}

static bool reserve(body *b, uint32_t n) {
  if ((uint64_t)b->nvals + n > WASM_VALIDATE_MAX_OPERANDS)
    return wasm_error_set(b->err, WASM_ERR_RESOURCE, b->off,
                          "operand stack exceeds %u values",
                          WASM_VALIDATE_MAX_OPERANDS);
  if (!grow((void **)&b->vals, &b->vals_cap, (uint64_t)b->nvals + n,
            sizeof(vt)))
    return oom(b);
  return true;
}

static bool push(body *b, vt t) {
  if (!reserve(b, 1))
    return false;
  b->vals[b->nvals++] = t;
  return true;
}

static bool push_list(body *b, tlist l) {
  if (!reserve(b, l.n))
    return false;
  memcpy(b->vals + b->nvals, l.v, l.n);
  b->nvals += l.n;
  return true;
}

/* Pops values of the types `l` (top of stack = last). Below the current
 * frame's height only an unreachable frame yields values (Unknown). */
static bool pop_list(body *b, tlist l) {
  frame *f = top(b);
  uint32_t avail = b->nvals - f->height;
  uint32_t k = l.n < avail ? l.n : avail;
  const vt *s = b->vals + b->nvals - k, *t = l.v + l.n - k;
  if (!match(s, t, k))
    return mismatch(b, s, t, k);
  if (k < l.n && !f->unreachable)
    return wasm_error_set(b->err, WASM_ERR_INVALID, b->off,
                          "type mismatch: expected %s, operand stack is "
                          "empty",
                          vt_str(l.v[l.n - k - 1]));
  b->nvals -= k;
  return true;
}

/* Pops one value of type `expect` (VT_UNKNOWN: any) and returns it. */
static bool pop(body *b, vt expect, vt *out) {
  frame *f = top(b);
  if (b->nvals == f->height) {
    if (f->unreachable) {
      if (out)
        *out = VT_UNKNOWN;
      return true;
    }
    return wasm_error_set(b->err, WASM_ERR_INVALID, b->off,
                          "type mismatch: expected %s, operand stack is "
                          "empty",
                          expect == VT_UNKNOWN ? "a value" : vt_str(expect));
  }
  vt actual = b->vals[b->nvals - 1];
  if (actual != expect && actual != VT_UNKNOWN && expect != VT_UNKNOWN)
    return mismatch(b, &actual, &expect, 1);
  b->nvals--;
  if (out)
    *out = actual;
  return true;
}

/* Marks the rest of the current block unreachable (stack-polymorphic). */
static void set_unreachable(body *b) {
  frame *f = top(b);
  b->nvals = f->height;
  f->unreachable = true;
}

/* ------------------------------------------------------- frames */

static tlist empty_list(void) {
  return (tlist){single_types, 0, 0};
}

static tlist frame_params(const body *b, const frame *f) {
  return f->kind == BT_TYPEIDX ? type_params(b, f->type) : empty_list();
}

static tlist frame_results(const body *b, const frame *f) {
  if (f->kind == BT_EMPTY)
    return empty_list();
  if (f->kind == BT_VALUE)
    return single_list((vt)f->type);
  return type_results(b, f->type);
}

/* The types a branch to this frame carries. */
static tlist label_types(const body *b, const frame *f) {
  return f->op == WASM_OP_LOOP ? frame_params(b, f) : frame_results(b, f);
}

static bool push_frame(body *b, uint8_t op, uint8_t kind, uint32_t type) {
  if (!grow((void **)&b->ctrls, &b->ctrls_cap, (uint64_t)b->nctrls + 1,
            sizeof(frame)))
    return oom(b);
  frame *f = &b->ctrls[b->nctrls++];
  *f = (frame){b->nvals, type, op, kind, false};
  return push_list(b, frame_params(b, f));
}

/* Pops the innermost frame after checking its results are on the stack. */
static bool pop_frame(body *b, frame *out) {
  frame *f = top(b);
  if (!pop_list(b, frame_results(b, f)))
    return false;
  if (b->nvals != f->height)
    return wasm_error_set(b->err, WASM_ERR_INVALID, b->off,
                          "type mismatch: %u extra value(s) at end of block",
                          b->nvals - f->height);
  *out = *f;
  b->nctrls--;
  return true;
}

/* Resolves a block type immediate to (kind, type). */
static bool block_kind(body *b, const wasm_blocktype *bt, uint8_t *kind,
                       uint32_t *type) {
  switch (bt->kind) {
  case WASM_BLOCK_EMPTY:
    *kind = BT_EMPTY;
    *type = 0;
    return true;
  case WASM_BLOCK_VALUE:
    if (single_index(bt->value) < 0)
      return fail(b, "malformed block type");
    *kind = BT_VALUE;
    *type = bt->value;
    return true;
  case WASM_BLOCK_TYPEIDX:
    if (bt->type_index >= b->m->num_types)
      return fail_index(b, "type", bt->type_index);
    *kind = BT_TYPEIDX;
    *type = bt->type_index;
    return true;
  }
  return fail(b, "malformed block type");
}

/* ------------------------------------------------------- index checks */

static uint32_t num_datas(const wasm_module *m) {
  return m->has_data_count ? m->data_count : m->num_datas;
}

static bool check_memory(body *b, uint32_t index) {
  if (index >= wasm_module_num_all_memories(b->m))
    return fail_index(b, "memory", index);
  return true;
}

static bool check_table(body *b, uint32_t index) {
  if (index >= wasm_module_num_all_tables(b->m))
    return fail_index(b, "table", index);
  return true;
}

static bool check_elem(body *b, uint32_t index) {
  if (index >= b->m->num_elems)
    return fail_index(b, "elem segment", index);
  return true;
}

static bool check_data(body *b, uint32_t index) {
  if (index >= num_datas(b->m))
    return fail_index(b, "data segment", index);
  return true;
}

static bool check_memarg(body *b, const wasm_memarg *ma,
                         const wasm_opcode_info *info) {
  if (!check_memory(b, ma->memory))
    return false;
  if (ma->align_log2 > info->natural_align_log2)
    return fail(b, "alignment must not be larger than natural");
  return true;
}

static bool check_lane(body *b, uint32_t lane, const wasm_opcode_info *info) {
  if (lane >= info->lanes)
    return fail(b, "invalid lane index");
  return true;
}

static bool check_table_types(body *b, wasm_valtype dst, wasm_valtype src) {
  if (dst != src)
    return wasm_error_set(b->err, WASM_ERR_INVALID, b->off,
                          "type mismatch: %s elements into a %s table",
                          wasm_valtype_str(src), wasm_valtype_str(dst));
  return true;
}

static bool check_table_init(body *b, const wasm_instr *in) {
  uint32_t table = in->imm.init.target, seg = in->imm.init.segment;
  if (!check_table(b, table) || !check_elem(b, seg))
    return false;
  return check_table_types(b, wasm_module_table_type(b->m, table).elem,
                           b->m->elems[seg].elem_type);
}

static bool check_table_copy(body *b, const wasm_instr *in) {
  uint32_t dst = in->imm.copy.dst, src = in->imm.copy.src;
  if (!check_table(b, dst) || !check_table(b, src))
    return false;
  return check_table_types(b, wasm_module_table_type(b->m, dst).elem,
                           wasm_module_table_type(b->m, src).elem);
}

static bool check_shuffle(body *b, const wasm_instr *in) {
  for (int i = 0; i < 16; i++)
    if (in->imm.shuffle[i] >= 32)
      return fail(b, "invalid lane index");
  return true;
}

/* Checks the immediates of the table-typed instructions (indices, alignment,
 * lanes). Hand-typed instructions check their own immediates. */
static bool check_immediates(body *b, const wasm_instr *in,
                             const wasm_opcode_info *info) {
  switch (info->imm) {
  case WASM_IMM_MEMARG:
    return check_memarg(b, &in->imm.memarg, info);
  case WASM_IMM_MEMARG_LANE:
    return check_memarg(b, &in->imm.mem_lane.memarg, info) &&
           check_lane(b, in->imm.mem_lane.lane, info);
  case WASM_IMM_LANE:
    return check_lane(b, in->imm.lane, info);
  case WASM_IMM_SHUFFLE:
    return check_shuffle(b, in);
  case WASM_IMM_MEMIDX:
    return check_memory(b, in->imm.index);
  case WASM_IMM_MEMORY_INIT:
    return check_memory(b, in->imm.init.target) &&
           check_data(b, in->imm.init.segment);
  case WASM_IMM_DATA:
    return check_data(b, in->imm.index);
  case WASM_IMM_MEMORY_COPY:
    return check_memory(b, in->imm.copy.dst) &&
           check_memory(b, in->imm.copy.src);
  case WASM_IMM_TABLE_INIT:
    return check_table_init(b, in);
  case WASM_IMM_ELEM:
    return check_elem(b, in->imm.index);
  case WASM_IMM_TABLE_COPY:
    return check_table_copy(b, in);
  case WASM_IMM_TABLE:
    return check_table(b, in->imm.index);
  default:
    return true;
  }
}

/* ------------------------------------------------------- table-driven */

static vt sig_char(char c) {
  switch (c) {
  case 'i':
    return WASM_I32;
  case 'I':
    return WASM_I64;
  case 'f':
    return WASM_F32;
  case 'F':
    return WASM_F64;
  case 'v':
    return WASM_V128;
  }
  return VT_UNKNOWN;
}

/* Parses "params:results"; false if the string is not such a signature
 * ("*": typed by hand). */
static bool parse_sig(const char *sig, opsig *out) {
  const char *colon = strchr(sig, ':');
  size_t np = colon ? (size_t)(colon - sig) : 0,
         nr = colon ? strlen(colon + 1) : 0;
  if (!colon || np > sizeof out->p || nr > sizeof out->r)
    return false;
  out->np = (uint8_t)np;
  out->nr = (uint8_t)nr;
  for (size_t i = 0; i < np; i++)
    out->p[i] = sig_char(sig[i]);
  for (size_t i = 0; i < nr; i++)
    out->r[i] = sig_char(colon[1 + i]);
  return true;
}

static bool apply_sig(body *b, const opsig *sig) {
  return pop_list(b, (tlist){sig->p, sig->np, 0}) &&
         push_list(b, (tlist){sig->r, sig->nr, 0});
}

/* ------------------------------------------------------- control */

static bool op_block(body *b, const wasm_instr *in) {
  uint8_t kind;
  uint32_t type;
  if (!block_kind(b, &in->imm.block, &kind, &type))
    return false;
  if (in->op == WASM_OP_IF && !pop(b, WASM_I32, NULL))
    return false;
  if (kind == BT_TYPEIDX && !pop_list(b, type_params(b, type)))
    return false;
  return push_frame(b, (uint8_t)in->op, kind, type);
}

static bool op_else(body *b) {
  frame f;
  if (top(b)->op != WASM_OP_IF)
    return fail(b, "else without matching if");
  if (!pop_frame(b, &f))
    return false;
  return push_frame(b, WASM_OP_ELSE, f.kind, f.type);
}

static bool op_end(body *b) {
  frame f;
  if (!pop_frame(b, &f))
    return false;
  /* An `if` without `else` passes its inputs through the missing branch. */
  if (f.op == WASM_OP_IF &&
      !lists_equal(frame_params(b, &f), frame_results(b, &f)))
    return fail(b, "type mismatch: if without else must have matching "
                   "param and result types");
  if (b->nctrls == 0)
    return true; /* end of the function */
  return push_list(b, frame_results(b, &f));
}

static bool check_label(body *b, uint32_t depth) {
  if (depth >= b->nctrls)
    return fail_index(b, "label", depth);
  return true;
}

static const frame *label_frame(body *b, uint32_t depth) {
  return &b->ctrls[b->nctrls - 1 - depth];
}

static bool op_br(body *b, uint32_t depth) {
  if (!check_label(b, depth) ||
      !pop_list(b, label_types(b, label_frame(b, depth))))
    return false;
  set_unreachable(b);
  return true;
}

static bool op_br_if(body *b, uint32_t depth) {
  if (!check_label(b, depth) || !pop(b, WASM_I32, NULL))
    return false;
  tlist l = label_types(b, label_frame(b, depth));
  return pop_list(b, l) && push_list(b, l);
}

/* True if the list with this key was already checked in this br_table;
 * checking it again cannot fail and is skipped. */
static bool seen_before(body *b, uint32_t key) {
  if (key >= b->nseen)
    return false;
  if (b->seen[key] == b->epoch)
    return true;
  b->seen[key] = b->epoch;
  return false;
}

/* The appendix pops and re-pushes each target's types; pushing back what
 * was popped leaves the stack as it was, except that values missing in an
 * unreachable frame become Unknown, which match anything. So each target
 * is a check of the `k` values present, without touching the stack. */
static bool check_targets(body *b, const wasm_instr *in, tlist dl, uint32_t k) {
  const vt *s = b->vals + b->nvals - k;
  b->epoch++;
  for (uint32_t i = 0; i < in->imm.br_table.num_targets; i++) {
    uint32_t t = in->imm.br_table.targets[i];
    if (!check_label(b, t))
      return false;
    tlist l = label_types(b, label_frame(b, t));
    if (l.n != dl.n)
      return wasm_error_set(b->err, WASM_ERR_INVALID, b->off,
                            "type mismatch: br_table target %u carries %u "
                            "values, default carries %u",
                            t, l.n, dl.n);
    if (!seen_before(b, l.key) && !match(s, l.v + l.n - k, k))
      return mismatch(b, s, l.v + l.n - k, k);
  }
  return true;
}

static bool op_br_table(body *b, const wasm_instr *in) {
  uint32_t def = in->imm.br_table.default_target;
  if (!pop(b, WASM_I32, NULL) || !check_label(b, def))
    return false;
  tlist dl = label_types(b, label_frame(b, def));
  uint32_t avail = b->nvals - top(b)->height;
  uint32_t k = dl.n < avail ? dl.n : avail;
  if (!check_targets(b, in, dl, k) || !pop_list(b, dl))
    return false;
  set_unreachable(b);
  return true;
}

static bool op_return(body *b) {
  if (!pop_list(b, b->results))
    return false;
  set_unreachable(b);
  return true;
}

/* ------------------------------------------------------- calls */

static bool apply_type(body *b, uint32_t type) {
  return pop_list(b, type_params(b, type)) &&
         push_list(b, type_results(b, type));
}

static uint32_t func_type_index(const wasm_module *m, uint32_t func) {
  if (func < m->num_imported_funcs)
    return wasm_module_import_of_kind(m, WASM_EXTERN_FUNC, func)->u.func_type;
  return m->funcs[func - m->num_imported_funcs].type_index;
}

static bool op_call(body *b, uint32_t func) {
  if (func >= wasm_module_num_all_funcs(b->m))
    return fail_index(b, "function", func);
  return apply_type(b, func_type_index(b->m, func));
}

static bool op_call_indirect(body *b, const wasm_instr *in) {
  uint32_t table = in->imm.call_indirect.table_index;
  uint32_t type = in->imm.call_indirect.type_index;
  if (!check_table(b, table))
    return false;
  if (wasm_module_table_type(b->m, table).elem != WASM_FUNCREF)
    return fail(b, "type mismatch: call_indirect on a non-funcref table");
  if (type >= b->m->num_types)
    return fail_index(b, "type", type);
  if (!pop(b, WASM_I32, NULL))
    return false;
  return apply_type(b, type);
}

/* ------------------------------------------------------- parametric */

static bool is_numeric_or_vector(vt t) {
  return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 ||
         t == WASM_V128 || t == VT_UNKNOWN;
}

static bool op_select(body *b) {
  vt t1, t2;
  if (!pop(b, WASM_I32, NULL) || !pop(b, VT_UNKNOWN, &t1) ||
      !pop(b, VT_UNKNOWN, &t2))
    return false;
  if (!is_numeric_or_vector(t1) || !is_numeric_or_vector(t2))
    return fail(b, "type mismatch: select without type needs numeric or "
                   "vector operands");
  if (t1 != t2 && t1 != VT_UNKNOWN && t2 != VT_UNKNOWN)
    return wasm_error_set(b->err, WASM_ERR_INVALID, b->off,
                          "type mismatch: select operands %s and %s",
                          vt_str(t1), vt_str(t2));
  return push(b, t1 == VT_UNKNOWN ? t2 : t1);
}

static bool op_select_t(body *b, const wasm_instr *in) {
  if (in->imm.select.count != 1)
    return fail(b, "invalid result arity");
  vt t = (vt)in->imm.select.type;
  return pop(b, WASM_I32, NULL) && pop(b, t, NULL) && pop(b, t, NULL) &&
         push(b, t);
}

/* ------------------------------------------------------- variables */

/* Type of local `index` (parameters first), or false if out of range. */
static bool local_type(body *b, uint32_t index, vt *out) {
  const wasm_func *f = b->f;
  tlist params = type_params(b, f->type_index);
  if (index < params.n) {
    *out = params.v[index];
    return true;
  }
  uint64_t i = index - params.n;
  if (f->num_local_decls == 0 || i >= b->local_ends[f->num_local_decls - 1])
    return fail_index(b, "local", index);
  /* binary search for the first declaration ending after i */
  uint32_t lo = 0, hi = f->num_local_decls - 1;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (b->local_ends[mid] > i)
      hi = mid;
    else
      lo = mid + 1;
  }
  *out = (vt)f->local_decls[lo].type;
  return true;
}

static bool op_local(body *b, const wasm_instr *in) {
  vt t = VT_UNKNOWN;
  if (!local_type(b, in->imm.index, &t))
    return false;
  switch (in->op) {
  case WASM_OP_LOCAL_GET:
    return push(b, t);
  case WASM_OP_LOCAL_SET:
    return pop(b, t, NULL);
  default: /* tee */
    return pop(b, t, NULL) && push(b, t);
  }
}

static bool op_global(body *b, const wasm_instr *in) {
  uint32_t index = in->imm.index;
  if (index >= wasm_module_num_all_globals(b->m))
    return fail_index(b, "global", index);
  wasm_globaltype g = wasm_module_global_type(b->m, index);
  if (in->op == WASM_OP_GLOBAL_GET)
    return push(b, (vt)g.type);
  if (!g.mut)
    return fail(b, "global is immutable");
  return pop(b, (vt)g.type, NULL);
}

/* ------------------------------------------------------- tables, refs */

static bool op_table(body *b, const wasm_instr *in) {
  uint32_t index = in->imm.index;
  if (!check_table(b, index))
    return false;
  vt t = (vt)wasm_module_table_type(b->m, index).elem;
  switch (in->op) {
  case WASM_OP_TABLE_GET:
    return pop(b, WASM_I32, NULL) && push(b, t);
  case WASM_OP_TABLE_SET:
    return pop(b, t, NULL) && pop(b, WASM_I32, NULL);
  case WASM_OP_TABLE_GROW:
    return pop(b, WASM_I32, NULL) && pop(b, t, NULL) && push(b, WASM_I32);
  default: /* fill */
    return pop(b, WASM_I32, NULL) && pop(b, t, NULL) && pop(b, WASM_I32, NULL);
  }
}

static bool op_ref_is_null(body *b) {
  vt t;
  if (!pop(b, VT_UNKNOWN, &t))
    return false;
  if (t != VT_UNKNOWN && !wasm_valtype_is_ref((wasm_valtype)t))
    return wasm_error_set(b->err, WASM_ERR_INVALID, b->off,
                          "type mismatch: ref.is_null of %s", vt_str(t));
  return push(b, WASM_I32);
}

static bool op_ref_func(body *b, uint32_t func) {
  if (func >= wasm_module_num_all_funcs(b->m))
    return fail_index(b, "function", func);
  if (!(b->declared[func / 8] & (1u << (func % 8))))
    return fail(b, "undeclared function reference");
  return push(b, WASM_FUNCREF);
}

/* ------------------------------------------------------- dispatch */

static bool polymorphic(body *b, const wasm_instr *in) {
  switch (in->op) {
  case WASM_OP_UNREACHABLE:
    set_unreachable(b);
    return true;
  case WASM_OP_BLOCK:
  case WASM_OP_LOOP:
  case WASM_OP_IF:
    return op_block(b, in);
  case WASM_OP_ELSE:
    return op_else(b);
  case WASM_OP_END:
    return op_end(b);
  case WASM_OP_BR:
    return op_br(b, in->imm.index);
  case WASM_OP_BR_IF:
    return op_br_if(b, in->imm.index);
  case WASM_OP_BR_TABLE:
    return op_br_table(b, in);
  case WASM_OP_RETURN:
    return op_return(b);
  case WASM_OP_CALL:
    return op_call(b, in->imm.index);
  case WASM_OP_CALL_INDIRECT:
    return op_call_indirect(b, in);
  case WASM_OP_DROP:
    return pop(b, VT_UNKNOWN, NULL);
  case WASM_OP_SELECT:
    return op_select(b);
  case WASM_OP_SELECT_T:
    return op_select_t(b, in);
  case WASM_OP_LOCAL_GET:
  case WASM_OP_LOCAL_SET:
  case WASM_OP_LOCAL_TEE:
    return op_local(b, in);
  case WASM_OP_GLOBAL_GET:
  case WASM_OP_GLOBAL_SET:
    return op_global(b, in);
  case WASM_OP_TABLE_GET:
  case WASM_OP_TABLE_SET:
  case WASM_OP_TABLE_GROW:
  case WASM_OP_TABLE_FILL:
    return op_table(b, in);
  case WASM_OP_REF_NULL:
    if (!wasm_valtype_is_ref(in->imm.ref_type))
      return fail(b, "malformed reference type");
    return push(b, (vt)in->imm.ref_type);
  case WASM_OP_REF_IS_NULL:
    return op_ref_is_null(b);
  case WASM_OP_REF_FUNC:
    return op_ref_func(b, in->imm.index);
  default:
    return wasm_error_set(b->err, WASM_ERR_INTERNAL, b->off,
                          "no typing rule for opcode %d", (int)in->op);
  }
}

static bool instruction(body *b, const wasm_instr *in) {
  const wasm_opcode_info *info = wasm_opcode_get(in->op);
  if (!info)
    return fail(b, "unknown opcode");
  const opsig *sig = &b->sigs[in->op];
  if (sig->np == 0xFF)
    return polymorphic(b, in);
  return check_immediates(b, in, info) && apply_sig(b, sig);
}

/* ------------------------------------------------------- functions */

/* Prepares the per-function state: local lookup table, function frame. */
static bool begin_function(body *b, uint32_t index) {
  const wasm_func *f = &b->m->funcs[index];
  b->f = f;
  b->results = type_results(b, f->type_index);
  if (!grow((void **)&b->local_ends, &b->local_ends_cap, f->num_local_decls,
            sizeof(uint64_t)))
    return oom(b);
  uint64_t sum = 0;
  for (uint32_t i = 0; i < f->num_local_decls; i++) {
    sum += f->local_decls[i].count;
    b->local_ends[i] = sum;
  }
  b->nvals = 0;
  b->nctrls = 0;
  if (!push_frame(b, WASM_OP_BLOCK, BT_TYPEIDX, f->type_index))
    return false;
  /* push_frame pushed the parameters; in a function they are locals */
  b->nvals = 0;
  return true;
}

static bool validate_body(body *b, uint32_t index) {
  const wasm_func *f = &b->m->funcs[index];
  if (f->code_end <= f->code_offset)
    return true; /* decoded without code (WASM_DECODE_NO_CODE) */
  b->off = f->code_offset;
  if (!begin_function(b, index))
    return false;
  wasm_code_reader r;
  wasm_code_reader_init(&r, b->m, index);
  wasm_instr in;
  bool ok = true;
  while (ok && !wasm_code_reader_done(&r)) {
    if (b->nctrls == 0) {
      ok = wasm_error_set(b->err, WASM_ERR_MALFORMED, r.pos,
                          "instructions after the end of the function");
      break;
    }
    ok = wasm_code_reader_next(&r, &in, b->err);
    if (ok) {
      b->off = in.offset;
      ok = instruction(b, &in);
    }
  }
  if (ok && b->nctrls != 0)
    ok = wasm_error_set(b->err, WASM_ERR_MALFORMED, f->code_end,
                        "unexpected end of function body");
  wasm_code_reader_free(&r);
  return ok;
}

/* Every type's params and results as byte lists, so stack checks compare
 * bytes. Type indices of functions are already validated. */
static bool build_pool(body *b) {
  const wasm_module *m = b->m;
  uint64_t total = 0;
  for (uint32_t t = 0; t < m->num_types; t++)
    total += (uint64_t)m->types[t].nparams + m->types[t].nresults;
  if (total > UINT32_MAX)
    return oom(b);
  b->pool = malloc(total ? total : 1);
  b->pool_at = malloc(sizeof(uint32_t) * 2 * ((size_t)m->num_types + 1));
  if (!b->pool || !b->pool_at)
    return oom(b);
  uint32_t at = 0;
  for (uint32_t t = 0; t < m->num_types; t++) {
    const wasm_functype *ft = &m->types[t];
    b->pool_at[2 * t] = at;
    for (uint32_t i = 0; i < ft->nparams; i++)
      b->pool[at++] = (vt)ft->params[i];
    b->pool_at[2 * t + 1] = at;
    for (uint32_t i = 0; i < ft->nresults; i++)
      b->pool[at++] = (vt)ft->results[i];
  }
  return true;
}

static bool build_tables(body *b) {
  b->nseen = 8 + 2 * b->m->num_types;
  b->seen = calloc(b->nseen, sizeof(uint32_t));
  b->sigs = malloc(sizeof(opsig) * WASM_OP_COUNT);
  /* a non-NULL stack keeps pointer arithmetic on it defined */
  if (!b->seen || !b->sigs ||
      !grow((void **)&b->vals, &b->vals_cap, 64, sizeof(vt)))
    return oom(b);
  for (unsigned op = 0; op < WASM_OP_COUNT; op++)
    if (!parse_sig(wasm_opcode_get((wasm_opcode)op)->sig, &b->sigs[op]))
      b->sigs[op].np = 0xFF;
  return build_pool(b);
}

bool wasm_validate_code(const wasm_module *m, const uint8_t *declared,
                        wasm_error *err) {
  body b = {.m = m, .declared = declared, .err = err};
  bool ok = build_tables(&b);
  for (uint32_t i = 0; ok && i < m->num_funcs; i++)
    ok = validate_body(&b, i);
  free(b.seen);
  free(b.sigs);
  free(b.pool);
  free(b.pool_at);
  free(b.local_ends);
  free(b.vals);
  free(b.ctrls);
  return ok;
}
