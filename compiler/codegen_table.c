/* codegen_table.c — tables, references and call_indirect.
 *
 * table.get/set/size are inline (bounds check + load/store of elems[i]);
 * grow and fill go through the runtime's builtins. Table elements are
 * wasmrt_funcref pointers (funcref) or opaque pointers (externref). */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

static cg_result push(cg_func *f, LLVMValueRef v) {
  return cg_push(f, v) ? CG_OK : CG_ERROR;
}

/* tables[t] is fixed after instantiation; its fields are not, unless the
 * table is fixed-size (table_is_fixed). */
static LLVMValueRef table_struct(cg_func *f, uint32_t t) {
  return cg_load_instance_entry(f, offsetof(wasmrt_vmctx, tables),
                                wasm_module_num_all_tables(f->cm->m), t,
                                sizeof(wasmrt_table));
}

/* A table whose type has max == min never changes size, so its elements
 * array is never reallocated: its size is a constant and its elems pointer
 * invariant. That holds for imports too: an imported table's current size
 * is at least the declared min and its max at most the declared max
 * (instance.c, limits_match), so both equal the declared max. clang's
 * indirect-call tables have this type. */
static bool table_is_fixed(const cg_func *f, uint32_t t) {
  wasm_tabletype tt = wasm_module_table_type(f->cm->m, t);
  return tt.limits.has_max && tt.limits.max == tt.limits.min;
}

static LLVMValueRef table_size(cg_func *f, uint32_t t) {
  if (table_is_fixed(f, t))
    return cg_i32(f, wasm_module_table_type(f->cm->m, t).limits.min);
  return cg_load_field(f, f->cm->t_i32, table_struct(f, t),
                       offsetof(wasmrt_table, size), false);
}

/* Bounds-checks idx (trap `code`) and returns &elems[idx] of table t.
 * table_size and the elems load each load table_struct: -O2 merges the
 * two, and at -O0 one value kept across the trap branch is spilled and
 * reloaded (richards' -O0 artifact: 76 instructions more). */
static LLVMValueRef elem_addr(cg_func *f, uint32_t t, LLVMValueRef idx,
                              uint32_t code) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef size = table_size(f, t);
  cg_trap_if(f, LLVMBuildICmp(b, LLVMIntUGE, idx, size, ""), code);
  LLVMValueRef elems =
      cg_load_field(f, f->cm->t_ptr, table_struct(f, t),
                    offsetof(wasmrt_table, elems), table_is_fixed(f, t));
  LLVMValueRef off = LLVMBuildMul(b, LLVMBuildZExt(b, idx, f->cm->t_i64, ""),
                                  cg_i64(f, sizeof(void *)), "");
  return cg_gep(f, elems, off);
}

static cg_result table_get_set(cg_func *f, const wasm_instr *in) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef val = NULL;
  if (in->op == WASM_OP_TABLE_SET && !(val = cg_pop(f)))
    return CG_ERROR;
  LLVMValueRef idx = cg_pop(f);
  if (!idx)
    return CG_ERROR;
  LLVMValueRef p = elem_addr(f, in->imm.index, idx, WASMRT_TRAP_TABLE_OOB);
  if (val) {
    LLVMBuildStore(b, val, p);
    return CG_OK;
  }
  return push(f, LLVMBuildLoad2(b, f->cm->t_ptr, p, ""));
}

static cg_result table_grow(cg_func *f, const wasm_instr *in) {
  LLVMValueRef delta = cg_pop(f), init = cg_pop(f);
  if (!delta || !init)
    return CG_ERROR;
  cg_module *cm = f->cm;
  LLVMTypeRef ps[4] = {cm->t_ptr, cm->t_i32, cm->t_ptr, cm->t_i32};
  LLVMValueRef args[4] = {f->vmctx, cg_i32(f, in->imm.index), init, delta};
  return push(f, cg_call_builtin(f, offsetof(wasmrt_builtins, table_grow),
                                 cm->t_i32, ps, args, 4));
}

static cg_result table_fill(cg_func *f, const wasm_instr *in) {
  LLVMValueRef n = cg_pop(f), ref = cg_pop(f), dst = cg_pop(f);
  if (!n || !ref || !dst)
    return CG_ERROR;
  cg_module *cm = f->cm;
  LLVMTypeRef ps[5] = {cm->t_ptr, cm->t_i32, cm->t_i32, cm->t_ptr, cm->t_i32};
  LLVMValueRef args[5] = {f->vmctx, cg_i32(f, in->imm.index), dst, ref, n};
  cg_call_builtin(f, offsetof(wasmrt_builtins, table_fill), cm->t_void, ps,
                  args, 5);
  return CG_OK;
}

static cg_result ref_op(cg_func *f, const wasm_instr *in) {
  cg_module *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  if (in->op == WASM_OP_REF_NULL)
    return push(f, LLVMConstNull(cm->t_ptr));
  if (in->op == WASM_OP_REF_IS_NULL) {
    LLVMValueRef r = cg_pop(f);
    if (!r)
      return CG_ERROR;
    LLVMValueRef c = LLVMBuildIsNull(b, r, "");
    return push(f, LLVMBuildZExt(b, c, cm->t_i32, ""));
  }
  LLVMTypeRef ps[2] = {cm->t_ptr, cm->t_i32};
  LLVMValueRef args[2] = {f->vmctx, cg_i32(f, in->imm.index)};
  return push(f, cg_call_builtin(f, offsetof(wasmrt_builtins, ref_func),
                                 cm->t_ptr, ps, args, 2));
}

