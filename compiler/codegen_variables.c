/* codegen_variables.c — locals (allocas that mem2reg/SROA promote to SSA)
 * and globals (cells reached through vmctx->globals[i]). */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

static bool local_ok(cg_func *f, uint32_t i) {
  return i < f->nlocals || cg_fail(f, "local index %u out of range", i);
}

static cg_result local_op(cg_func *f, const wasm_instr *in) {
  uint32_t i = in->imm.index;
  if (!local_ok(f, i))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  if (in->op == WASM_OP_LOCAL_GET) {
    LLVMTypeRef t = cg_valtype(f->cm, f->local_types[i]);
    return cg_push(f, LLVMBuildLoad2(b, t, f->locals[i], "")) ? CG_OK
                                                              : CG_ERROR;
  }
  LLVMValueRef v = in->op == WASM_OP_LOCAL_SET ? cg_pop(f) : cg_peek(f, 0);
  if (!v)
    return cg_fail(f, "operand stack underflow"), CG_ERROR;
  LLVMBuildStore(b, v, f->locals[i]);
  return CG_OK;
}

/* The cell pointer never changes after instantiation, nor does the value of
 * an immutable global, so both loads are invariant. */
static cg_result global_op(cg_func *f, const wasm_instr *in) {
  const wasm_module *m = f->cm->m;
  uint32_t i = in->imm.index;
  if (i >= wasm_module_num_all_globals(m))
    return cg_fail(f, "global index %u out of range", i), CG_ERROR;
  wasm_globaltype gt = wasm_module_global_type(m, i);
  LLVMTypeRef t = cg_valtype(f->cm, gt.type);
  LLVMValueRef cell = cg_load_instance_entry(f, offsetof(wasmrt_vmctx, globals),
                                             wasm_module_num_all_globals(m), i,
                                             sizeof(wasmrt_global));
  if (in->op == WASM_OP_GLOBAL_GET) {
    LLVMValueRef v = cg_load_field(f, t, cell, 0, !gt.mut);
    LLVMSetAlignment(v, 8);
    return cg_push(f, v) ? CG_OK : CG_ERROR;
  }
  LLVMValueRef v = cg_pop(f);
  if (!v)
    return CG_ERROR;
  LLVMSetAlignment(LLVMBuildStore(f->cm->b, v, cell), 8);
  return CG_OK;
}

cg_result cg_variables(cg_func *f, const wasm_instr *in) {
  switch (in->op) {
  case WASM_OP_LOCAL_GET:
  case WASM_OP_LOCAL_SET:
  case WASM_OP_LOCAL_TEE:
    return local_op(f, in);
  case WASM_OP_GLOBAL_GET:
  case WASM_OP_GLOBAL_SET:
    return global_op(f, in);
  default:
    return CG_UNHANDLED;
  }
}
