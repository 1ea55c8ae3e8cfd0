/* codegen_memory.c — loads, stores, memory.size and memory.grow.
 *
 * An access is `mem0_base + zext(addr) + offset` with no bounds check: the
 * runtime reserves 8 GiB per memory so every such address lands in mapped
 * or guard pages, and a fault becomes a trap. Wasm alignment hints are not
 * guarantees, so every access is `align 1` (free on x86). */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

typedef struct mem_access {
  unsigned bytes; /* bytes moved */
  bool is_float;  /* f32/f64 value type */
  bool is_signed; /* sign-extending load */
  bool result64;  /* value type is i64/f64 */
} mem_access;

static bool describe(wasm_opcode op, mem_access *a) {
  /* Table-driven from the natural alignment (= log2 of the size) plus the
   * few facts the opcode table does not carry. */
  const wasm_opcode_info *info = wasm_opcode_get(op);
  a->bytes = 1u << info->natural_align_log2;
  a->is_float = op == WASM_OP_F32_LOAD || op == WASM_OP_F64_LOAD ||
                op == WASM_OP_F32_STORE || op == WASM_OP_F64_STORE;
  a->is_signed = op == WASM_OP_I32_LOAD8_S || op == WASM_OP_I32_LOAD16_S ||
                 op == WASM_OP_I64_LOAD8_S || op == WASM_OP_I64_LOAD16_S ||
                 op == WASM_OP_I64_LOAD32_S;
  const char *sig = info->sig;
  /* Loads: "i:X", stores: "iX:" — X names the value type. */
  char vt = sig[1] == ':' ? sig[2] : sig[1];
  a->result64 = vt == 'I' || vt == 'F';
  return true;
}

static LLVMTypeRef value_type(cg_func *f, const mem_access *a) {
  cg_module *cm = f->cm;
  if (a->is_float)
    return a->result64 ? cm->t_f64 : cm->t_f32;
  return a->result64 ? cm->t_i64 : cm->t_i32;
}

static LLVMValueRef address(cg_func *f, LLVMValueRef addr, uint32_t offset) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef ea = LLVMBuildZExt(b, addr, f->cm->t_i64, "");
  if (offset)
    ea = LLVMBuildAdd(b, ea, cg_i64(f, offset), "");
  return cg_gep(f, f->mem0_base, ea);
}

static cg_result load(cg_func *f, const wasm_instr *in) {
  mem_access a;
  describe(in->op, &a);
  LLVMValueRef addr = cg_pop(f);
  if (!addr || !f->mem0_base)
    return cg_fail(f, "load without memory"), CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef vt = value_type(f, &a);
  LLVMTypeRef mt =
      a.is_float ? vt : LLVMIntTypeInContext(f->cm->ctx, a.bytes * 8);
  LLVMValueRef v =
      LLVMBuildLoad2(b, mt, address(f, addr, in->imm.memarg.offset), "");
  LLVMSetAlignment(v, 1);
  if (!cg_version_tag(f, v))
    return CG_ERROR;
  if (mt != vt)
    v = a.is_signed ? LLVMBuildSExt(b, v, vt, "") : LLVMBuildZExt(b, v, vt, "");
  return cg_push(f, v) ? CG_OK : CG_ERROR;
}

static cg_result store(cg_func *f, const wasm_instr *in) {
  mem_access a;
  describe(in->op, &a);
  LLVMValueRef v = cg_pop(f), addr = cg_pop(f);
  if (!addr || !v || !f->mem0_base)
    return cg_fail(f, "store without memory"), CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  if (!a.is_float && a.bytes * 8 < LLVMGetIntTypeWidth(LLVMTypeOf(v)))
    v = LLVMBuildTrunc(b, v, LLVMIntTypeInContext(f->cm->ctx, a.bytes * 8), "");
  LLVMValueRef st =
      LLVMBuildStore(b, v, address(f, addr, in->imm.memarg.offset));
  LLVMSetAlignment(st, 1);
  return cg_version_tag(f, st) ? CG_OK : CG_ERROR;
}

/* memories[i] is fixed after instantiation; its size field is not (memory
 * 0 may be shared and grown by another instance). */
static LLVMValueRef memory_struct(cg_func *f, uint32_t mem) {
  return cg_load_instance_entry(f, offsetof(wasmrt_vmctx, memories),
                                wasm_module_num_all_memories(f->cm->m), mem,
                                sizeof(wasmrt_memory));
}

LLVMValueRef cg_memory_bytes(cg_func *f, uint32_t mem) {
  return cg_load_field(f, f->cm->t_i64, memory_struct(f, mem),
                       offsetof(wasmrt_memory, size), false);
}

static cg_result memory_size(cg_func *f, uint32_t mem) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef size = cg_memory_bytes(f, mem);
  LLVMValueRef pages = LLVMBuildLShr(b, size, cg_i64(f, 16), "");
  return cg_push(f, LLVMBuildTrunc(b, pages, f->cm->t_i32, "")) ? CG_OK
                                                                : CG_ERROR;
}

static cg_result memory_grow(cg_func *f, uint32_t mem) {
  LLVMValueRef delta = cg_pop(f);
  if (!delta)
    return CG_ERROR;
  cg_module *cm = f->cm;
  LLVMTypeRef ps[3] = {cm->t_ptr, cm->t_i32, cm->t_i32};
  LLVMValueRef args[3] = {f->vmctx, cg_i32(f, mem), delta};
  LLVMValueRef r = cg_call_builtin(f, offsetof(wasmrt_builtins, memory_grow),
                                   cm->t_i32, ps, args, 3);
  return cg_push(f, r) ? CG_OK : CG_ERROR;
}

cg_result cg_memory(cg_func *f, const wasm_instr *in) {
  wasm_opcode op = in->op;
  if (op >= WASM_OP_I32_LOAD && op <= WASM_OP_I64_LOAD32_U)
    return load(f, in);
  if (op >= WASM_OP_I32_STORE && op <= WASM_OP_I64_STORE32)
    return store(f, in);
  if (op == WASM_OP_MEMORY_SIZE)
    return memory_size(f, in->imm.index);
  if (op == WASM_OP_MEMORY_GROW)
    return memory_grow(f, in->imm.index);
  return CG_UNHANDLED;
}
