/* codegen_version.c — loop versioning for disjoint memory streams.
 *
 * Every linear-memory access is `mem0_base + offset`, so LLVM sees all of
 * them as one object: in `for (j) c[j] += a * b[j]` it cannot tell the c
 * stream from the b stream and must check at run time. LLVM 19's loop
 * access analysis does add such checks, but when clang has already
 * unrolled the loop in the wasm (c[j], c[j+1], b[j], b[j+1] as four
 * pointers), its retry with run-time checks compares c[j]'s range with
 * c[j+1]'s, which always overlap: the vector loop it builds never runs
 * (matmul kernel: 2.1x native, the scalar speed).
 *
 * So wasmc versions such loops itself, while translating. A wasm `loop`
 * qualifies when its body is straight-line code ending in `br_if 0`, every
 * memory address in it is `local + constant` with the local an induction
 * variable (`local += constant` once per iteration) or unchanged, and the
 * exit condition counts an induction variable to a fixed value (`x != n`
 * or `x != 0`). The trip count and the byte range of each local's accesses
 * then follow from the locals' values at loop entry. The loop is emitted
 * twice: a fast copy, entered when every pair of ranges of which one is
 * written is disjoint (and no address wraps), whose accesses carry
 * scoped-noalias metadata saying so, one scope per local; and the
 * original, entered otherwise. Accesses through the same local keep
 * aliasing each other, so LLVM still analyses the dependences among them.
 *
 * In the fast copy, the i32.add instructions that compute those addresses
 * (or any `local + c` inside a group's range) are also marked nuw: the
 * check bounds each local's addresses inside [0, 2^32), so LLVM may fold
 * their constants into the addressing instead of redoing a 32-bit add per
 * access (the nbody kernel: 54 instructions per pair of bodies, now 47).
 *
 * The metadata is true for every execution of the fast copy: the ranges
 * cover all of its iterations, and the check dominates it. The check also
 * requires every range to lie inside the memory, so no access of the fast
 * copy can fault, and however LLVM reorders them no memory trap can show
 * it: a loop that runs off the end takes the original copy and traps as
 * it did before versioning. (Explicit traps, such as division by zero,
 * stay branches that stores do not move across.) */
#include "codegen_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VER_MAX_INSTRS 256
#define VER_MAX_STACK 32
#define VER_MAX_WRITTEN 32
#define VER_NONE UINT32_MAX

typedef enum ver_kind { VER_UNKNOWN, VER_LIN, VER_NE } ver_kind;

/* The abstract value of an i32: LIN is a + (the value `a.local` had at the
 * start of the iteration), or the constant a.c when a.local is VER_NONE;
 * NE is the comparison a != b of two LIN values. */
typedef struct ver_val {
  ver_kind kind;
  cg_ver_lin a, b;
} ver_val;

typedef struct ver_scan {
  const cg_func *f;
  cg_version_plan *p;
  ver_val stack[VER_MAX_STACK];
  uint32_t sp;
  uint32_t written_local[VER_MAX_WRITTEN];
  ver_val written_val[VER_MAX_WRITTEN];
  uint32_t nwritten;
  ver_val exit;
  /* Per i32.add: its operand `local + c1` and constant c2 (local
   * VER_NONE: not of that form). */
  cg_ver_lin add_base[CG_VER_MAX_ADDS];
  uint32_t add_const[CG_VER_MAX_ADDS];
} ver_scan;

static ver_val unknown(void) {
  return (ver_val){.kind = VER_UNKNOWN};
}

static ver_val lin(uint32_t local, uint32_t c) {
  return (ver_val){.kind = VER_LIN, .a = {local, c}};
}

static bool push(ver_scan *s, ver_val v) {
  if (s->sp == VER_MAX_STACK)
    return false;
  s->stack[s->sp++] = v;
  return true;
}

/* Validation guarantees the body never pops below the loop's stack height,
 * so an empty abstract stack only means the scan lost track: give up. */
static bool pop(ver_scan *s, ver_val *v) {
  if (s->sp == 0)
    return false;
  *v = s->stack[--s->sp];
  return true;
}

