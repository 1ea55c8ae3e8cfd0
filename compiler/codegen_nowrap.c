/* codegen_nowrap.c — `add nuw` on wasm addresses that provably cannot wrap.
 *
 * Wasm address arithmetic is i32 and wraps, so `p[1]` after `p[0]` is
 * `zext(p + 8)`, which scalar evolution cannot relate to `zext(p)`: the
 * loop vectorizer then sees two accesses at an unknown distance, and the
 * runtime checks it asks for compare them with each other and always fail
 * (LLVM 19). Clang's wasm output unrolls inner loops like that, so the
 * matmul kernel ran scalar at 2.3x native.
 *
 * The fact that fixes it: the runtime never lets a memory reach more than
 * WASMRT_MAX_MEMORY_PAGES (4 GiB - 64 KiB). An access at `zext(p) + off`
 * that did not trap therefore had p <= 2^32 - 65537, so `p + k` for any
 * 1 <= k <= 65536 does not wrap. Every use of such an add placed after the
 * access in the same block, or in a block reached only through it, runs
 * after the access succeeded (a failed access traps and leaves), so the
 * `nuw` flag holds wherever the value is used.
 *
 * Runs once, after mem2reg (a local read twice is then one value) and
 * before the optimization pipeline. Facts flow along single-predecessor
 * edges only; a block with several predecessors starts empty.
 */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

#include <stdlib.h>

/* k <= 65536 = 2^32 - 65536 * WASMRT_MAX_MEMORY_PAGES. */
#define MAX_NOWRAP_ADDEND 65536u
_Static_assert((uint64_t)WASMRT_MAX_MEMORY_PAGES * 65536u + MAX_NOWRAP_ADDEND <=
                   (1ull << 32),
               "p + MAX_NOWRAP_ADDEND must not wrap below the memory cap");

/* Addresses known accessed at the end of each block: the most recent ones,
 * a bounded number so that long single-predecessor chains stay linear. */
#define FACTS_PER_BLOCK 16

typedef struct nowrap_facts {
  LLVMValueRef addr[FACTS_PER_BLOCK];
  unsigned n, next; /* entries used; slot to overwrite when full */
} nowrap_facts;

static void facts_add(nowrap_facts *f, LLVMValueRef v) {
  for (unsigned i = 0; i < f->n; i++)
    if (f->addr[i] == v)
      return;
  if (f->n < FACTS_PER_BLOCK) {
    f->addr[f->n++] = v;
    return;
  }
  f->addr[f->next] = v;
  f->next = (f->next + 1) % FACTS_PER_BLOCK;
}

static bool facts_has(const nowrap_facts *f, LLVMValueRef v) {
  for (unsigned i = 0; i < f->n; i++)
    if (f->addr[i] == v)
      return true;
  return false;
}

/* Is v the load of vmctx->mem0_base (the base codegen_memory.c adds to)? */
static bool is_mem0_base(LLVMValueRef v, LLVMValueRef vmctx) {
  if (!LLVMIsALoadInst(v))
    return false;
  LLVMValueRef p = LLVMGetOperand(v, 0);
  size_t off = offsetof(wasmrt_vmctx, mem0_base);
  if (off == 0)
    return p == vmctx;
  if (!LLVMIsAGetElementPtrInst(p) || LLVMGetNumOperands(p) != 2 ||
      LLVMGetOperand(p, 0) != vmctx)
    return false;
  LLVMValueRef idx = LLVMGetOperand(p, 1);
  return LLVMIsAConstantInt(idx) && LLVMConstIntGetZExtValue(idx) == off;
}

LLVMValueRef cg_wasm_address(LLVMValueRef ptr, LLVMValueRef vmctx) {
  if (!LLVMIsAGetElementPtrInst(ptr) || LLVMGetNumOperands(ptr) != 2 ||
      !is_mem0_base(LLVMGetOperand(ptr, 0), vmctx))
    return NULL;
  LLVMValueRef ea = LLVMGetOperand(ptr, 1);
  if (LLVMIsAInstruction(ea) && LLVMGetInstructionOpcode(ea) == LLVMAdd &&
      LLVMIsAConstantInt(LLVMGetOperand(ea, 1)))
    ea = LLVMGetOperand(ea, 0);
  if (!LLVMIsAZExtInst(ea))
    return NULL;
  LLVMValueRef p = LLVMGetOperand(ea, 0);
  return LLVMGetIntTypeWidth(LLVMTypeOf(p)) == 32 ? p : NULL;
}

