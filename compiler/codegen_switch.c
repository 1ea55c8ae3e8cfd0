/* codegen_switch.c — switches that only select constants become table
 * loads, after optimization, where LLVM 19 leaves them as jump tables.
 *
 * C compiles `switch (x) { case 0: v = 399; break; ... }` to a wasm
 * br_table whose targets each push a constant; after optimization that is
 * an LLVM `switch` whose cases reach one block D through empty blocks, and
 * D's phis take one constant per case. SimplifyCFG turns such a switch
 * into loads from constant tables, but only when every value of the
 * table's range has a result, or the default's results are constants too,
 * or a bitmask of the range's holes fits in a register (64 entries). A
 * larger switch with holes whose default does something else (sightglass
 * `switch`: 4095 cases of 4096, default skips the store) stays a jump
 * table: one indirect branch per execution, mispredicted whenever the
 * selector is not predictable.
 *
 * Here the holes get a byte table of their own instead of a bitmask:
 *
 *   idx = x - min; if (idx u>= range) goto default;
 *   if (!valid[idx]) goto default;
 *   phi_i = table_i[idx]; goto D
 *
 * Only dense switches (at least 40% of the range are cases, as SimplifyCFG
 * asks of its tables) up to MAX_RANGE entries, with at least MIN_CASES
 * cases (LLVM already handles the small ones) and integer or
 * floating-point constants are rewritten. Sightglass switch: 54.6 ms as a
 * jump table, 4.5 ms as table loads (V8: 52.0 ms).
 */
#include "codegen_internal.h"

#include <stdlib.h>
#include <string.h>

#define MIN_CASES 16
#define MAX_RANGE 65536

typedef struct sw_case {
  uint64_t value;
  LLVMBasicBlockRef pred; /* the block D is entered from for this case */
} sw_case;

typedef struct sw_plan {
  LLVMValueRef sw;
  LLVMBasicBlockRef block, def, dest; /* switch block, default, D */
  sw_case *cases;
  unsigned ncases;
  uint64_t min, range;
  cg_ptr_map preds; /* the cases' predecessor blocks of D */
} sw_plan;

/* The block D that `bb` leads to: bb itself, or the single successor of a
 * block holding nothing but an unconditional branch and entered only from
 * the switch. *pred is the block D is entered from. */
static LLVMBasicBlockRef case_dest(LLVMValueRef sw, LLVMBasicBlockRef bb,
                                   LLVMBasicBlockRef *pred) {
  LLVMValueRef first = LLVMGetFirstInstruction(bb);
  LLVMValueRef term = LLVMGetBasicBlockTerminator(bb);
  *pred = LLVMGetInstructionParent(sw);
  if (first != term || LLVMGetInstructionOpcode(term) != LLVMBr ||
      LLVMIsConditional(term))
    return bb;
  for (LLVMUseRef u = LLVMGetFirstUse(LLVMBasicBlockAsValue(bb)); u;
       u = LLVMGetNextUse(u))
    if (LLVMGetUser(u) != sw)
      return bb;
  *pred = bb;
  return LLVMGetSuccessor(term, 0);
}

static bool is_table_constant(LLVMValueRef v) {
  return v && (LLVMIsAConstantInt(v) || LLVMIsAConstantFP(v));
}

/* out[c] = the incoming value of phi for case c's predecessor (NULL if
 * none), in time linear in the phi's and the switch's size. */
static bool case_values(const sw_plan *p, LLVMValueRef phi, LLVMValueRef *out) {
  unsigned n = LLVMCountIncoming(phi);
  LLVMBasicBlockRef *in = malloc((n ? n : 1) * sizeof *in);
  cg_ptr_map m = {0};
  bool ok = in != NULL;
  for (unsigned k = 0; ok && k < n; k++)
    in[k] = LLVMGetIncomingBlock(phi, k);
  ok = ok && cg_ptr_map_of_blocks(&m, in, n);
  for (unsigned c = 0; ok && c < p->ncases; c++) {
    uint32_t k = cg_ptr_map_get(&m, p->cases[c].pred);
    out[c] = k == UINT32_MAX ? NULL : LLVMGetIncomingValue(phi, k);
  }
  cg_ptr_map_free(&m);
  free(in);
  return ok;
}