static int written_index(const ver_scan *s, uint32_t local) {
  for (uint32_t i = 0; i < s->nwritten; i++)
    if (s->written_local[i] == local)
      return (int)i;
  return -1;
}

static ver_val local_get(const ver_scan *s, uint32_t local) {
  if (local >= s->f->nlocals || s->f->local_types[local] != WASM_I32)
    return unknown();
  int i = written_index(s, local);
  return i >= 0 ? s->written_val[i] : lin(local, 0);
}

static bool local_set(ver_scan *s, uint32_t local, ver_val v) {
  if (local >= s->f->nlocals)
    return false;
  if (s->f->local_types[local] != WASM_I32)
    v = unknown();
  int i = written_index(s, local);
  if (i < 0) {
    if (s->nwritten == VER_MAX_WRITTEN)
      return false;
    i = (int)s->nwritten++;
    s->written_local[i] = local;
  }
  s->written_val[i] = v;
  return true;
}

static ver_val add(ver_val x, ver_val y, bool sub) {
  if (x.kind != VER_LIN || y.kind != VER_LIN)
    return unknown();
  if (y.a.local == VER_NONE) /* x + c, x - c */
    return lin(x.a.local, sub ? x.a.c - y.a.c : x.a.c + y.a.c);
  if (!sub && x.a.local == VER_NONE) /* c + y */
    return lin(y.a.local, x.a.c + y.a.c);
  return unknown();
}

static bool record_access(ver_scan *s, const wasm_instr *in, ver_val addr,
                          bool store) {
  cg_version_plan *p = s->p;
  if (addr.kind != VER_LIN || p->naccess == CG_VER_MAX_ACCESSES ||
      in->imm.memarg.memory != 0)
    return false;
  cg_ver_access *a = &p->access[p->naccess++];
  a->addr = addr.a;
  a->offset = in->imm.memarg.offset;
  a->bytes = (uint8_t)(1u << wasm_opcode_get(in->op)->natural_align_log2);
  a->store = store;
  return true;
}

static void record_add(ver_scan *s, ver_val x, ver_val y) {
  cg_version_plan *p = s->p;
  if (p->nadds == CG_VER_MAX_ADDS)
    return; /* later adds just stay unmarked */
  uint32_t i = p->nadds++;
  s->add_base[i] = (cg_ver_lin){VER_NONE, 0};
  if (x.kind != VER_LIN || y.kind != VER_LIN)
    return;
  if (y.a.local != VER_NONE && x.a.local == VER_NONE) {
    ver_val t = x; /* c + local */
    x = y;
    y = t;
  }
  if (x.a.local != VER_NONE && y.a.local == VER_NONE) {
    s->add_base[i] = x.a;
    s->add_const[i] = y.a.c;
  }
}

/* Instructions with a fixed signature and no effect on memory: pops and
 * pushes unknown values. */
static bool generic(ver_scan *s, const wasm_instr *in) {
  const wasm_opcode_info *info = wasm_opcode_get(in->op);
  if (info->prefix == 0xFD || (info->prefix == 0xFC && info->code > 7) ||
      in->op == WASM_OP_MEMORY_GROW || strcmp(info->sig, "*") == 0)
    return false;
  const char *colon = strchr(info->sig, ':');
  if (!colon)
    return false;
  ver_val v;
  for (const char *c = info->sig; c < colon; c++)
    if (!pop(s, &v))
      return false;
  for (const char *c = colon + 1; *c; c++)
    if (!push(s, unknown()))
      return false;
  return true;
}

