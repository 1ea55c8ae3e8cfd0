/* codegen_tuning.c — per-function hints to LLVM's vectorizers, decided
 * on the unoptimized IR.
 *
 * Rotate-heavy straight-line code (ChaCha, BLAKE, Salsa rounds) is a few
 * long dependency chains of add/xor/rotate. Scalar, a rotate is one
 * 1-cycle `rol` and the chains of the four columns run side by side on the
 * core's ALUs. LLVM's SLP vectorizer packs the four columns into one SSE
 * register: fewer instructions, which is what its cost model counts, but
 * one chain, in which every rotate by a non-multiple of 8 becomes
 * shift+shift+or (x86 has vector rotates only with AVX-512 or XOP) and
 * every diagonal round adds lane shuffles. That chain is longer than the
 * four scalar ones together. Side by side, pinned to one CPU, medians of
 * 5: sightglass xchacha20 2.4 ms vectorized, 1.0 ms scalar (V8, which
 * stays scalar: 1.2 ms); seqhash 3835 ms and 2183 ms (V8 2285 ms). With
 * AVX-512's vprold (--cpu=native on Zen 5) scalar still wins: 2.0 vs
 * 1.0 ms and 3.1 vs 2.1 s. So the decision does not depend on the CPU.
 *
 * A function with at least ROTATE_HEAVY such rotates by a constant is kept
 * scalar: "prefer-vector-width"="64" makes the X86 cost model report no
 * vector registers of a useful width, to both vectorizers (the loop
 * vectorizer loses that function too; the code this matches is straight
 * chains of rounds). `noinline` keeps the body under that attribute:
 * inlined, the caller's attributes would govern it. Such a function is
 * large (16 rotates are at least 64 instructions), so the call costs little
 * next to its body. The threshold is one ChaCha double round (8 quarter
 * rounds, 2 such rotates each); of the benchmark programs it changes the
 * code of xchacha20, seqhash, ratelimit and sqlite3 only, and the last two
 * ran at the same speed.
 */
#include "codegen_internal.h"

#define ROTATE_HEAVY 16

/* A rotate by a constant that is not a multiple of 8: fshl/fshr with both
 * value operands the same. Byte rotates stay cheap vectorized (pshufb). */
static bool is_bit_rotate(LLVMValueRef inst, unsigned fshl, unsigned fshr) {
  if (LLVMGetInstructionOpcode(inst) != LLVMCall)
    return false;
  LLVMValueRef callee = LLVMGetCalledValue(inst);
  if (!callee || !LLVMIsAFunction(callee))
    return false;
  unsigned id = LLVMGetIntrinsicID(callee);
  if ((id != fshl && id != fshr) || LLVMGetNumArgOperands(inst) != 3)
    return false;
  if (LLVMGetOperand(inst, 0) != LLVMGetOperand(inst, 1))
    return false;
  LLVMValueRef amount = LLVMGetOperand(inst, 2);
  if (!LLVMIsAConstantInt(amount))
    return false;
  return LLVMConstIntGetZExtValue(amount) % 8 != 0;
}

static unsigned count_bit_rotates(LLVMValueRef fn, unsigned fshl,
                                  unsigned fshr) {
  unsigned n = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
       bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
         i = LLVMGetNextInstruction(i))
      n += is_bit_rotate(i, fshl, fshr);
  return n;
}

void cg_tune_vectorization(cg_module *cm) {
  unsigned fshl = LLVMLookupIntrinsicID("llvm.fshl", 9);
  unsigned fshr = LLVMLookupIntrinsicID("llvm.fshr", 9);
  for (LLVMValueRef fn = LLVMGetFirstFunction(cm->mod); fn;
       fn = LLVMGetNextFunction(fn)) {
    if (LLVMCountBasicBlocks(fn) == 0 ||
        count_bit_rotates(fn, fshl, fshr) < ROTATE_HEAVY)
      continue;
    cg_add_fn_attr(cm, fn, "prefer-vector-width", "64");
    cg_add_fn_flag(cm, fn, "noinline");
  }
}