/* Every phi of D takes a constant from every case's predecessor. */
static bool phis_constant(const sw_plan *p, LLVMValueRef *scratch) {
  bool any = false;
  for (LLVMValueRef i = LLVMGetFirstInstruction(p->dest);
       i && LLVMIsAPHINode(i); i = LLVMGetNextInstruction(i)) {
    any = true;
    if (!case_values(p, i, scratch))
      return false;
    for (unsigned c = 0; c < p->ncases; c++)
      if (!is_table_constant(scratch[c]))
        return false;
  }
  return any;
}

static int cmp_case(const void *a, const void *b) {
  uint64_t x = ((const sw_case *)a)->value, y = ((const sw_case *)b)->value;
  return x < y ? -1 : x > y;
}

/* Fills p for the switch `sw` if it can be rewritten; cases going to the
 * default block are left out (holes). */
static bool plan_switch(LLVMValueRef sw, sw_plan *p) {
  memset(p, 0, sizeof *p);
  LLVMValueRef cond = LLVMGetOperand(sw, 0);
  LLVMTypeRef ty = LLVMTypeOf(cond);
  if (LLVMGetTypeKind(ty) != LLVMIntegerTypeKind ||
      LLVMGetIntTypeWidth(ty) > 32)
    return false;
  unsigned total = (LLVMGetNumOperands(sw) - 2) / 2;
  if (total < MIN_CASES)
    return false;
  p->sw = sw;
  p->block = LLVMGetInstructionParent(sw);
  p->def = LLVMGetSwitchDefaultDest(sw);
  p->cases = malloc(total * sizeof *p->cases);
  if (!p->cases)
    return false;
  for (unsigned c = 0; c < total; c++) {
    LLVMBasicBlockRef bb = LLVMValueAsBasicBlock(LLVMGetOperand(sw, 3 + 2 * c));
    if (bb == p->def)
      continue;
    LLVMBasicBlockRef pred;
    LLVMBasicBlockRef d = case_dest(sw, bb, &pred);
    if (p->dest && d != p->dest)
      return false;
    p->dest = d;
    p->cases[p->ncases].value =
        LLVMConstIntGetZExtValue(LLVMGetOperand(sw, 2 + 2 * c));
    p->cases[p->ncases++].pred = pred;
  }
  /* D's phis take one value per edge from the switch block: the default
   * must not be one of those edges. */
  if (p->ncases < MIN_CASES || p->def == p->dest || p->dest == p->block)
    return false;
  qsort(p->cases, p->ncases, sizeof *p->cases, cmp_case);
  p->min = p->cases[0].value;
  p->range = p->cases[p->ncases - 1].value - p->min + 1;
  if (p->range > MAX_RANGE || (uint64_t)p->ncases * 100 < p->range * 40)
    return false;
  LLVMBasicBlockRef *preds = malloc(p->ncases * sizeof *preds);
  LLVMValueRef *scratch = malloc(p->ncases * sizeof *scratch);
  bool ok = preds && scratch;
  for (unsigned c = 0; ok && c < p->ncases; c++)
    preds[c] = p->cases[c].pred;
  ok = ok && cg_ptr_map_of_blocks(&p->preds, preds, p->ncases) &&
       phis_constant(p, scratch);
  free(preds);
  free(scratch);
  return ok;
}

/* A private constant [n x T] table in .rodata. */
static LLVMValueRef add_table(cg_module *cm, LLVMTypeRef t, LLVMValueRef *v,
                              uint64_t n) {
  LLVMValueRef init = LLVMConstArray2(t, v, n);
  LLVMValueRef g = LLVMAddGlobal(cm->mod, LLVMTypeOf(init), "switch.values");
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
  return g;
}

static LLVMValueRef load_entry(cg_module *cm, LLVMValueRef table, LLVMTypeRef t,
                               uint64_t n, LLVMValueRef idx) {
  LLVMValueRef ix[2] = {LLVMConstInt(cm->t_i64, 0, false), idx};
  LLVMValueRef at =
      LLVMBuildInBoundsGEP2(cm->b, LLVMArrayType2(t, n), table, ix, 2, "");
  return LLVMBuildLoad2(cm->b, t, at, "");
}

