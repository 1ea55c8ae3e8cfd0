/* codegen_keep_loads.c — wasm loads whose value is never used stay in the
 * code, so that they still trap when out of bounds.
 *
 * A wasm load's only observable effect may be its trap, but LLVM deletes
 * a load whose result is unused (instruction selection does, even at
 * -O0). op_drop (codegen_control.c) makes a directly dropped load
 * volatile; the rest are only visible after mem2reg: `local.set` of a
 * local nothing reads, or a dropped `i32.add` of a load. This pass finds
 * them like aggressive dead code elimination's mark phase: from the
 * instructions with effects (stores, calls other than intrinsics,
 * terminators, volatile loads) back through operands and phi inputs. A
 * wasm memory load left unmarked is dead, and becomes volatile: LLVM keeps
 * it, and it costs what a load costs.
 *
 * Not covered: a load that only optimization makes dead (its value
 * multiplied by zero, or deciding a branch whose arms are the same).
 * Producers such as clang have already folded those.
 */
#include "codegen_internal.h"

#include <stdlib.h>

static bool is_root(LLVMValueRef in) {
  if (LLVMIsATerminatorInst(in) || LLVMIsAStoreInst(in) ||
      LLVMIsAFenceInst(in) || LLVMIsAAtomicRMWInst(in) ||
      LLVMIsAAtomicCmpXchgInst(in))
    return true;
  if (LLVMIsALoadInst(in))
    return LLVMGetVolatile(in);
  if (LLVMIsACallInst(in)) {
    /* Intrinsics we emit (rotates, bit counts, min/max, saturating
     * conversions) are pure: LLVM drops them when unused. */
    LLVMValueRef callee = LLVMGetCalledValue(in);
    return !(LLVMIsAFunction(callee) && LLVMGetIntrinsicID(callee));
  }
  return false;
}

typedef struct mark_state {
  LLVMValueRef *ins; /* every instruction of the function */
  uint8_t *live;
  uint32_t *work, nwork;
  cg_ptr_map index;
} mark_state;

static void mark(mark_state *s, uint32_t i) {
  if (!s->live[i]) {
    s->live[i] = 1;
    s->work[s->nwork++] = i;
  }
}

static void propagate(mark_state *s) {
  while (s->nwork) {
    LLVMValueRef in = s->ins[s->work[--s->nwork]];
    int n = LLVMGetNumOperands(in);
    for (int k = 0; k < n; k++) {
      LLVMValueRef op = LLVMGetOperand(in, (unsigned)k);
      if (op && LLVMIsAInstruction(op)) {
        uint32_t j = cg_ptr_map_get(&s->index, op);
        if (j != UINT32_MAX)
          mark(s, j);
      }
    }
  }
}

static uint32_t count_instructions(LLVMValueRef fn) {
  uint32_t n = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
       bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
         in = LLVMGetNextInstruction(in))
      n++;
  return n;
}

static void keep_function(LLVMValueRef fn, LLVMValueRef vmctx) {
  uint32_t n = count_instructions(fn);
  if (n == 0)
    return;
  mark_state s = {.ins = malloc((size_t)n * sizeof *s.ins),
                  .live = calloc(n, 1),
                  .work = malloc((size_t)n * sizeof *s.work)};
  /* Out of memory: nothing changes, as before this pass existed. */
  if (s.ins && s.live && s.work && cg_ptr_map_init(&s.index, n)) {
    uint32_t i = 0;
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
         bb = LLVMGetNextBasicBlock(bb))
      for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
           in = LLVMGetNextInstruction(in), i++) {
        s.ins[i] = in;
        cg_ptr_map_put(&s.index, in, i);
      }
    for (i = 0; i < n; i++)
      if (is_root(s.ins[i]))
        mark(&s, i);
    propagate(&s);
    for (i = 0; i < n; i++)
      if (!s.live[i] && LLVMIsALoadInst(s.ins[i]) &&
          cg_wasm_address(LLVMGetOperand(s.ins[i], 0), vmctx))
        LLVMSetVolatile(s.ins[i], 1);
  }
  cg_ptr_map_free(&s.index);
  free(s.work);
  free(s.live);
  free(s.ins);
}

void cg_keep_dead_loads(cg_module *cm) {
  for (LLVMValueRef fn = LLVMGetFirstFunction(cm->mod); fn;
       fn = LLVMGetNextFunction(fn)) {
    LLVMValueRef vmctx = cg_function_vmctx(fn);
    if (vmctx)
      keep_function(fn, vmctx);
  }
}
