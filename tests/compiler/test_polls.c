/* test_polls.c — where interrupt polls go (compiler/codegen_poll.c) when
 * compiling with interrupt polls, and that none go without them.
 *
 * Every loop gets a poll except an innermost one that computes in
 * registers only and whose trip count per entry is a known constant small
 * enough to leave unpolled. Each function
 * below is one case; the test counts the polls (volatile loads of the
 * interrupt flag) placed in it. Getting a case wrong in the direction of
 * fewer polls would let wasm code run unstoppably, so the cases lean on
 * the boundaries: wrapping counts, counts that never hit their end, the
 * work limit, loops that call, touch memory or contain loops. Built from the
 * pass's source, as it is internal to libwasmc. */
#include "codegen_internal.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/IRReader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pass_test_ir.h"
#include "test_check.h"

/* A loop counting %i from START by STEP while `%n != END` (type T); the
 * function's name is the case. */
#define COUNTED(name, T, start, step, end)                                     \
  COUNTED_WITH(name, "", T, start, step, end)
/* The same with more parameters (PARAMS, after %vm), for START or END. */
#define COUNTED_WITH(name, params, T, start, step, end)                        \
  "define void @" name "(ptr %vm" params ") #0 {\n"                            \
  "entry:\n"                                                                   \
  "  br label %loop\n"                                                         \
  "loop:\n"                                                                    \
  "  %i = phi " T " [ " start ", %entry ], [ %n, %loop ]\n"                    \
  "  %n = add " T " %i, " step "\n"                                            \
  "  %c = icmp ne " T " %n, " end "\n"                                         \
  "  br i1 %c, label %loop, label %exit\n"                                     \
  "exit:\n"                                                                    \
  "  ret void\n"                                                               \
  "}\n"

/* A loop counting %i from 0 to 100 with more phis and a body: the
 * function NAME(ptr %vm PARAMS) returning RET, `ret RETVAL` at the exit. */
#define WITH_BODY(name, ret, params, phis, body, retval)                       \
  "define " ret " @" name "(ptr %vm" params ") #0 {\n"                         \
  "entry:\n"                                                                   \
  "  br label %loop\n"                                                         \
  "loop:\n"                                                                    \
  "  %i = phi i32 [ 0, %entry ], [ %n, %loop ]\n" phis body                    \
  "  %n = add i32 %i, 1\n"                                                     \
  "  %c = icmp ne i32 %n, 100\n"                                               \
  "  br i1 %c, label %loop, label %exit\n"                                     \
  "exit:\n"                                                                    \
  "  ret " retval "\n"                                                         \
  "}\n"

/* One case per macro or function (the formatter would run adjacent
 * macros and literals together). */