static bool step(ver_scan *s, const wasm_instr *in) {
  ver_val x, y, z;
  wasm_opcode op = in->op;
  switch (op) {
  case WASM_OP_NOP:
    return true;
  case WASM_OP_LOCAL_GET:
    return push(s, local_get(s, in->imm.index));
  case WASM_OP_LOCAL_SET:
    return pop(s, &x) && local_set(s, in->imm.index, x);
  case WASM_OP_LOCAL_TEE:
    return pop(s, &x) && local_set(s, in->imm.index, x) && push(s, x);
  case WASM_OP_GLOBAL_GET:
    return push(s, unknown());
  case WASM_OP_DROP:
    return pop(s, &x);
  case WASM_OP_SELECT:
  case WASM_OP_SELECT_T:
    return pop(s, &x) && pop(s, &y) && pop(s, &z) && push(s, unknown());
  case WASM_OP_I32_CONST:
    return push(s, lin(VER_NONE, (uint32_t)in->imm.i32));
  case WASM_OP_I32_ADD:
  case WASM_OP_I32_SUB:
    if (!pop(s, &y) || !pop(s, &x))
      return false;
    if (op == WASM_OP_I32_ADD)
      record_add(s, x, y);
    return push(s, add(x, y, op == WASM_OP_I32_SUB));
  case WASM_OP_I32_NE:
    if (!pop(s, &y) || !pop(s, &x))
      return false;
    if (x.kind != VER_LIN || y.kind != VER_LIN)
      return push(s, unknown());
    return push(s, (ver_val){.kind = VER_NE, .a = x.a, .b = y.a});
  default:
    break;
  }
  if (op >= WASM_OP_I32_LOAD && op <= WASM_OP_I64_LOAD32_U)
    return pop(s, &x) && record_access(s, in, x, false) && push(s, unknown());
  if (op >= WASM_OP_I32_STORE && op <= WASM_OP_I64_STORE32)
    return pop(s, &y) && pop(s, &x) && record_access(s, in, x, true);
  return generic(s, in);
}

/* The per-iteration step of `local`: 0 when the body leaves it alone;
 * false when it changes by anything but a constant. */
static bool local_step(const ver_scan *s, uint32_t local, int32_t *step) {
  *step = 0;
  if (local == VER_NONE)
    return true;
  int i = written_index(s, local);
  if (i < 0)
    return true;
  ver_val v = s->written_val[i];
  if (v.kind != VER_LIN || v.a.local != local)
    return false;
  *step = (int32_t)v.a.c;
  return true;
}

/* Exit condition: the loop goes on while counter + k*step != target. */
static bool plan_exit(const ver_scan *s, cg_version_plan *p) {
  cg_ver_lin counter, target;
  if (s->exit.kind == VER_LIN) {
    counter = s->exit.a;
    target = (cg_ver_lin){VER_NONE, 0};
  } else if (s->exit.kind == VER_NE) {
    int32_t st;
    if (!local_step(s, s->exit.a.local, &st))
      return false;
    bool a_counts = st != 0;
    counter = a_counts ? s->exit.a : s->exit.b;
    target = a_counts ? s->exit.b : s->exit.a;
  } else {
    return false;
  }
  int32_t cstep, tstep;
  if (counter.local == VER_NONE || !local_step(s, counter.local, &cstep) ||
      cstep == 0 || !local_step(s, target.local, &tstep) || tstep != 0)
    return false;
  p->counter = counter;
  p->counter_step = cstep;
  p->target = target;
  return true;
}

/* Groups g and h are checked to be apart (and get each other's scope as
 * !noalias) when one of them is written. */
static bool pair_checked(const cg_version_plan *p, uint32_t g, uint32_t h) {
  return g != h && (p->group[g].has_store || p->group[h].has_store);
}

/* Whether LLVM's own checks fail: some local's accesses reach two
 * different addresses, one of them written (c[j] and c[j+1] above). When
 * every local has one address, LLVM's run-time checks work and a second
 * version would only add a check and code. */
static bool llvm_checks_fail(const cg_version_plan *p) {
  for (uint32_t i = 0; i < p->naccess; i++)
    for (uint32_t j = i + 1; j < p->naccess; j++) {
      const cg_ver_access *a = &p->access[i], *b = &p->access[j];
      if (a->group == b->group && (a->store || b->store) &&
          a->addr.c + a->offset != b->addr.c + b->offset)
        return true;
    }
  return false;
}

