/* codegen_selects.c — selects stay branch-free.
 *
 * LLVM's x86 back end turns a cmov in an inner loop back into a branch
 * when the cmov lengthens the loop's dependency chain, assuming the branch
 * predicts well (x86-cmov-conversion). With a profile that assumption can
 * be checked; wasm brings none, and a select on data usually exists
 * because the comparison is data-dependent. Sightglass heapsort's sift-down
 * (`j += ra[j] < ra[j+1]`) is that case: the converted branch mispredicts
 * half the time. With every select marked !unpredictable, the back end
 * keeps them all as cmov (valgrind's branch simulator, mispredicted
 * conditional branches: 72.0 M -> 13.1 M; instructions +6%, as both arms
 * now run; time 1070 -> 665 ms, V8 944 ms). Of the 38 benchmark workloads
 * only heapsort, bz2, sqlite3 and the tokenizer kernel change code; the
 * other three's mispredicts fell (bz2 596 k -> 456 k, sqlite3 36.8 M ->
 * 34.9 M) or stayed (tokenizer, +0.03%), their instruction counts within
 * 0.4%.
 *
 * Runs after the optimization pipeline, so it covers the selects the
 * optimizer formed from branches too, and before instruction selection,
 * which is where the flag reaches the cmov.
 */
#include "codegen_internal.h"

void cg_mark_selects_unpredictable(cg_module *cm) {
  unsigned kind = LLVMGetMDKindIDInContext(cm->ctx, "unpredictable", 13);
  for (LLVMValueRef fn = LLVMGetFirstFunction(cm->mod); fn;
       fn = LLVMGetNextFunction(fn))
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
         bb = LLVMGetNextBasicBlock(bb))
      for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
           i = LLVMGetNextInstruction(i))
        if (LLVMGetInstructionOpcode(i) == LLVMSelect)
          LLVMSetMetadata(i, kind, cm->md_empty);
}
