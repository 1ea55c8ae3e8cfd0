/* codegen_poll.c — interrupt polls and stack checks, placed after
 * optimization.
 *
 * wasmrt_interrupt() sets vmctx->interrupt; compiled code must notice it
 * in bounded time. A poll is a volatile load of the flag and a branch to a
 * cold call of builtins->interrupted. Every cycle of a function's
 * control-flow graph gets one, in front of the block its retreating edge
 * enters (the loop header), and so does the entry of every function that
 * makes calls (which covers the cycles of the call graph: recursion).
 *
 * The stack check (stack pointer below vmctx->stack_limit: trap
 * STACK_EXHAUSTED) also goes only at the entry of functions that make
 * calls, after optimization: recursion is bounded by those, and a leaf
 * frame fits in the runtime's margin below the limit (128 KiB; frames
 * past a page are probed). Checking before inlining left one check per
 * inlined call site in the caller's loops, and one in every leaf.
 *
 * Why after the optimization pipeline and not at wasm `loop` headers: an
 * early exit in a loop stops LLVM's loop vectorizer, and a volatile load
 * pins what LICM would hoist; polling before optimization cost 3-9% on
 * the benchmark kernels and every vectorized loop. Placed afterwards, a
 * poll runs once per iteration of the optimized loop (one vector or one
 * unrolled group of wasm iterations). At the header rather than on the
 * split back edge or at the end of the latch: timed side by side (pinned
 * to one CPU, 18 workloads) the header was 3% faster in geomean than the
 * back edge, which made sightglass sieve 34% slower with 1% fewer
 * instructions. Functions are never marked `mustprogress`, so the
 * optimizer keeps side-effect-free endless loops (`loop br 0`) to poll.
 *
 * Short counted loops are polled too. Leaving unpolled every innermost
 * loop whose constant trip count bounds its work was tried (callgrind,
 * and timed side by side on the 38 benchmark workloads): mandelbrot got
 * 1.5% faster and sha256 lost 6.5% of its instructions, but without the
 * poll's use of the vmctx the back end scheduled and allocated registers
 * differently across whole functions, seqhash +9% and ed25519 +5%
 * instructions (spills), and the shifted layout made sightglass switch
 * 50% slower. Net loss; not worth the weaker interrupt guarantee.
 *
 * Which functions: those with the "wasmc-poll" attribute (wasm functions
 * and array entries), whose parameter 0 is the vmctx. Inlining keeps the
 * caller's attributes, so inlined loops are covered by the caller's poll.
 * These functions have external linkage, so no pass rewrites their
 * signatures: parameter 0 is still the vmctx after optimization.
 */
#include "codegen_internal.h"

#include "wasmrt_abi.h"

#include <stdlib.h>
#include <string.h>

#define POLL_ATTR "wasmc-poll"

/* ---------------------------------------------------- the poll itself */

typedef struct poll_ctx {
  cg_module *cm;
  LLVMValueRef fn, vmctx;
  LLVMBasicBlockRef cold; /* calls builtins->interrupted; made on demand */
} poll_ctx;

static LLVMValueRef byte_gep(cg_module *cm, LLVMValueRef base, size_t off) {
  LLVMValueRef o = LLVMConstInt(cm->t_i64, off, false);
  return LLVMBuildGEP2(cm->b, cm->t_i8, base, &o, 1, "");
}

/* A new block calling the noreturn builtin at `offset` with (vmctx) or,
 * for builtins->trap, (vmctx, code). */
static LLVMBasicBlockRef noreturn_block(poll_ctx *pc, size_t offset, int code) {
  cg_module *cm = pc->cm;
  LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(cm->ctx, pc->fn, "");
  LLVMPositionBuilderAtEnd(cm->b, bb);
  LLVMValueRef bt = LLVMBuildLoad2(
      cm->b, cm->t_ptr,
      byte_gep(cm, pc->vmctx, offsetof(wasmrt_vmctx, builtins)), "");
  LLVMValueRef fp =
      LLVMBuildLoad2(cm->b, cm->t_ptr, byte_gep(cm, bt, offset), "");
  LLVMTypeRef ps[2] = {cm->t_ptr, cm->t_i32};
  LLVMValueRef args[2] = {pc->vmctx,
                          LLVMConstInt(cm->t_i32, (unsigned)code, false)};
  unsigned n = code < 0 ? 1 : 2;
  cg_mark_noreturn(
      cm, LLVMBuildCall2(cm->b, LLVMFunctionType(cm->t_void, ps, n, false), fp,
                         args, n, ""));
  LLVMBuildUnreachable(cm->b);
  return bb;
}

