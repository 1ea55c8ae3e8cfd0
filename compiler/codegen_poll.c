/* codegen_poll.c — stack checks, and interrupt polls when asked for,
 * placed after optimization.
 *
 * Interrupt polls are off by default (wasmc_options.interrupt_polls): the
 * runtime stops compiled code with a signal wherever it is
 * (runtime/interrupt.c), which the code needs no help for. With polls on
 * (for embedders whose threads block that signal), the code checks
 * vmctx->interrupt itself, as follows, and notices it in bounded time.
 * A poll is a volatile load of the flag and a branch to a
 * cold call of builtins->interrupted. Every cycle of a function's
 * control-flow graph gets one, in front of the block its retreating edge
 * enters (the loop header), and so does the entry of every function that
 * makes calls (which covers the cycles of the call graph: recursion).
 * The one exception is an innermost loop that computes in registers
 * only (no memory access, no call) and provably leaves within about a
 * million instructions of entering (see UNPOLLED_WORK_MAX): any endless
 * path through it also passes a polled header or function entry.
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
 * Why only register-only loops: leaving unpolled every short counted
 * innermost loop was tried (callgrind, and timed side by side on the 38
 * benchmark workloads): mandelbrot got 1.5% faster and sha256 lost 6.5%
 * of its instructions, but in loops that load and store, dropping the
 * poll's load changed how the back end scheduled and allocated registers
 * across whole functions: seqhash +9% and ed25519 +5% instructions
 * (spills), and the shifted layout made sightglass switch 50% slower. A
 * loop that only computes in registers (mandelbrot's escape test) keeps
 * its code but for the poll, which was the one difference left between
 * wasmc and wasm2c there (1.5% of its time, pinned, medians of 15); of
 * the 38 workloads only mandelbrot, gimli and sqlite3 (one loop each)
 * change code.
 *
 * What polls cost, and why not one poll per chunk of iterations: built
 * without any poll and timed side by side (5 runs), the kernels were 4%
 * faster in geomean (matmul 15%, hashtable 9%, sha256 8%) and the
 * sightglass programs even (sieve and bz2 faster; ed25519, seqhash and
 * quicksort slower from the shifted layout). Strip-mining one-block
 * counted loops (the block counts to the nearer of its end and one chunk
 * on, a poll runs before each chunk) was tried with callgrind on the
 * kernels and lost: loops of a few iterations pay the chunk's entry code
 * each time (lz +12%, fannkuch's memmove +24% instructions, copy loops of
 * a few bytes), and in matmul's vector loop the back end's strength
 * reduction kept a second induction variable for the chunk's end, so it
 * saved 2.5% of the instructions where removing the poll saves 12%.
 * Unrolling one-block loops of up to 32 instructions once, polling on the
 * second copy's back edge only, cut instructions (matmul, quicksort and
 * fannkuch -10%, hashtable -5%; spectralnorm +6%, where strength
 * reduction lost a carried value) but not time: timed side by side, the
 * kernels' geomean was unchanged (sha256 8% faster, simd_image 6% and
 * fannkuch 3% slower) and sightglass 1% slower. These loops wait on
 * loads and divisions; the poll's load and branch mostly run in their
 * shadow.
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

/* True for a call that may return and is not an intrinsic: a wasm
 * function, an import, or a builtin that may call back. Traps (calls
 * followed by unreachable) do not return. */
static bool call_may_return(LLVMValueRef call) {
  LLVMValueRef callee = LLVMGetCalledValue(call);
  if (LLVMIsAFunction(callee) && LLVMGetIntrinsicID(callee) != 0)
    return false;
  LLVMValueRef after = LLVMGetNextInstruction(call);
  return !after || LLVMGetInstructionOpcode(after) != LLVMUnreachable;
}

/* True for an instruction that reads or writes memory: a load, a store,
 * an atomic, or a call to llvm.memcpy/memmove/memset. */
static bool touches_memory(LLVMValueRef in) {
  switch (LLVMGetInstructionOpcode(in)) {
  case LLVMLoad:
  case LLVMStore:
  case LLVMAtomicRMW:
  case LLVMAtomicCmpXchg:
    return true;
  case LLVMCall: {
    size_t len = 0;
    const char *name = LLVMGetValueName2(LLVMGetCalledValue(in), &len);
    return len >= 8 && memcmp(name, "llvm.mem", 8) == 0;
  }
  default:
    return false;
  }
}

