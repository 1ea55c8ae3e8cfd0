/* test_nowrap.c — the no-wrap facts pass (compiler/codegen_nowrap.c) on
 * hand-written IR shaped like codegen's output after mem2reg: which i32
 * adds become `nuw`, and which must not. Each add's name says the answer:
 * `yes*` must be marked, `no*` must not. Built from the pass's sources, as
 * it is internal to libwasmc. */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/IRReader.h>
#include <stdio.h>
#include <string.h>

#include "pass_test_ir.h"
#include "test_check.h"

/* The IR reads memory 0's base as `load ptr, ptr %vmctx`. */
_Static_assert(offsetof(wasmrt_vmctx, mem0_base) == 0,
               "the test IR loads mem0_base from offset 0");

static const char IR[] =
    "define void @f(ptr %vmctx, i32 %p, i32 %q, i32 %r, i32 %s, i1 %c) {\n"
    "entry:\n"
    "  %mem = load ptr, ptr %vmctx\n"
    "  %no_before = add i32 %p, 8\n" /* the access comes later */
    "  %zp = zext i32 %p to i64\n"
    "  %ap = getelementptr i8, ptr %mem, i64 %zp\n"
    "  %v = load i32, ptr %ap\n"
    "  %yes_after = add i32 %p, 8\n"
    "  %yes_const_first = add i32 65536, %p\n" /* the largest addend */
    "  %no_too_big = add i32 %p, 65537\n"
    "  %no_negative = add i32 %p, -8\n"
    "  %no_zero = add i32 %p, 0\n"
    "  %no_other = add i32 %q, 8\n" /* q was never accessed */
    "  %no_nonconst = add i32 %p, %q\n"
    /* a store with a static offset: zext(r) + 16 */
    "  %zr = zext i32 %r to i64\n"
    "  %er = add i64 %zr, 16\n"
    "  %ar = getelementptr i8, ptr %mem, i64 %er\n"
    "  store i32 %v, ptr %ar\n"
    "  %yes_store = add i32 %r, 4\n"
    /* an i32-indexed load that is not wasm memory (vmctx itself) */
    "  %zs = zext i32 %s to i64\n"
    "  %as = getelementptr i8, ptr %vmctx, i64 %zs\n"
    "  %w = load i32, ptr %as\n"
    "  %no_not_memory = add i32 %s, 8\n"
    "  br label %single\n"
    "single:\n" /* only predecessor: entry, so p and r are known */
    "  %yes_inherited = add i32 %p, 16\n"
    "  %yes_inherited_store = add i32 %r, 16\n"
    "  br i1 %c, label %left, label %join\n"
    "left:\n"
    "  %zq = zext i32 %q to i64\n"
    "  %aq = getelementptr i8, ptr %mem, i64 %zq\n"
    "  %x = load i8, ptr %aq\n"
    "  %yes_left = add i32 %q, 1\n"
    "  br label %join\n"
    "join:\n" /* two predecessors: q is known on one path only */
    "  %no_join = add i32 %q, 1\n"
    "  %no_join_p = add i32 %p, 1\n" /* conservative: facts do not merge */
    "  br label %late\n"
    "early:\n" /* laid out before its only predecessor */
    "  %no_layout = add i32 %p, 2\n"
    "  ret void\n"
    "late:\n"
    "  br label %early\n"
    "}\n";

static void test_marks(void) {
  LLVMContextRef ctx;
  LLVMModuleRef mod = pass_test_parse(IR, &ctx);
  CHECK(mod != NULL);
  if (!mod)
    return;
  char *msg = NULL;
  cg_module cm = {.ctx = ctx, .mod = mod};
  cg_mark_nowrap_adds(&cm);
  LLVMValueRef fn = LLVMGetNamedFunction(mod, "f");
  unsigned seen = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
       bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
         in = LLVMGetNextInstruction(in)) {
      size_t len;
      const char *n = LLVMGetValueName2(in, &len);
      bool yes = len > 4 && memcmp(n, "yes_", 4) == 0;
      bool no = len > 3 && memcmp(n, "no_", 3) == 0;
      if (!yes && !no)
        continue;
      seen++;
      CHECK(!LLVMGetNSW(in)); /* only nuw is implied */
      if ((bool)LLVMGetNUW(in) != yes) {
        fprintf(stderr, "%.*s: nuw %s\n", (int)len, n,
                LLVMGetNUW(in) ? "set" : "missing");
        CHECK(!"nuw as the name says");
      }
    }
  CHECK(seen == 16);
  /* The pass only sets flags: the IR stays valid. */
  CHECK(!LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg));
  LLVMDisposeMessage(msg);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
}

int main(void) {
  test_marks();
  printf("test_nowrap: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
