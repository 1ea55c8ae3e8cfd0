/* codegen_bulk.c — bulk memory and table instructions. All of them go to
 * the runtime's builtins, which do the spec's bounds checks and trap. */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

/* Pops `n` i32 operands (in stack order) behind `fixed` leading immediate
 * arguments and calls the builtin at `offset`. */
static cg_result call_with_operands(cg_func *f, size_t offset,
                                    const uint32_t *fixed, unsigned nfixed,
                                    unsigned n) {
  cg_module *cm = f->cm;
  LLVMTypeRef ps[8];
  LLVMValueRef args[8];
  unsigned k = 0;
  ps[k] = cm->t_ptr;
  args[k++] = f->vmctx;
  for (unsigned i = 0; i < nfixed; i++) {
    ps[k] = cm->t_i32;
    args[k++] = cg_i32(f, fixed[i]);
  }
  if (f->sp < n)
    return cg_fail(f, "operand stack underflow"), CG_ERROR;
  for (unsigned i = 0; i < n; i++) {
    ps[k] = cm->t_i32;
    args[k++] = f->stack[f->sp - n + i];
  }
  f->sp -= n;
  cg_call_builtin(f, offset, cm->t_void, ps, args, k);
  return CG_OK;
}

cg_result cg_bulk(cg_func *f, const wasm_instr *in) {
  const uint32_t seg_target[2] = {in->imm.init.target, in->imm.init.segment};
  const uint32_t copy[2] = {in->imm.copy.dst, in->imm.copy.src};
  const uint32_t one = in->imm.index;
  switch (in->op) {
  case WASM_OP_MEMORY_INIT:
    return call_with_operands(f, offsetof(wasmrt_builtins, memory_init),
                              seg_target, 2, 3);
  case WASM_OP_DATA_DROP:
    return call_with_operands(f, offsetof(wasmrt_builtins, data_drop), &one, 1,
                              0);
  case WASM_OP_MEMORY_COPY:
    return call_with_operands(f, offsetof(wasmrt_builtins, memory_copy), copy,
                              2, 3);
  case WASM_OP_MEMORY_FILL:
    return call_with_operands(f, offsetof(wasmrt_builtins, memory_fill), &one,
                              1, 3);
  case WASM_OP_TABLE_INIT:
    return call_with_operands(f, offsetof(wasmrt_builtins, table_init),
                              seg_target, 2, 3);
  case WASM_OP_ELEM_DROP:
    return call_with_operands(f, offsetof(wasmrt_builtins, elem_drop), &one, 1,
                              0);
  case WASM_OP_TABLE_COPY:
    return call_with_operands(f, offsetof(wasmrt_builtins, table_copy), copy, 2,
                              3);
  default:
    return CG_UNHANDLED;
  }
}