/* One group per base local; false if there is no pair to check. */
static bool plan_groups(const ver_scan *s, cg_version_plan *p) {
  p->ngroups = 0;
  for (uint32_t i = 0; i < p->naccess; i++) {
    cg_ver_access *a = &p->access[i];
    uint32_t g = 0;
    while (g < p->ngroups && p->group[g].local != a->addr.local)
      g++;
    if (g == p->ngroups) {
      if (g == CG_VER_MAX_GROUPS)
        return false;
      p->group[g].local = a->addr.local;
      p->group[g].has_store = false;
      p->group[g].cmin = p->group[g].bmin = INT64_MAX;
      p->group[g].cmax = p->group[g].bmax = INT64_MIN;
      if (!local_step(s, a->addr.local, &p->group[g].step))
        return false;
      p->ngroups++;
    }
    a->group = (uint8_t)g;
    p->group[g].has_store |= a->store;
    cg_ver_group *gr = &p->group[g];
    int64_t c = (int32_t)a->addr.c, lo = c + a->offset, hi = lo + a->bytes;
    gr->cmin = c < gr->cmin ? c : gr->cmin;
    gr->cmax = c > gr->cmax ? c : gr->cmax;
    gr->bmin = lo < gr->bmin ? lo : gr->bmin;
    gr->bmax = hi > gr->bmax ? hi : gr->bmax;
  }
  for (uint32_t g = 0; g < p->ngroups; g++)
    for (uint32_t h = g + 1; h < p->ngroups; h++)
      if (pair_checked(p, g, h))
        return llvm_checks_fail(p);
  return false;
}

/* Whether `local + c` (c a true, unwrapped integer) lies inside the
 * range the check bounds for the local's group: then, in the fast copy,
 * it is in [0, 2^32) for every iteration (group_range). */
static bool covered(const cg_version_plan *p, uint32_t local, int64_t c) {
  for (uint32_t g = 0; g < p->ngroups; g++)
    if (p->group[g].local == local)
      return c >= p->group[g].cmin && c <= p->group[g].cmax;
  return false;
}

/* An i32.add of `local + c1` and a constant c2 >= 0 cannot wrap when
 * local + c1 is exact (c1 = 0, or covered) and local + c1 + c2, summed
 * without wrapping, is covered: then both are the true sums, below 2^32.
 * Marked nuw, it lets LLVM fold the constant into the address (clang's
 * wasm computes field addresses with i32.add, not memarg offsets, when it
 * cannot prove them in range). */
static void plan_adds(const ver_scan *s, cg_version_plan *p) {
  for (uint32_t i = 0; i < p->nadds; i++) {
    cg_ver_lin b = s->add_base[i];
    int64_t c1 = (int32_t)b.c, c2 = (int32_t)s->add_const[i];
    p->add_nuw[i] = b.local != VER_NONE && c2 >= 0 &&
                    (c1 == 0 || covered(p, b.local, c1)) &&
                    covered(p, b.local, c1 + c2);
  }
}

bool cg_version_scan(const cg_func *f, uint32_t pos, uint32_t end,
                     cg_version_plan *p) {
  memset(p, 0, sizeof *p);
  ver_scan s = {.f = f, .p = p};
  wasm_code_reader r;
  wasm_code_reader_init_range(&r, f->cm->m, pos, end);
  wasm_error err = {0};
  wasm_instr in;
  bool ok = false, exited = false;
  for (unsigned n = 0; n < VER_MAX_INSTRS && !wasm_code_reader_done(&r); n++) {
    if (!wasm_code_reader_next(&r, &in, &err))
      break;
    if (exited) {
      ok = in.op == WASM_OP_END;
      break;
    }
    if (in.op == WASM_OP_BR_IF) {
      if (in.imm.index != 0 || !pop(&s, &s.exit))
        break;
      exited = true;
      continue;
    }
    if (!step(&s, &in))
      break;
  }
  wasm_code_reader_free(&r);
  if (!ok || s.sp != 0 || !plan_exit(&s, p) || !plan_groups(&s, p))
    return false;
  plan_adds(&s, p);
  return true;
}

/* ------------------------------------------------------------ emission */

