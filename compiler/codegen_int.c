/* codegen_int.c — i32/i64 constants, comparisons and arithmetic, with the
 * exact wasm semantics: trapping division, shift counts modulo the width,
 * rotates via funnel shifts, and bit counts defined at zero. */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

static LLVMTypeRef int_type(cg_func *f, bool is64) {
  return is64 ? f->cm->t_i64 : f->cm->t_i32;
}

static cg_result push(cg_func *f, LLVMValueRef v) {
  return cg_push(f, v) ? CG_OK : CG_ERROR;
}

static bool pop2(cg_func *f, LLVMValueRef *a, LLVMValueRef *b) {
  *b = cg_pop(f);
  *a = cg_pop(f);
  return (*a && *b) || cg_fail(f, "operand stack underflow");
}

static cg_result compare(cg_func *f, LLVMIntPredicate p) {
  LLVMValueRef a, b;
  if (!pop2(f, &a, &b))
    return CG_ERROR;
  LLVMBuilderRef bd = f->cm->b;
  LLVMValueRef c = LLVMBuildICmp(bd, p, a, b, "");
  return push(f, LLVMBuildZExt(bd, c, f->cm->t_i32, ""));
}

static cg_result eqz(cg_func *f) {
  LLVMValueRef a = cg_pop(f);
  if (!a)
    return CG_ERROR;
  LLVMBuilderRef bd = f->cm->b;
  LLVMValueRef c =
      LLVMBuildICmp(bd, LLVMIntEQ, a, LLVMConstNull(LLVMTypeOf(a)), "");
  return push(f, LLVMBuildZExt(bd, c, f->cm->t_i32, ""));
}

/* clz/ctz with is_zero_poison = false: wasm defines them at zero. */
static cg_result bitcount(cg_func *f, const char *name, bool has_flag) {
  LLVMValueRef a = cg_pop(f);
  if (!a)
    return CG_ERROR;
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef args[2] = {a, LLVMConstInt(f->cm->t_i1, 0, false)};
  return push(f, cg_intrinsic(f, name, &t, 1, args, has_flag ? 2 : 1));
}

static LLVMValueRef is_zero(cg_func *f, LLVMValueRef v) {
  return LLVMBuildICmp(f->cm->b, LLVMIntEQ, v, LLVMConstNull(LLVMTypeOf(v)),
                       "");
}

static LLVMValueRef is_all_ones(cg_func *f, LLVMValueRef v) {
  return LLVMBuildICmp(f->cm->b, LLVMIntEQ, v, LLVMConstAllOnes(LLVMTypeOf(v)),
                       "");
}

/* div_s traps on zero and on INT_MIN / -1; rem_s yields 0 for x % -1
 * (computed as x % 1, so the LLVM srem never sees the overflowing pair). */
static cg_result divrem(cg_func *f, wasm_opcode op) {
  LLVMValueRef a, b;
  if (!pop2(f, &a, &b))
    return CG_ERROR;
  LLVMBuilderRef bd = f->cm->b;
  LLVMTypeRef t = LLVMTypeOf(a);
  unsigned bits = LLVMGetIntTypeWidth(t);
  cg_trap_if(f, is_zero(f, b), WASMRT_TRAP_INT_DIV_ZERO);
  switch (op) {
  case WASM_OP_I32_DIV_S:
  case WASM_OP_I64_DIV_S: {
    LLVMValueRef min = LLVMConstInt(t, 1ull << (bits - 1), false);
    LLVMValueRef ovf = LLVMBuildAnd(
        bd, LLVMBuildICmp(bd, LLVMIntEQ, a, min, ""), is_all_ones(f, b), "");
    cg_trap_if(f, ovf, WASMRT_TRAP_INT_OVERFLOW);
    return push(f, LLVMBuildSDiv(bd, a, b, ""));
  }
  case WASM_OP_I32_REM_S:
  case WASM_OP_I64_REM_S: {
    LLVMValueRef safe = LLVMBuildSelect(bd, is_all_ones(f, b),
                                        LLVMConstInt(t, 1, false), b, "");
    return push(f, LLVMBuildSRem(bd, a, safe, ""));
  }
  case WASM_OP_I32_DIV_U:
  case WASM_OP_I64_DIV_U:
    return push(f, LLVMBuildUDiv(bd, a, b, ""));
  default:
    return push(f, LLVMBuildURem(bd, a, b, ""));
  }
}

static cg_result shift(cg_func *f, LLVMOpcode opc) {
  LLVMValueRef a, b;
  if (!pop2(f, &a, &b))
    return CG_ERROR;
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef mask = LLVMConstInt(t, LLVMGetIntTypeWidth(t) - 1, false);
  LLVMValueRef n = LLVMBuildAnd(f->cm->b, b, mask, "");
  return push(f, LLVMBuildBinOp(f->cm->b, opc, a, n, ""));
}

/* rotl(x, n) = fshl(x, x, n); the intrinsic takes n modulo the width. */
static cg_result rotate(cg_func *f, const char *name) {
  LLVMValueRef a, b;
  if (!pop2(f, &a, &b))
    return CG_ERROR;
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef args[3] = {a, a, b};
  return push(f, cg_intrinsic(f, name, &t, 1, args, 3));
}

static cg_result binop(cg_func *f, LLVMOpcode opc) {
  LLVMValueRef a, b;
  if (!pop2(f, &a, &b))
    return CG_ERROR;
  return push(f, LLVMBuildBinOp(f->cm->b, opc, a, b, ""));
}