/* The incoming value of phi for block bb, or NULL. */
static LLVMValueRef incoming_for(LLVMValueRef phi, LLVMBasicBlockRef bb) {
  unsigned n = LLVMCountIncoming(phi);
  for (unsigned k = 0; k < n; k++)
    if (LLVMGetIncomingBlock(phi, k) == bb)
      return LLVMGetIncomingValue(phi, k);
  return NULL;
}

/* Replaces phi by one with the same incoming values except those from
 * the switch block (and, with drop_cases, from the case predecessors),
 * plus n new ones: the switch's edges are the ones being replaced. */
static void rebuild_phi(cg_module *cm, const sw_plan *p, LLVMValueRef phi,
                        bool drop_cases, LLVMValueRef *v,
                        LLVMBasicBlockRef *from, unsigned n) {
  LLVMPositionBuilderBefore(cm->b, phi);
  LLVMValueRef np = LLVMBuildPhi(cm->b, LLVMTypeOf(phi), "");
  unsigned count = LLVMCountIncoming(phi);
  for (unsigned k = 0; k < count; k++) {
    LLVMBasicBlockRef b = LLVMGetIncomingBlock(phi, k);
    bool drop = b == p->block ||
                (drop_cases && cg_ptr_map_get(&p->preds, b) != UINT32_MAX);
    if (drop)
      continue;
    LLVMValueRef iv = LLVMGetIncomingValue(phi, k);
    LLVMAddIncoming(np, &iv, &b, 1);
  }
  LLVMAddIncoming(np, v, from, n);
  LLVMReplaceAllUsesWith(phi, np);
  LLVMInstructionEraseFromParent(phi);
}

static unsigned count_phis(LLVMBasicBlockRef bb) {
  unsigned n = 0;
  for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i && LLVMIsAPHINode(i);
       i = LLVMGetNextInstruction(i))
    n++;
  return n;
}

/* The switch block's new end: the range check, unless the range covers
 * every value of the selector's type. Returns whether it branches to the
 * default. */
static bool build_range_check(cg_module *cm, const sw_plan *p,
                              LLVMBasicBlockRef check, LLVMValueRef *idx) {
  LLVMValueRef cond = LLVMGetOperand(p->sw, 0);
  LLVMTypeRef cty = LLVMTypeOf(cond);
  unsigned width = LLVMGetIntTypeWidth(cty);
  LLVMPositionBuilderBefore(cm->b, p->sw);
  *idx = LLVMBuildSub(cm->b, cond, LLVMConstInt(cty, p->min, false), "");
  if (p->range == (1ull << width)) {
    LLVMBuildBr(cm->b, check);
    return false;
  }
  LLVMValueRef in = LLVMBuildICmp(cm->b, LLVMIntULT, *idx,
                                  LLVMConstInt(cty, p->range, false), "");
  LLVMBuildCondBr(cm->b, in, check, p->def);
  return true;
}