/* ------------------------------------------- loops that need no poll */

/* An innermost loop whose iteration count per entry is a constant small
 * enough that count x body size stays under this many IR instructions
 * runs for well under a millisecond and then leaves for code that polls
 * (the enclosing loop's header, or the caller). Only loops that neither
 * call nor touch memory qualify (why: the comment at the top). */
#define UNPOLLED_WORK_MAX (1u << 20)

/* The function's control-flow graph, indexed by position. */
typedef struct poll_cfg {
  LLVMBasicBlockRef *blocks;
  uint32_t n;
  cg_ptr_map map;
  uint32_t *pred_start, *preds; /* CSR: preds of i at [start[i], start[i+1]) */
  uint8_t *header;              /* target of a retreating edge: *_HEADER */
  uint32_t *latch; /* its one retreating source, NO_ or MANY_LATCHES */
} poll_cfg;

enum { POLLED_HEADER = 1, BOUNDED_HEADER = 2 };
#define NO_LATCH UINT32_MAX
#define MANY_LATCHES (UINT32_MAX - 1)

static uint32_t succ_index(const poll_cfg *g, LLVMValueRef term, unsigned i) {
  return cg_ptr_map_get(&g->map, LLVMGetSuccessor(term, i));
}

static bool build_preds(poll_cfg *g) {
  g->pred_start = calloc((size_t)g->n + 1, sizeof *g->pred_start);
  if (!g->pred_start)
    return false;
  size_t total = 0;
  for (uint32_t u = 0; u < g->n; u++) {
    LLVMValueRef term = LLVMGetBasicBlockTerminator(g->blocks[u]);
    unsigned ns = term ? LLVMGetNumSuccessors(term) : 0;
    for (unsigned i = 0; i < ns; i++) {
      uint32_t v = succ_index(g, term, i);
      if (v != UINT32_MAX) {
        g->pred_start[v + 1]++;
        total++;
      }
    }
  }
  for (uint32_t v = 0; v < g->n; v++)
    g->pred_start[v + 1] += g->pred_start[v];
  g->preds = malloc((total ? total : 1) * sizeof *g->preds);
  uint32_t *fill = malloc(((size_t)g->n + 1) * sizeof *fill);
  if (!g->preds || !fill) {
    free(fill);
    return false;
  }
  memcpy(fill, g->pred_start, ((size_t)g->n + 1) * sizeof *fill);
  for (uint32_t u = 0; u < g->n; u++) {
    LLVMValueRef term = LLVMGetBasicBlockTerminator(g->blocks[u]);
    unsigned ns = term ? LLVMGetNumSuccessors(term) : 0;
    for (unsigned i = 0; i < ns; i++) {
      uint32_t v = succ_index(g, term, i);
      if (v != UINT32_MAX)
        g->preds[fill[v]++] = u;
    }
  }
  free(fill);
  return true;
}

/* The IR instructions of the natural loop of header h with its one latch:
 * the blocks that reach the latch without passing h. 0 if that is not a
 * loop to leave unpolled: the walk reaches the entry block (h does not
 * dominate the latch: an irreducible region), meets another header (not
 * innermost), or finds a call that may return or an instruction that
 * touches memory. `in` is all zero on entry and on return; `body` has
 * room for every block. */
static uint64_t loop_body_size(const poll_cfg *g, uint32_t h, uint32_t latch,
                               uint8_t *in, uint32_t *body) {
  size_t nb = 0;
  in[h] = 1;
  body[nb++] = h;
  if (!in[latch]) {
    in[latch] = 1;
    body[nb++] = latch;
  }
  bool ok = true;
  for (size_t k = 1; ok && k < nb; k++) {
    uint32_t u = body[k];
    ok = u != 0 && !g->header[u];
    for (uint32_t e = g->pred_start[u]; ok && e < g->pred_start[u + 1]; e++) {
      uint32_t p = g->preds[e];
      if (!in[p]) {
        in[p] = 1;
        body[nb++] = p;
      }
    }
  }
  uint64_t size = 0;
  for (size_t k = 0; k < nb; k++) {
    in[body[k]] = 0;
    for (LLVMValueRef i = LLVMGetFirstInstruction(g->blocks[body[k]]); ok && i;
         i = LLVMGetNextInstruction(i)) {
      size++;
      ok = !touches_memory(i) &&
           !(LLVMGetInstructionOpcode(i) == LLVMCall && call_may_return(i));
    }
  }
  return ok ? size : 0;
}