static LLVMBasicBlockRef cold_block(poll_ctx *pc) {
  if (!pc->cold)
    pc->cold = noreturn_block(pc, offsetof(wasmrt_builtins, interrupted), -1);
  return pc->cold;
}

/* Ends the builder's block with the poll: on to `next` unless the flag
 * is set. */
static void build_poll(poll_ctx *pc, LLVMBasicBlockRef next) {
  cg_module *cm = pc->cm;
  LLVMBasicBlockRef here = LLVMGetInsertBlock(cm->b);
  LLVMBasicBlockRef cold = cold_block(pc);
  LLVMPositionBuilderAtEnd(cm->b, here);
  LLVMValueRef v = LLVMBuildLoad2(
      cm->b, cm->t_i32,
      byte_gep(cm, pc->vmctx, offsetof(wasmrt_vmctx, interrupt)), "intr");
  LLVMSetVolatile(v, true);
  LLVMValueRef set =
      LLVMBuildICmp(cm->b, LLVMIntNE, v, LLVMConstInt(cm->t_i32, 0, 0), "");
  cg_mark_cold_branch(cm, LLVMBuildCondBr(cm->b, set, cold, next));
}

/* Ends the builder's block with the stack check, on to `next`. The stack
 * pointer is read with llvm.stacksave, after the prologue: this frame is
 * already allocated when it is compared. */
static void build_stack_check(poll_ctx *pc, LLVMBasicBlockRef next) {
  cg_module *cm = pc->cm;
  LLVMBasicBlockRef here = LLVMGetInsertBlock(cm->b);
  LLVMBasicBlockRef trap = noreturn_block(pc, offsetof(wasmrt_builtins, trap),
                                          WASMRT_TRAP_STACK_EXHAUSTED);
  LLVMPositionBuilderAtEnd(cm->b, here);
  LLVMTypeRef pt = cm->t_ptr;
  LLVMValueRef sp = cg_module_intrinsic(cm, "llvm.stacksave", &pt, 1, NULL, 0);
  LLVMValueRef lim = LLVMBuildLoad2(
      cm->b, cm->t_i64,
      byte_gep(cm, pc->vmctx, offsetof(wasmrt_vmctx, stack_limit)), "");
  LLVMValueRef low = LLVMBuildICmp(
      cm->b, LLVMIntULT, LLVMBuildPtrToInt(cm->b, sp, cm->t_i64, ""), lim, "");
  LLVMBasicBlockRef poll = LLVMInsertBasicBlockInContext(cm->ctx, next, "");
  cg_mark_cold_branch(cm, LLVMBuildCondBr(cm->b, low, trap, poll));
  LLVMPositionBuilderAtEnd(cm->b, poll);
}

/* A new block placed before `bb`, taking bb's leading instructions with
 * opcode `leading`; the builder is left at its end. */
static LLVMBasicBlockRef block_before(poll_ctx *pc, LLVMBasicBlockRef bb,
                                      const char *name, LLVMOpcode leading) {
  cg_module *cm = pc->cm;
  LLVMBasicBlockRef nb = LLVMInsertBasicBlockInContext(cm->ctx, bb, name);
  LLVMPositionBuilderAtEnd(cm->b, nb);
  LLVMValueRef in = LLVMGetFirstInstruction(bb);
  while (in && LLVMGetInstructionOpcode(in) == leading) {
    LLVMValueRef next = LLVMGetNextInstruction(in);
    LLVMInstructionRemoveFromParent(in);
    LLVMInsertIntoBuilder(cm->b, in);
    in = next;
  }
  return nb;
}

/* A poll block in front of loop header h: h's phis move into it, it
 * polls and falls into h; the caller redirects every edge into h to it. So
 * every path into h, the back edges included, polls at the top of the
 * iteration, and the successors of h keep h as their predecessor (no phi
 * elsewhere changes). */
static LLVMBasicBlockRef poll_header(poll_ctx *pc, LLVMBasicBlockRef h) {
  LLVMBasicBlockRef p = block_before(pc, h, "poll", LLVMPHI);
  build_poll(pc, h);
  return p;
}

/* Finds the targets of retreating edges (every cycle has one) with an
 * iterative depth-first search, and polls in front of each of them.
 * Unreachable blocks are left alone. */