static void rewrite_switch(cg_module *cm, sw_plan *p, LLVMValueRef *vals,
                           LLVMValueRef *by_case, LLVMValueRef *loaded) {
  uint64_t n = p->range;
  LLVMBasicBlockRef check =
      LLVMInsertBasicBlockInContext(cm->ctx, p->dest, "switch.check");
  LLVMBasicBlockRef lookup =
      LLVMInsertBasicBlockInContext(cm->ctx, p->dest, "switch.lookup");
  LLVMValueRef idx;
  bool ranged = build_range_check(cm, p, check, &idx);

  /* valid[idx]: 1 for the cases, 0 for the holes. */
  LLVMValueRef zero8 = LLVMConstInt(cm->t_i8, 0, false);
  for (uint64_t k = 0; k < n; k++)
    vals[k] = zero8;
  for (unsigned c = 0; c < p->ncases; c++)
    vals[p->cases[c].value - p->min] = LLVMConstInt(cm->t_i8, 1, false);
  LLVMPositionBuilderAtEnd(cm->b, check);
  LLVMValueRef idx64 = LLVMBuildZExt(cm->b, idx, cm->t_i64, "");
  LLVMValueRef valid = add_table(cm, cm->t_i8, vals, n);
  LLVMValueRef ok = LLVMBuildICmp(
      cm->b, LLVMIntNE, load_entry(cm, valid, cm->t_i8, n, idx64), zero8, "");
  LLVMBuildCondBr(cm->b, ok, lookup, p->def);

  /* One table per phi of D, loaded in the lookup block. */
  LLVMPositionBuilderAtEnd(cm->b, lookup);
  unsigned nphi = 0;
  for (LLVMValueRef i = LLVMGetFirstInstruction(p->dest);
       i && LLVMIsAPHINode(i); i = LLVMGetNextInstruction(i)) {
    LLVMTypeRef t = LLVMTypeOf(i);
    for (uint64_t k = 0; k < n; k++)
      vals[k] = LLVMConstNull(t);
    case_values(p, i, by_case); /* succeeded in plan_switch */
    for (unsigned c = 0; c < p->ncases; c++)
      vals[p->cases[c].value - p->min] = by_case[c];
    loaded[nphi++] = load_entry(cm, add_table(cm, t, vals, n), t, n, idx64);
  }
  LLVMBuildBr(cm->b, p->dest);

  /* The default is entered from the valid check and the range check. */
  for (LLVMValueRef i = LLVMGetFirstInstruction(p->def);
       i && LLVMIsAPHINode(i);) {
    LLVMValueRef next = LLVMGetNextInstruction(i);
    LLVMValueRef v[2];
    v[0] = v[1] = incoming_for(i, p->block);
    LLVMBasicBlockRef from[2] = {check, p->block};
    rebuild_phi(cm, p, i, false, v, from, ranged ? 2 : 1);
    i = next;
  }
  /* D is entered from the lookup block instead of the case edges. */
  LLVMValueRef i = LLVMGetFirstInstruction(p->dest);
  for (unsigned j = 0; j < nphi; j++) {
    LLVMValueRef next = LLVMGetNextInstruction(i);
    rebuild_phi(cm, p, i, true, &loaded[j], &lookup, 1);
    i = next;
  }
  /* The empty case blocks lost their only predecessor. */
  LLVMInstructionEraseFromParent(p->sw);
  for (unsigned c = 0; c < p->ncases; c++) {
    LLVMBasicBlockRef b = p->cases[c].pred;
    /* Each block once: at the first case it serves. */
    if (b != p->block && cg_ptr_map_get(&p->preds, b) == c)
      LLVMDeleteBasicBlock(b);
  }
}

/* Rewrites the switch if it qualifies. */
static void try_switch(cg_module *cm, LLVMValueRef sw) {
  sw_plan p;
  if (plan_switch(sw, &p)) {
    LLVMValueRef *vals = malloc(p.range * sizeof *vals);
    LLVMValueRef *by_case = malloc(p.ncases * sizeof *by_case);
    LLVMValueRef *loaded = malloc(count_phis(p.dest) * sizeof *loaded);
    if (vals && by_case && loaded)
      rewrite_switch(cm, &p, vals, by_case, loaded);
    free(vals);
    free(by_case);
    free(loaded);
  }
  cg_ptr_map_free(&p.preds);
  free(p.cases);
}

void cg_switch_tables(cg_module *cm) {
  for (LLVMValueRef fn = LLVMGetFirstFunction(cm->mod); fn;
       fn = LLVMGetNextFunction(fn)) {
    /* Rewriting adds and deletes blocks: the switches are collected
     * first. */
    size_t n = 0, cap = 0;
    LLVMValueRef *sws = NULL;
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
         bb = LLVMGetNextBasicBlock(bb)) {
      LLVMValueRef t = LLVMGetBasicBlockTerminator(bb);
      if (!t || LLVMGetInstructionOpcode(t) != LLVMSwitch)
        continue;
      if (n == cap) {
        LLVMValueRef *grown =
            realloc(sws, (cap = cap ? 2 * cap : 8) * sizeof *sws);
        if (!grown)
          break;
        sws = grown;
      }
      sws[n++] = t;
    }
    for (size_t k = 0; k < n; k++)
      try_switch(cm, sws[k]);
    free(sws);
  }
}