static bool small_addend(LLVMValueRef c) {
  if (!LLVMIsAConstantInt(c))
    return false;
  uint64_t k = LLVMConstIntGetZExtValue(c);
  return k >= 1 && k <= MAX_NOWRAP_ADDEND;
}

/* `add i32 p, k` (either order) with p accessed before: mark it nuw. */
static void mark_add(LLVMValueRef in, const nowrap_facts *f) {
  if (LLVMGetInstructionOpcode(in) != LLVMAdd ||
      LLVMGetIntTypeWidth(LLVMTypeOf(in)) != 32 || LLVMGetNUW(in))
    return;
  LLVMValueRef a = LLVMGetOperand(in, 0), b = LLVMGetOperand(in, 1);
  if ((small_addend(b) && facts_has(f, a)) ||
      (small_addend(a) && facts_has(f, b)))
    LLVMSetNUW(in, 1);
}

static void scan_block(LLVMBasicBlockRef bb, LLVMValueRef vmctx,
                       nowrap_facts *f) {
  for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
       in = LLVMGetNextInstruction(in)) {
    LLVMValueRef ptr = NULL;
    if (LLVMIsALoadInst(in))
      ptr = LLVMGetOperand(in, 0);
    else if (LLVMIsAStoreInst(in))
      ptr = LLVMGetOperand(in, 1);
    else if (LLVMGetTypeKind(LLVMTypeOf(in)) == LLVMIntegerTypeKind)
      mark_add(in, f);
    LLVMValueRef p = ptr ? cg_wasm_address(ptr, vmctx) : NULL;
    if (p && !LLVMIsAConstant(p))
      facts_add(f, p);
  }
}

/* For each block, its only predecessor's index; NO_PRED if it has none
 * or several. Both sentinels exceed any index. */
#define NO_PRED UINT32_MAX
#define UNSEEN (UINT32_MAX - 1)
static uint32_t *single_preds(LLVMBasicBlockRef *blocks, uint32_t n,
                              const cg_ptr_map *map) {
  uint32_t *pred = malloc((size_t)n * sizeof *pred);
  if (!pred)
    return NULL;
  for (uint32_t i = 0; i < n; i++)
    pred[i] = UNSEEN;
  for (uint32_t i = 0; i < n; i++) {
    LLVMValueRef term = LLVMGetBasicBlockTerminator(blocks[i]);
    unsigned ns = term ? LLVMGetNumSuccessors(term) : 0;
    for (unsigned s = 0; s < ns; s++) {
      uint32_t j = cg_ptr_map_get(map, LLVMGetSuccessor(term, s));
      /* Twice from one block (a switch's duplicate cases) is still one
       * predecessor; from two blocks is not. */
      if (j == UINT32_MAX)
        continue;
      if (pred[j] == UNSEEN)
        pred[j] = i;
      else if (pred[j] != i)
        pred[j] = NO_PRED;
    }
  }
  return pred;
}

LLVMValueRef cg_function_vmctx(LLVMValueRef fn) {
  if (!LLVMCountBasicBlocks(fn) || !LLVMCountParams(fn))
    return NULL;
  LLVMValueRef p = LLVMGetParam(fn, 0);
  return LLVMGetTypeKind(LLVMTypeOf(p)) == LLVMPointerTypeKind ? p : NULL;
}

static void mark_function(LLVMValueRef fn) {
  LLVMValueRef vmctx = cg_function_vmctx(fn);
  if (!vmctx)
    return;
  uint32_t n = LLVMCountBasicBlocks(fn);
  LLVMBasicBlockRef *blocks = malloc((size_t)n * sizeof *blocks);
  nowrap_facts *facts = calloc(n, sizeof *facts);
  cg_ptr_map map = {0};
  uint32_t *pred = NULL;
  if (blocks && facts) {
    LLVMGetBasicBlocks(fn, blocks);
    if (cg_ptr_map_of_blocks(&map, blocks, n))
      pred = single_preds(blocks, n, &map);
  }
  /* Out of memory: nothing is marked, which is always correct. */
  for (uint32_t i = 0; pred && i < n; i++) {
    /* The entry block has no predecessor (UNSEEN); a predecessor later
     * in the layout has not been scanned yet and contributes nothing. */
    if (pred[i] < i)
      facts[i] = facts[pred[i]];
    scan_block(blocks[i], vmctx, &facts[i]);
  }
  free(pred);
  cg_ptr_map_free(&map);
  free(facts);
  free(blocks);
}

void cg_mark_nowrap_adds(cg_module *cm) {
  for (LLVMValueRef fn = LLVMGetFirstFunction(cm->mod); fn;
       fn = LLVMGetNextFunction(fn))
    mark_function(fn);
}