/* A null table entry traps "uninitialized element IDX" (the reference
 * interpreter's wording, which the spec suite checks), so this cold path
 * calls the builtin that carries the index. Ends the current block. */
void cg_trap_uninitialized(cg_func *f, LLVMValueRef idx) {
  cg_module *cm = f->cm;
  LLVMTypeRef ps[3] = {cm->t_ptr, cm->t_i32, cm->t_i32};
  LLVMValueRef args[3] = {f->vmctx,
                          cg_i32(f, WASMRT_TRAP_UNINITIALIZED_ELEMENT), idx};
  cg_call_builtin(f, offsetof(wasmrt_builtins, trap_index),
                  LLVMVoidTypeInContext(cm->ctx), ps, args, 3);
  LLVMBuildUnreachable(cm->b);
}

static void trap_if_null_elem(cg_func *f, LLVMValueRef fr, LLVMValueRef idx) {
  LLVMBuilderRef b = f->cm->b;
  LLVMBasicBlockRef bad = cg_new_block(f, "null_elem");
  LLVMBasicBlockRef ok = cg_new_block(f, "ok");
  LLVMBuildCondBr(b, LLVMBuildIsNull(b, fr, ""), bad, ok);
  LLVMPositionBuilderAtEnd(b, bad);
  cg_trap_uninitialized(f, idx);
  LLVMPositionBuilderAtEnd(b, ok);
}

/* Bounds (undefined element), null (uninitialized element), canonical type
 * id (indirect call type mismatch), then a native call with the callee's
 * own vmctx.
 *
 * The target is two loads past the elements array (funcref, then its
 * code). V8 keeps flat per-table arrays of signature and target instead,
 * one load each; that layout, tried as an array of {code, vmctx, type id}
 * entries read directly, left sightglass richards (a scheduler calling
 * through its table) unchanged: 9.68 vs 9.63 ms, medians of 15. So the
 * table holds plain funcref pointers, which table.get/set and the
 * embedding API share.
 * A fixed-size table's bound is a constant (table_is_fixed), which saves
 * the size load; see cg_load_instance_ptr for why the rest of the chain
 * is not hoisted out of loops. A table whose contents are known when
 * compiling is switched on instead (codegen_known_table.c). */
static cg_result call_indirect(cg_func *f, const wasm_instr *in) {
  cg_module *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  uint32_t ti = in->imm.call_indirect.type_index;
  if (ti >= cm->m->num_types)
    return cg_fail(f, "type index out of range"), CG_ERROR;
  LLVMValueRef idx = cg_pop(f);
  if (!idx)
    return CG_ERROR;
  uint32_t t = in->imm.call_indirect.table_index;
  if (cm->known_tables && t < wasm_module_num_all_tables(cm->m) &&
      cm->known_tables[t]) {
    uint32_t n = wasm_module_table_type(cm->m, t).limits.min;
    cg_result r = cg_call_known_table(f, ti, cm->known_tables[t], n, idx);
    if (r != CG_UNHANDLED)
      return r;
  }
  LLVMValueRef p = elem_addr(f, t, idx, WASMRT_TRAP_UNDEFINED_ELEMENT);
  LLVMValueRef fr = LLVMBuildLoad2(b, cm->t_ptr, p, "funcref");
  trap_if_null_elem(f, fr, idx);
  LLVMValueRef ids =
      cg_load_instance_ptr(f, f->vmctx, offsetof(wasmrt_vmctx, type_ids),
                           (uint64_t)cm->m->num_types * sizeof(uint32_t));
  LLVMValueRef want =
      cg_load_field(f, cm->t_i32, ids, (size_t)ti * sizeof(uint32_t), true);
  LLVMValueRef have =
      cg_load_field(f, cm->t_i32, fr, offsetof(wasmrt_funcref, type_id), false);
  cg_trap_if(f, LLVMBuildICmp(b, LLVMIntNE, want, have, ""),
             WASMRT_TRAP_INDIRECT_TYPE_MISMATCH);
  LLVMValueRef native =
      cg_load_field(f, cm->t_ptr, fr, offsetof(wasmrt_funcref, native), false);
  LLVMValueRef vm =
      cg_load_field(f, cm->t_ptr, fr, offsetof(wasmrt_funcref, vmctx), false);
  const wasm_functype *ft = &cm->m->types[ti];
  return cg_emit_call(f, native, vm, ft, cm->sig_types[ti]) ? CG_OK : CG_ERROR;
}

cg_result cg_table(cg_func *f, const wasm_instr *in) {
  switch (in->op) {
  case WASM_OP_TABLE_GET:
  case WASM_OP_TABLE_SET:
    return table_get_set(f, in);
  case WASM_OP_TABLE_SIZE:
    return push(f, table_size(f, in->imm.index));
  case WASM_OP_TABLE_GROW:
    return table_grow(f, in);
  case WASM_OP_TABLE_FILL:
    return table_fill(f, in);
  case WASM_OP_REF_NULL:
  case WASM_OP_REF_IS_NULL:
  case WASM_OP_REF_FUNC:
    return ref_op(f, in);
  case WASM_OP_CALL_INDIRECT:
    return call_indirect(f, in);
  default:
    return CG_UNHANDLED;
  }
}