/* The first k >= 1 with start + k*step == end (w-bit arithmetic), or 0
 * if that takes wrapping around (or never happens). Only `!=` exits are
 * counted: LLVM rewrites the exit of a counted loop to one (the ordered
 * compares left after optimization, none in the benchmark workloads,
 * would each need their own no-wrap argument). */
static uint64_t count_to_exit(uint64_t start, uint64_t step, uint64_t end,
                              unsigned w) {
  uint64_t mask = w >= 64 ? ~0ull : (1ull << w) - 1;
  bool up = !(step & (1ull << (w - 1)));
  uint64_t mag = (up ? step : 0 - step) & mask;
  uint64_t d = (up ? end - start : start - end) & mask;
  return mag != 0 && d != 0 && d % mag == 0 ? d / mag : 0;
}

/* True if `br` is a two-way branch with one edge back to h, taken while
 * an icmp is `!=` (on its true edge) or `==` (on its false edge). */
static bool stays_while_ne(LLVMValueRef br, LLVMBasicBlockRef h,
                           LLVMValueRef *cmp) {
  if (!br || LLVMGetInstructionOpcode(br) != LLVMBr || !LLVMIsConditional(br))
    return false;
  *cmp = LLVMGetCondition(br);
  bool t = LLVMGetSuccessor(br, 0) == h, f = LLVMGetSuccessor(br, 1) == h;
  if (t == f || !LLVMIsAICmpInst(*cmp))
    return false;
  return LLVMGetICmpPredicate(*cmp) == (t ? LLVMIntNE : LLVMIntEQ);
}

/* The most iterations per entry of the loop at h whose latch ends in
 * `br (icmp ne (add %i, step), end)` with %i a phi of h, fed that add
 * from the latch and constants from everywhere else; 0 if the loop is not
 * of that form or its count is unbounded. */
static uint64_t loop_trip_bound(LLVMBasicBlockRef h, LLVMBasicBlockRef latch) {
  LLVMValueRef cmp;
  if (!stays_while_ne(LLVMGetBasicBlockTerminator(latch), h, &cmp))
    return 0;
  LLVMValueRef next = LLVMGetOperand(cmp, 0), end = LLVMGetOperand(cmp, 1);
  if (!LLVMIsAConstantInt(end) || !LLVMIsAInstruction(next) ||
      LLVMGetInstructionOpcode(next) != LLVMAdd)
    return 0;
  LLVMValueRef phi = LLVMGetOperand(next, 0), step = LLVMGetOperand(next, 1);
  if (!LLVMIsAPHINode(phi) || LLVMGetInstructionParent(phi) != h ||
      !LLVMIsAConstantInt(step))
    return 0;
  unsigned w = LLVMGetIntTypeWidth(LLVMTypeOf(phi));
  if (w == 0 || w > 64)
    return 0;
  uint64_t most = 0;
  for (unsigned k = 0; k < LLVMCountIncoming(phi); k++) {
    LLVMValueRef v = LLVMGetIncomingValue(phi, k);
    if (LLVMGetIncomingBlock(phi, k) == latch) {
      if (v != next)
        return 0;
      continue;
    }
    if (!LLVMIsAConstantInt(v))
      return 0;
    uint64_t c = count_to_exit(LLVMConstIntGetZExtValue(v),
                               LLVMConstIntGetZExtValue(step),
                               LLVMConstIntGetZExtValue(end), w);
    if (c == 0)
      return 0;
    most = c > most ? c : most;
  }
  return most;
}

/* True if the loop at header h may go without a poll (see
 * UNPOLLED_WORK_MAX). */
static bool bounded_loop(const poll_cfg *g, uint32_t h, uint8_t *in,
                         uint32_t *body) {
  uint32_t latch = g->latch[h];
  if (latch == MANY_LATCHES || latch == NO_LATCH)
    return false;
  uint64_t trips = loop_trip_bound(g->blocks[h], g->blocks[latch]);
  if (trips == 0 || trips > UNPOLLED_WORK_MAX)
    return false;
  uint64_t size = loop_body_size(g, h, latch, in, body);
  return size != 0 && size * trips <= UNPOLLED_WORK_MAX;
}

/* Finds the targets of retreating edges (every cycle has one) and their
 * sources with an iterative depth-first search. Unreachable blocks are
 * left alone. */