/* Sign-extends the low `bits` of the top value in place. */
static cg_result sext_low(cg_func *f, unsigned bits) {
  LLVMValueRef a = cg_pop(f);
  if (!a)
    return CG_ERROR;
  LLVMBuilderRef bd = f->cm->b;
  LLVMTypeRef narrow = LLVMIntTypeInContext(f->cm->ctx, bits);
  LLVMValueRef t = LLVMBuildTrunc(bd, a, narrow, "");
  return push(f, LLVMBuildSExt(bd, t, LLVMTypeOf(a), ""));
}

static cg_result convert(cg_func *f, wasm_opcode op) {
  LLVMValueRef a = cg_pop(f);
  if (!a)
    return CG_ERROR;
  LLVMBuilderRef bd = f->cm->b;
  switch (op) {
  case WASM_OP_I32_WRAP_I64:
    return push(f, LLVMBuildTrunc(bd, a, f->cm->t_i32, ""));
  case WASM_OP_I64_EXTEND_I32_S:
    return push(f, LLVMBuildSExt(bd, a, f->cm->t_i64, ""));
  default:
    return push(f, LLVMBuildZExt(bd, a, f->cm->t_i64, ""));
  }
}

/* The i32 and i64 rows of the opcode table run in parallel; `rel` is the
 * offset of an opcode from its width's first binary/compare row. */
static cg_result int_binary(cg_func *f, wasm_opcode op, bool is64) {
  int rel = is64 ? (int)op - WASM_OP_I64_ADD : (int)op - WASM_OP_I32_ADD;
  switch (rel) {
  case 0:
    if (binop(f, LLVMAdd) != CG_OK)
      return CG_ERROR;
    if (!is64)
      cg_version_mark_add(f, cg_peek(f, 0));
    return CG_OK;
  case 1:
    return binop(f, LLVMSub);
  case 2:
    return binop(f, LLVMMul);
  case 3:
  case 4:
  case 5:
  case 6:
    return divrem(f, op);
  case 7:
    return binop(f, LLVMAnd);
  case 8:
    return binop(f, LLVMOr);
  case 9:
    return binop(f, LLVMXor);
  case 10:
    return shift(f, LLVMShl);
  case 11:
    return shift(f, LLVMAShr);
  case 12:
    return shift(f, LLVMLShr);
  case 13:
    return rotate(f, "llvm.fshl");
  case 14:
    return rotate(f, "llvm.fshr");
  default:
    return CG_UNHANDLED;
  }
}

static cg_result int_compare(cg_func *f, wasm_opcode op, bool is64) {
  static const LLVMIntPredicate preds[] = {
      LLVMIntEQ,  LLVMIntNE,  LLVMIntSLT, LLVMIntULT, LLVMIntSGT,
      LLVMIntUGT, LLVMIntSLE, LLVMIntULE, LLVMIntSGE, LLVMIntUGE,
  };
  int rel = is64 ? (int)op - WASM_OP_I64_EQ : (int)op - WASM_OP_I32_EQ;
  if (rel < 0 || rel >= 10)
    return CG_UNHANDLED;
  return compare(f, preds[rel]);
}

static cg_result int_unary(cg_func *f, wasm_opcode op) {
  switch (op) {
  case WASM_OP_I32_EQZ:
  case WASM_OP_I64_EQZ:
    return eqz(f);
  case WASM_OP_I32_CLZ:
  case WASM_OP_I64_CLZ:
    return bitcount(f, "llvm.ctlz", true);
  case WASM_OP_I32_CTZ:
  case WASM_OP_I64_CTZ:
    return bitcount(f, "llvm.cttz", true);
  case WASM_OP_I32_POPCNT:
  case WASM_OP_I64_POPCNT:
    return bitcount(f, "llvm.ctpop", false);
  case WASM_OP_I32_EXTEND8_S:
  case WASM_OP_I64_EXTEND8_S:
    return sext_low(f, 8);
  case WASM_OP_I32_EXTEND16_S:
  case WASM_OP_I64_EXTEND16_S:
    return sext_low(f, 16);
  case WASM_OP_I64_EXTEND32_S:
    return sext_low(f, 32);
  case WASM_OP_I32_WRAP_I64:
  case WASM_OP_I64_EXTEND_I32_S:
  case WASM_OP_I64_EXTEND_I32_U:
    return convert(f, op);
  default:
    return CG_UNHANDLED;
  }
}

cg_result cg_int(cg_func *f, const wasm_instr *in) {
  wasm_opcode op = in->op;
  if (op == WASM_OP_I32_CONST)
    return push(f,
                LLVMConstInt(int_type(f, false), (uint32_t)in->imm.i32, false));
  if (op == WASM_OP_I64_CONST)
    return push(f,
                LLVMConstInt(int_type(f, true), (uint64_t)in->imm.i64, false));
  if (op >= WASM_OP_I32_EQ && op <= WASM_OP_I32_GE_U)
    return int_compare(f, op, false);
  if (op >= WASM_OP_I64_EQ && op <= WASM_OP_I64_GE_U)
    return int_compare(f, op, true);
  if (op >= WASM_OP_I32_ADD && op <= WASM_OP_I32_ROTR)
    return int_binary(f, op, false);
  if (op >= WASM_OP_I64_ADD && op <= WASM_OP_I64_ROTR)
    return int_binary(f, op, true);
  return int_unary(f, op);
}