/* clang-format off */
static const char IR[] = "target triple = \"x86_64-pc-linux-gnu\"\n"
                         "declare void @callee(ptr)\n"
                         "declare double @llvm.fabs.f64(double)\n"
                         "declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)\n"
    /* Bounded: no poll. The body is 4 instructions (phi, add, icmp, br). */
    COUNTED("up", "i32", "0", "1", "100")          /* 100 trips */
    COUNTED("down", "i32", "100", "-1", "0")       /* 100 */
    COUNTED("by4_i64", "i64", "0", "4", "400")     /* 100 */
    COUNTED("i8_wraps", "i8", "10", "1", "5")      /* 251, through 255 */
    COUNTED("at_limit", "i32", "0", "1", "262144") /* 4 x 2^18 = 2^20 */
    /* Polled. */
    COUNTED("over_limit", "i32", "0", "1", "262145") /* 4 x (2^18 + 1) */
    COUNTED("i32_wraps", "i32", "10", "1", "5")      /* 2^32 - 5 trips */
    COUNTED("never", "i32", "1", "2", "200")         /* odd: never 200 */
    COUNTED("not_multiple", "i32", "0", "3", "100")  /* only after wrapping */
    COUNTED("zero_step", "i32", "0", "0", "100")     /* endless */
    /* Exit on `==` along the false edge: bounded. */
    "define void @eq_form(ptr %vm) #0 {\n"
    "entry:\n"
    "  br label %loop\n"
    "loop:\n"
    "  %i = phi i32 [ 0, %entry ], [ %n, %loop ]\n"
    "  %n = add i32 %i, 1\n"
    "  %c = icmp eq i32 %n, 100\n"
    "  br i1 %c, label %exit, label %loop\n"
    "exit:\n"
    "  ret void\n"
    "}\n"
    /* Two constant starts: bounded by the larger count. */
    "define void @two_starts(ptr %vm, i1 %p) #0 {\n"
    "entry:\n"
    "  br i1 %p, label %a, label %loop\n"
    "a:\n"
    "  br label %loop\n"
    "loop:\n"
    "  %i = phi i32 [ 0, %entry ], [ 50, %a ], [ %n, %loop ]\n"
    "  %n = add i32 %i, 1\n"
    "  %c = icmp ne i32 %n, 100\n"
    "  br i1 %c, label %loop, label %exit\n"
    "exit:\n"
    "  ret void\n"
    "}\n"
    /* Polled: start or end not constant. */
    COUNTED_WITH("var_start", ", i32 %s", "i32", "%s", "1", "100")
    COUNTED_WITH("var_end", ", i32 %e", "i32", "0", "1", "%e")
    /* A bounded count, but the body calls: polled (and the entry too). */
    WITH_BODY("calls", "void", "", "",
              "  call void @callee(ptr %vm)\n", "void")
    /* A bounded count, and an intrinsic that touches no memory: no poll */
    WITH_BODY("pure_intrinsic", "double", "",
              "  %x = phi double [ 1.0, %entry ], [ %y, %loop ]\n",
              "  %y = call double @llvm.fabs.f64(double %x)\n", "double %y")
    /* Bounded counts, but the body touches memory: polled. */
    WITH_BODY("loads", "i32", ", ptr %p",
              "  %s = phi i32 [ 0, %entry ], [ %t, %loop ]\n",
              "  %v = load i32, ptr %p\n"
              "  %t = add i32 %s, %v\n",
              "i32 %t")
    WITH_BODY("stores", "void", ", ptr %p", "",
              "  store i32 %i, ptr %p\n", "void")
    WITH_BODY("memset", "void", ", ptr %p", "",
              "  call void @llvm.memset.p0.i64(ptr %p, i8 0, i64 8, i1 false)\n",
              "void")
    /* Two bounded loops, nested: the inner one goes unpolled, the outer
     * one (not innermost) is polled. */
    "define void @nested(ptr %vm) #0 {\n"
    "entry:\n"
    "  br label %outer\n"
    "outer:\n"
    "  %o = phi i32 [ 0, %entry ], [ %on, %latch ]\n"
    "  br label %inner\n"
    "inner:\n"
    "  %i = phi i32 [ 0, %outer ], [ %n, %inner ]\n"
    "  %n = add i32 %i, 1\n"
    "  %c = icmp ne i32 %n, 10\n"
    "  br i1 %c, label %inner, label %latch\n"
    "latch:\n"
    "  %on = add i32 %o, 1\n"
    "  %oc = icmp ne i32 %on, 10\n"
    "  br i1 %oc, label %outer, label %exit\n"
    "exit:\n"
    "  ret void\n"
    "}\n"
    /* A bounded counter, but a second back edge skips its increment. */
    "define void @two_latches(ptr %vm, i1 %p) #0 {\n"
    "entry:\n"
    "  br label %loop\n"
    "loop:\n"
    "  %i = phi i32 [ 0, %entry ], [ %n, %step ], [ %i, %loop ]\n"
    "  br i1 %p, label %loop, label %step\n"
    "step:\n"
    "  %n = add i32 %i, 1\n"
    "  %c = icmp ne i32 %n, 100\n"
    "  br i1 %c, label %loop, label %exit\n"
    "exit:\n"
    "  ret void\n"
    "}\n"
    /* The compare counts, but the phi takes something else back: endless */
    "define void @reset(ptr %vm) #0 {\n"
    "entry:\n"
    "  br label %loop\n"
    "loop:\n"
    "  %i = phi i32 [ 0, %entry ], [ %z, %loop ]\n"
    "  %n = add i32 %i, 1\n"
    "  %z = and i32 %n, 3\n"
    "  %c = icmp ne i32 %n, 100\n"
    "  br i1 %c, label %loop, label %exit\n"
    "exit:\n"
    "  ret void\n"
    "}\n"
    /* A cycle entered at two blocks (irreducible): b counts, a does not. */
    "define void @irreducible(ptr %vm, i1 %p) #0 {\n"
    "entry:\n"
    "  br i1 %p, label %a, label %b\n"
    "a:\n"
    "  %j = phi i32 [ 0, %entry ], [ %n, %b ]\n"
    "  br label %b\n"
    "b:\n"
    "  %i = phi i32 [ 0, %entry ], [ %j, %a ]\n"
    "  %n = add i32 %i, 1\n"
    "  %c = icmp ne i32 %n, 100\n"
    "  br i1 %c, label %a, label %exit\n"
    "exit:\n"
    "  ret void\n"
    "}\n"
    "attributes #0 = { \"wasmc-poll\" }\n";
