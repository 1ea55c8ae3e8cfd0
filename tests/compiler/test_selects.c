/* test_selects.c — selects stay cmov (compiler/codegen_selects.c).
 *
 * The IR is a heap's sift-down, the shape of sightglass heapsort's hot
 * loop: `j` moves to the larger child through a select on two loaded
 * doubles. Without the pass, LLVM 19's x86 back end turns that select's
 * cmov into a branch (the branch mispredicts half the time on real data);
 * with it the cmov stays. Both halves are checked, so the test also says
 * when an LLVM upgrade makes the pass unnecessary. Built from the pass's
 * source, as it is internal to libwasmc. */
#include "codegen_internal.h"

#include <llvm-c/IRReader.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pass_test_ir.h"
#include "test_check.h"

static const char IR[] =
    "target triple = \"x86_64-pc-linux-gnu\"\n"
    "define void @sift(ptr %ra, i64 %i0, i64 %j0, i64 %n, double %x) #0 {\n"
    "entry:\n"
    "  br label %loop\n"
    "loop:\n"
    "  %i = phi i64 [ %i0, %entry ], [ %j2, %body ]\n"
    "  %j = phi i64 [ %j0, %entry ], [ %jj, %body ]\n"
    "  %two = icmp slt i64 %j, %n\n"
    "  br i1 %two, label %pick_child, label %move\n"
    "pick_child:\n"
    "  %pa = getelementptr double, ptr %ra, i64 %j\n"
    "  %a = load double, ptr %pa\n"
    "  %j1 = add i64 %j, 1\n"
    "  %pb = getelementptr double, ptr %ra, i64 %j1\n"
    "  %b = load double, ptr %pb\n"
    "  %right = fcmp olt double %a, %b\n"
    "  %js = select i1 %right, i64 %j1, i64 %j\n"
    "  br label %move\n"
    "move:\n"
    "  %j2 = phi i64 [ %j, %loop ], [ %js, %pick_child ]\n"
    "  %pj = getelementptr double, ptr %ra, i64 %j2\n"
    "  %v = load double, ptr %pj\n"
    "  %down = fcmp olt double %x, %v\n"
    "  br i1 %down, label %body, label %exit\n"
    "body:\n"
    "  %pi = getelementptr double, ptr %ra, i64 %i\n"
    "  store double %v, ptr %pi\n"
    "  %jj = shl i64 %j2, 1\n"
    "  %more = icmp sle i64 %jj, %n\n"
    "  br i1 %more, label %loop, label %exit\n"
    "exit:\n"
    "  ret void\n"
    "}\n"
    "attributes #0 = { \"target-cpu\"=\"x86-64-v2\" \"tune-cpu\"=\"generic\" "
    "}\n";

static unsigned count(const char *text, size_t len, const char *what) {
  unsigned n = 0;
  size_t w = strlen(what);
  for (size_t i = 0; i + w <= len; i++)
    n += memcmp(text + i, what, w) == 0;
  return n;
}

/* The number of cmov instructions in the -O2 assembly of IR, with or
 * without the pass; -1 if the IR or the target fails. */
static int cmovs(bool mark) {
  LLVMContextRef ctx;
  LLVMModuleRef mod = pass_test_parse(IR, &ctx);
  int n = -1;
  if (!mod)
    return -1;
  char *msg = NULL;
  cg_module cm = {.ctx = ctx, .mod = mod};
  cm.md_empty = LLVMMetadataAsValue(ctx, LLVMMDNodeInContext2(ctx, NULL, 0));
  if (mark)
    cg_mark_selects_unpredictable(&cm);
  LLVMTargetRef target;
  if (!LLVMGetTargetFromTriple("x86_64-pc-linux-gnu", &target, &msg)) {
    LLVMTargetMachineRef tm = LLVMCreateTargetMachine(
        target, "x86_64-pc-linux-gnu", "x86-64-v2", "", LLVMCodeGenLevelDefault,
        LLVMRelocPIC, LLVMCodeModelDefault);
    LLVMMemoryBufferRef out = NULL;
    if (!LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMAssemblyFile, &msg,
                                             &out)) {
      n = (int)count(LLVMGetBufferStart(out), LLVMGetBufferSize(out), "cmov");
      LLVMDisposeMemoryBuffer(out);
    }
    LLVMDisposeTargetMachine(tm);
  }
  if (n < 0)
    fprintf(stderr, "emit: %s\n", msg ? msg : "?");
  LLVMDisposeMessage(msg);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  return n;
}

int main(void) {
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86Target();
  LLVMInitializeX86TargetMC();
  LLVMInitializeX86AsmPrinter();
  CHECK(cmovs(false) == 0); /* LLVM's cmov-to-branch conversion */
  CHECK(cmovs(true) == 1);  /* ...which the pass prevents */
  printf("test_selects: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