static LLVMValueRef lin_value(cg_func *f, cg_ver_lin l) {
  if (l.local == VER_NONE)
    return cg_i32(f, l.c);
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef v = LLVMBuildLoad2(b, f->cm->t_i32, f->locals[l.local], "");
  return l.c ? LLVMBuildAdd(b, v, cg_i32(f, l.c), "") : v;
}

static LLVMValueRef umax(LLVMBuilderRef b, LLVMValueRef x, LLVMValueRef y) {
  return LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntUGT, x, y, ""), x, y, "");
}

/* Iterations minus one, as i64; *ok false when the counter never meets
 * its target exactly (it would wrap around first). */
static LLVMValueRef trip_minus_one(cg_func *f, const cg_version_plan *p,
                                   LLVMValueRef *ok) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef v0 = lin_value(f, p->counter), t = lin_value(f, p->target);
  int32_t st = p->counter_step;
  LLVMValueRef dist =
      st > 0 ? LLVMBuildSub(b, t, v0, "") : LLVMBuildSub(b, v0, t, "");
  dist = LLVMBuildZExt(b, dist, f->cm->t_i64, "");
  uint64_t mag = st > 0 ? (uint64_t)st : (uint64_t) - (int64_t)st;
  LLVMValueRef rem = LLVMBuildURem(b, dist, cg_i64(f, mag), "");
  *ok = LLVMBuildICmp(b, LLVMIntEQ, rem, cg_i64(f, 0), "");
  return LLVMBuildUDiv(b, dist, cg_i64(f, mag), "");
}

/* Byte range [*lo, *hi) of group g over all iterations; ANDs into *ok
 * that no i32 address of the group wraps on the way. Its addresses are
 * (L + c) mod 2^32 for the group's local L and constants c; computed in
 * i64 with c sign-extended, they equal the real ones exactly when they
 * stay within [0, 2^32), which is what the check requires. One range per
 * group, from the extreme constants, keeps the check short however many
 * accesses the loop has. */
static void group_range(cg_func *f, const cg_version_plan *p, uint32_t g,
                        LLVMValueRef n1, LLVMValueRef *ok, LLVMValueRef *lo,
                        LLVMValueRef *hi) {
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef i64 = f->cm->t_i64;
  const cg_ver_group *gr = &p->group[g];
  LLVMValueRef start = cg_i64(f, 0), end = start;
  if (gr->local != VER_NONE)
    start = end = LLVMBuildZExt(
        b, LLVMBuildLoad2(b, f->cm->t_i32, f->locals[gr->local], ""), i64, "");
  if (gr->step != 0) {
    LLVMValueRef span = LLVMBuildMul(
        b, n1, LLVMConstInt(i64, (uint64_t)(int64_t)gr->step, 1), "");
    if (gr->step > 0)
      end = LLVMBuildAdd(b, end, span, "");
    else
      start = LLVMBuildAdd(b, start, span, "");
  }
  LLVMValueRef low = LLVMBuildAdd(b, start, cg_i64(f, (uint64_t)gr->cmin), "");
  LLVMValueRef high = LLVMBuildAdd(b, end, cg_i64(f, (uint64_t)gr->cmax), "");
  *ok = LLVMBuildAnd(b, *ok,
                     LLVMBuildICmp(b, LLVMIntSGE, low, cg_i64(f, 0), ""), "");
  *ok = LLVMBuildAnd(
      b, *ok, LLVMBuildICmp(b, LLVMIntSLE, high, cg_i64(f, UINT32_MAX), ""),
      "");
  *lo = LLVMBuildAdd(b, start, cg_i64(f, (uint64_t)gr->bmin), "");
  *hi = LLVMBuildAdd(b, end, cg_i64(f, (uint64_t)gr->bmax), "");
}

static LLVMValueRef md_node(cg_module *cm, LLVMMetadataRef *ops, size_t n) {
  return LLVMMetadataAsValue(cm->ctx, LLVMMDNodeInContext2(cm->ctx, ops, n));
}

/* A domain per loop and a scope per group, identified by name (unique
 * within the module: function index and byte offset of the loop). */