/* clang-format on */

/* Volatile loads in fn: one per poll. */
static unsigned polls(LLVMValueRef fn) {
  unsigned n = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
       bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
         in = LLVMGetNextInstruction(in))
      n += LLVMGetInstructionOpcode(in) == LLVMLoad && LLVMGetVolatile(in);
  return n;
}

static const struct {
  const char *name;
  unsigned polls;
} expected[] = {
    {"up", 0},          {"down", 0},           {"by4_i64", 0},
    {"i8_wraps", 0},    {"at_limit", 0},       {"over_limit", 1},
    {"i32_wraps", 1},   {"never", 1},          {"not_multiple", 1},
    {"zero_step", 1},   {"eq_form", 0},        {"two_starts", 0},
    {"var_start", 1},   {"var_end", 1},        {"calls", 2},
    {"nested", 1},      {"two_latches", 1},    {"reset", 1},
    {"irreducible", 1}, {"pure_intrinsic", 0}, {"loads", 1},
    {"stores", 1},      {"memset", 1},
};

/* Calls of llvm.stacksave: the stack checks at function entries. */
static unsigned stack_checks(LLVMValueRef fn) {
  unsigned n = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
       bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in;
         in = LLVMGetNextInstruction(in)) {
      if (LLVMGetInstructionOpcode(in) != LLVMCall)
        continue;
      size_t len;
      const char *name = LLVMGetValueName2(LLVMGetCalledValue(in), &len);
      n += len >= 15 && strncmp(name, "llvm.stacksave", 14) == 0;
    }
  return n;
}

/* Places polls in the cases with interrupt polls on (the table) or off
 * (none: the runtime's signal stops the code; only the stack checks stay,
 * at the entry of the one case that calls). */
static void check_placement(bool with_polls) {
  LLVMContextRef ctx;
  LLVMModuleRef mod = pass_test_parse(IR, &ctx);
  CHECK(mod != NULL);
  if (!mod)
    return;
  char *msg = NULL;
  wasm_error err = {0};
  cg_module cm = {
      .ctx = ctx, .mod = mod, .err = &err, .interrupt_polls = with_polls};
  cm.b = LLVMCreateBuilderInContext(ctx);
  cm.t_void = LLVMVoidTypeInContext(ctx);
  cm.t_i8 = LLVMInt8TypeInContext(ctx);
  cm.t_i32 = LLVMInt32TypeInContext(ctx);
  cm.t_i64 = LLVMInt64TypeInContext(ctx);
  cm.t_ptr = LLVMPointerTypeInContext(ctx, 0);
  CHECK(cg_place_polls(&cm));
  CHECK(!LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg));
  for (size_t k = 0; k < sizeof expected / sizeof *expected; k++) {
    LLVMValueRef fn = LLVMGetNamedFunction(mod, expected[k].name);
    unsigned got = fn ? polls(fn) : 99;
    unsigned want = with_polls ? expected[k].polls : 0;
    if (got != want)
      fprintf(stderr, "%s: %u polls, expected %u%s\n", expected[k].name, got,
              want, with_polls ? "" : " (interrupt polls off)");
    CHECK(got == want);
    unsigned checks_want = strcmp(expected[k].name, "calls") == 0;
    CHECK((fn ? stack_checks(fn) : 99) == checks_want);
  }
  LLVMDisposeMessage(msg);
  LLVMDisposeBuilder(cm.b);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
}

int main(void) {
  check_placement(true);
  check_placement(false);
  printf("test_polls: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