static void find_headers(poll_cfg *g, uint8_t *state, uint32_t *stack,
                         unsigned *next) {
  size_t sp = 0;
  stack[sp++] = 0;
  state[0] = 1; /* 0 new, 1 on the stack, 2 finished */
  while (sp > 0) {
    uint32_t u = stack[sp - 1];
    LLVMValueRef term = LLVMGetBasicBlockTerminator(g->blocks[u]);
    unsigned ns = term ? LLVMGetNumSuccessors(term) : 0;
    if (next[u] == ns) {
      state[u] = 2;
      sp--;
      continue;
    }
    uint32_t v = succ_index(g, term, next[u]++);
    if (v == UINT32_MAX)
      continue;
    if (state[v] == 0) {
      state[v] = 1;
      stack[sp++] = v;
    } else if (state[v] == 1) {
      g->header[v] = POLLED_HEADER;
      g->latch[v] =
          g->latch[v] == NO_LATCH || g->latch[v] == u ? u : MANY_LATCHES;
    }
  }
}

/* Polls in front of every loop header but the bounded ones. */
static bool poll_cycles(poll_ctx *pc) {
  poll_cfg g = {.n = LLVMCountBasicBlocks(pc->fn)};
  uint32_t n = g.n;
  g.blocks = malloc(n * sizeof *g.blocks);
  g.header = calloc(n, 1);
  g.latch = malloc(n * sizeof *g.latch);
  LLVMBasicBlockRef *poll = calloc(n, sizeof *poll); /* per header */
  uint8_t *scratch = calloc(n, 1);
  uint32_t *work = malloc(n * sizeof *work);
  unsigned *next = calloc(n, sizeof *next);
  bool ok = g.blocks && g.header && g.latch && poll && scratch && work && next;
  if (ok) {
    LLVMGetBasicBlocks(pc->fn, g.blocks);
    ok = cg_ptr_map_of_blocks(&g.map, g.blocks, n);
  }
  if (ok) {
    for (uint32_t u = 0; u < n; u++)
      g.latch[u] = NO_LATCH;
    find_headers(&g, scratch, work, next);
    memset(scratch, 0, n);
  }
  bool any = false;
  for (uint32_t h = 0; ok && h < n && !any; h++)
    any = g.header[h];
  if (ok && any)
    ok = build_preds(&g);
  /* Decided on the unchanged graph, then placed. */
  for (uint32_t h = 0; ok && h < n; h++)
    if (g.header[h] && bounded_loop(&g, h, scratch, work))
      g.header[h] = BOUNDED_HEADER;
  for (uint32_t h = 0; ok && h < n; h++)
    if (g.header[h] == POLLED_HEADER)
      poll[h] = poll_header(pc, g.blocks[h]);
  /* Redirect the edges into each polled header, from the original blocks
   * only: the poll blocks' own edges into their headers stay. */
  for (uint32_t u = 0; ok && u < n; u++) {
    LLVMValueRef term = LLVMGetBasicBlockTerminator(g.blocks[u]);
    unsigned ns = term ? LLVMGetNumSuccessors(term) : 0;
    for (unsigned i = 0; i < ns; i++) {
      uint32_t v = succ_index(&g, term, i);
      if (v != UINT32_MAX && poll[v])
        LLVMSetSuccessor(term, i, poll[v]);
    }
  }
  cg_ptr_map_free(&g.map);
  free(g.blocks);
  free(g.header);
  free(g.latch);
  free(g.pred_start);
  free(g.preds);
  free(poll);
  free(scratch);
  free(work);
  free(next);
  return ok;
}

/* True if fn calls something that may return (see call_may_return). */
static bool makes_calls(LLVMValueRef fn) {
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
       bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
         in = LLVMGetNextInstruction(in))
      if (LLVMGetInstructionOpcode(in) == LLVMCall && call_may_return(in))
        return true;
  return false;
}

/* A new entry block: the old one's static allocas (which must stay in the
 * entry block to remain static), the stack check, then (with interrupt
 * polls) the poll. */
static void poll_entry(poll_ctx *pc) {
  LLVMBasicBlockRef old = LLVMGetEntryBasicBlock(pc->fn);
  block_before(pc, old, "entry", LLVMAlloca);
  build_stack_check(pc, old);
  if (pc->cm->interrupt_polls)
    build_poll(pc, old);
  else
    LLVMBuildBr(pc->cm->b, old);
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
    if (cm->interrupt_polls && !poll_cycles(&pc))
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
