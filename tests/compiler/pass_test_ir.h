/* pass_test_ir.h — for the unit tests of passes on hand-written IR. */
#ifndef PASS_TEST_IR_H
#define PASS_TEST_IR_H

#include <llvm-c/IRReader.h>
#include <stdio.h>
#include <string.h>

/* The module parsed from `ir` in a new context (*ctx), or NULL with the
 * parser's message printed and nothing left to dispose. */
static inline LLVMModuleRef pass_test_parse(const char *ir,
                                            LLVMContextRef *ctx) {
  *ctx = LLVMContextCreate();
  LLVMMemoryBufferRef buf =
      LLVMCreateMemoryBufferWithMemoryRangeCopy(ir, strlen(ir), "ir");
  LLVMModuleRef mod = NULL;
  char *msg = NULL;
  if (LLVMParseIRInContext(*ctx, buf, &mod, &msg)) {
    fprintf(stderr, "test IR does not parse: %s\n", msg ? msg : "?");
    LLVMDisposeMessage(msg);
    LLVMContextDispose(*ctx);
    *ctx = NULL;
    return NULL;
  }
  return mod;
}

#endif
