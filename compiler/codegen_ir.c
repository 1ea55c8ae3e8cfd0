/* codegen_ir.c — IR helpers that need only the module, not a function
 * being translated: intrinsic calls, function and call attributes, branch
 * weights. Shared by translation and by the passes that run on finished
 * IR (codegen_poll.c), and linked alone into those passes' unit tests. */
#include "codegen_internal.h"

#include <string.h>

LLVMValueRef cg_module_intrinsic(cg_module *cm, const char *name,
                                 LLVMTypeRef *tys, unsigned ntys,
                                 LLVMValueRef *args, unsigned nargs) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cm->mod, id, tys, ntys);
  LLVMTypeRef fnty = LLVMIntrinsicGetType(cm->ctx, id, tys, ntys);
  return LLVMBuildCall2(cm->b, fnty, fn, args, nargs, "");
}

void cg_add_fn_attr(cg_module *cm, LLVMValueRef fn, const char *key,
                    const char *value) {
  LLVMAddAttributeAtIndex(
      fn, LLVMAttributeFunctionIndex,
      LLVMCreateStringAttribute(cm->ctx, key, (unsigned)strlen(key), value,
                                (unsigned)strlen(value)));
}

void cg_add_fn_flag(cg_module *cm, LLVMValueRef fn, const char *name) {
  unsigned k = LLVMGetEnumAttributeKindForName(name, strlen(name));
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                          LLVMCreateEnumAttribute(cm->ctx, k, 0));
}

void cg_mark_noreturn(cg_module *cm, LLVMValueRef call) {
  LLVMAddCallSiteAttribute(
      call, LLVMAttributeFunctionIndex,
      LLVMCreateEnumAttribute(
          cm->ctx, LLVMGetEnumAttributeKindForName("noreturn", 8), 0));
}

/* Traps are cold: telling the optimizer keeps the fast path straight. */
void cg_mark_cold_branch(cg_module *cm, LLVMValueRef condbr) {
  LLVMValueRef w[3] = {LLVMMDStringInContext(cm->ctx, "branch_weights", 14),
                       LLVMConstInt(cm->t_i32, 1, false),
                       LLVMConstInt(cm->t_i32, 1u << 20, false)};
  LLVMSetMetadata(condbr, LLVMGetMDKindIDInContext(cm->ctx, "prof", 4),
                  LLVMMDNodeInContext(cm->ctx, w, 3));
}