static bool poll_cycles(poll_ctx *pc) {
  uint32_t n = LLVMCountBasicBlocks(pc->fn);
  LLVMBasicBlockRef *blocks = malloc(n * sizeof *blocks);
  LLVMBasicBlockRef *poll = calloc(n, sizeof *poll); /* per header */
  uint8_t *state = calloc(n, 1); /* 0 new, 1 on the stack, 2 finished */
  uint8_t *header = calloc(n, 1);
  uint32_t *stack = malloc(n * sizeof *stack);
  unsigned *next = calloc(n, sizeof *next);
  cg_ptr_map map = {0};
  bool ok = blocks && poll && state && header && stack && next;
  if (ok) {
    LLVMGetBasicBlocks(pc->fn, blocks);
    ok = cg_ptr_map_of_blocks(&map, blocks, n);
  }
  size_t sp = 0;
  if (ok) {
    stack[sp++] = 0;
    state[0] = 1;
  }
  while (ok && sp > 0) {
    uint32_t u = stack[sp - 1];
    LLVMValueRef term = LLVMGetBasicBlockTerminator(blocks[u]);
    unsigned ns = term ? LLVMGetNumSuccessors(term) : 0;
    if (next[u] == ns) {
      state[u] = 2;
      sp--;
      continue;
    }
    uint32_t v = cg_ptr_map_get(&map, LLVMGetSuccessor(term, next[u]++));
    if (v == UINT32_MAX) {
      ok = false;
    } else if (state[v] == 0) {
      state[v] = 1;
      stack[sp++] = v;
    } else if (state[v] == 1) {
      header[v] = 1;
    }
  }
  for (uint32_t h = 0; ok && h < n; h++)
    if (header[h])
      poll[h] = poll_header(pc, blocks[h]);
  /* Redirect the edges into each header, from the original blocks only:
   * the poll blocks' own edges into their headers stay. */
  for (uint32_t u = 0; ok && u < n; u++) {
    LLVMValueRef term = LLVMGetBasicBlockTerminator(blocks[u]);
    unsigned ns = term ? LLVMGetNumSuccessors(term) : 0;
    for (unsigned i = 0; i < ns; i++) {
      uint32_t v = cg_ptr_map_get(&map, LLVMGetSuccessor(term, i));
      if (v != UINT32_MAX && header[v])
        LLVMSetSuccessor(term, i, poll[v]);
    }
  }
  cg_ptr_map_free(&map);
  free(blocks);
  free(poll);
  free(state);
  free(header);
  free(stack);
  free(next);
  return ok;
}

/* True if fn calls something that may return and is not an intrinsic:
 * a wasm function, an import, or a builtin that may call back. */
static bool makes_calls(LLVMValueRef fn) {
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
       bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
         in = LLVMGetNextInstruction(in)) {
      if (LLVMGetInstructionOpcode(in) != LLVMCall)
        continue;
      LLVMValueRef callee = LLVMGetCalledValue(in);
      if (LLVMIsAFunction(callee) && LLVMGetIntrinsicID(callee) != 0)
        continue;
      LLVMValueRef after = LLVMGetNextInstruction(in);
      if (after && LLVMGetInstructionOpcode(after) == LLVMUnreachable)
        continue; /* a trap */
      return true;
    }
  return false;
}

/* A new entry block: the old one's static allocas (which must stay in the
 * entry block to remain static), the stack check, then the poll. */
static void poll_entry(poll_ctx *pc) {
  LLVMBasicBlockRef old = LLVMGetEntryBasicBlock(pc->fn);
  block_before(pc, old, "entry", LLVMAlloca);
  build_stack_check(pc, old);
  build_poll(pc, old);
}

bool cg_place_polls(cg_module *cm) {
  for (LLVMValueRef fn = LLVMGetFirstFunction(cm->mod); fn;
       fn = LLVMGetNextFunction(fn)) {
    if (LLVMCountBasicBlocks(fn) == 0 ||
        !LLVMGetStringAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                                       POLL_ATTR, strlen(POLL_ATTR)))
      continue;
    poll_ctx pc = {.cm = cm, .fn = fn, .vmctx = LLVMGetParam(fn, 0)};
    bool calls = makes_calls(fn);
    if (!poll_cycles(&pc))
      return wasm_error_set(cm->err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                            "out of memory placing interrupt polls");
    if (calls)
      poll_entry(&pc);
  }
  return true;
}

void cg_mark_polled(cg_module *cm, LLVMValueRef fn) {
  cg_add_fn_attr(cm, fn, POLL_ATTR, "");
}