static void build_scopes(cg_func *f, cg_version_plan *p, uint32_t loop_off) {
  cg_module *cm = f->cm;
  char name[96];
  snprintf(name, sizeof name, "wasmc.version.f%u.o%u", f->index, loop_off);
  LLVMMetadataRef dom_name =
      LLVMMDStringInContext2(cm->ctx, name, strlen(name));
  LLVMMetadataRef domain = LLVMMDNodeInContext2(cm->ctx, &dom_name, 1);
  LLVMMetadataRef scope[CG_VER_MAX_GROUPS];
  for (uint32_t g = 0; g < p->ngroups; g++) {
    snprintf(name, sizeof name, "wasmc.version.f%u.o%u.g%u", f->index, loop_off,
             g);
    LLVMMetadataRef ops[2] = {
        LLVMMDStringInContext2(cm->ctx, name, strlen(name)), domain};
    scope[g] = LLVMMDNodeInContext2(cm->ctx, ops, 2);
  }
  for (uint32_t g = 0; g < p->ngroups; g++) {
    p->group[g].scope = md_node(cm, &scope[g], 1);
    LLVMMetadataRef others[CG_VER_MAX_GROUPS];
    size_t n = 0;
    for (uint32_t h = 0; h < p->ngroups; h++)
      if (pair_checked(p, g, h))
        others[n++] = scope[h];
    p->group[g].noalias = n ? md_node(cm, others, n) : NULL;
  }
}

LLVMValueRef cg_version_check(cg_func *f, cg_version_plan *p,
                              uint32_t loop_off) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef ok;
  LLVMValueRef n1 = trip_minus_one(f, p, &ok);
  LLVMValueRef lo[CG_VER_MAX_GROUPS] = {0}, hi[CG_VER_MAX_GROUPS] = {0};
  for (uint32_t g = 0; g < p->ngroups; g++)
    group_range(f, p, g, n1, &ok, &lo[g], &hi[g]);
  /* In bounds: no access of the fast copy faults, so how LLVM reorders
   * them cannot show in the memory a trap leaves behind. The size cannot
   * shrink, and the loop has no memory.grow. */
  LLVMValueRef top = hi[0];
  for (uint32_t g = 1; g < p->ngroups; g++)
    top = umax(b, top, hi[g]);
  ok = LLVMBuildAnd(
      b, ok, LLVMBuildICmp(b, LLVMIntULE, top, cg_memory_bytes(f, 0), ""), "");
  for (uint32_t g = 0; g < p->ngroups; g++)
    for (uint32_t h = g + 1; h < p->ngroups; h++) {
      if (!pair_checked(p, g, h))
        continue;
      LLVMValueRef apart =
          LLVMBuildOr(b, LLVMBuildICmp(b, LLVMIntULE, hi[g], lo[h], ""),
                      LLVMBuildICmp(b, LLVMIntULE, hi[h], lo[g], ""), "");
      ok = LLVMBuildAnd(b, ok, apart, "");
    }
  build_scopes(f, p, loop_off);
  p->next = 0;
  p->next_add = 0;
  return ok;
}

bool cg_version_tag(cg_func *f, LLVMValueRef access) {
  cg_version_plan *p = f->version;
  if (!p)
    return true;
  /* The translation meets the accesses in the order the scan did. */
  if (p->next >= p->naccess)
    return cg_fail(f, "internal: versioned loop has more accesses than "
                      "its scan found");
  const cg_ver_group *g = &p->group[p->access[p->next++].group];
  LLVMSetMetadata(access, f->cm->md_scope, g->scope);
  if (g->noalias)
    LLVMSetMetadata(access, f->cm->md_noalias, g->noalias);
  return true;
}

void cg_version_mark_add(cg_func *f, LLVMValueRef add) {
  cg_version_plan *p = f->version;
  if (!p)
    return;
  /* The translation meets the adds in the order the scan did; a constant
   * sum (both operands constant) is no instruction to mark. */
  uint32_t i = p->next_add++;
  if (i < p->nadds && p->add_nuw[i] && LLVMIsAInstruction(add) &&
      LLVMGetInstructionOpcode(add) == LLVMAdd)
    LLVMSetNUW(add, true);
}
