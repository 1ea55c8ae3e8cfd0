/* codegen_float.c — f32/f64 arithmetic and every conversion between
 * numeric types: trapping float->int truncation with explicit range
 * checks, saturating truncation, int->float, demote/promote, reinterpret. */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

#include <string.h>

static cg_result push(cg_func *f, LLVMValueRef v) {
  return cg_push(f, v) ? CG_OK : CG_ERROR;
}

static LLVMValueRef pop1(cg_func *f) {
  LLVMValueRef v = cg_pop(f);
  if (!v)
    cg_fail(f, "operand stack underflow");
  return v;
}

static cg_result compare(cg_func *f, LLVMRealPredicate p) {
  LLVMValueRef b = cg_pop(f), a = cg_pop(f);
  if (!a || !b)
    return CG_ERROR;
  LLVMValueRef c = LLVMBuildFCmp(f->cm->b, p, a, b, "");
  return push(f, LLVMBuildZExt(f->cm->b, c, f->cm->t_i32, ""));
}

static cg_result unary_intrinsic(cg_func *f, const char *name) {
  LLVMValueRef a = pop1(f);
  if (!a)
    return CG_ERROR;
  LLVMTypeRef t = LLVMTypeOf(a);
  return push(f, cg_intrinsic(f, name, &t, 1, &a, 1));
}

static cg_result binary_intrinsic(cg_func *f, const char *name) {
  LLVMValueRef b = cg_pop(f), a = cg_pop(f);
  if (!a || !b)
    return CG_ERROR;
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef args[2] = {a, b};
  return push(f, cg_intrinsic(f, name, &t, 1, args, 2));
}

/* min/max: llvm.minimum/maximum get NaN propagation and -0 < +0 right, but
 * x86 lowering may hand back a signalling NaN operand unchanged, while wasm
 * requires an arithmetic (quiet) NaN. When either operand is NaN the result
 * is a + b instead, which the FPU quiets. */
static cg_result min_max(cg_func *f, const char *name) {
  LLVMValueRef b = cg_pop(f), a = cg_pop(f);
  if (!a || !b)
    return CG_ERROR;
  LLVMBuilderRef bld = f->cm->b;
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef args[2] = {a, b};
  LLVMValueRef r = cg_intrinsic(f, name, &t, 1, args, 2);
  LLVMValueRef uno = LLVMBuildFCmp(bld, LLVMRealUNO, a, b, "");
  LLVMValueRef nan = LLVMBuildFAdd(bld, a, b, "");
  return push(f, LLVMBuildSelect(bld, uno, nan, r, ""));
}

/* Passes v through an empty inline asm: the same value at run time, but
 * one the optimizer cannot see through. LLVM's default FP model ignores
 * NaN payloads and signalling, so InstCombine rewrites x - 0.0, x * 1.0,
 * x / -1.0, -0.0 - x or demote(promote(x)) into x (or fneg x), which
 * returns a signalling NaN where wasm requires an arithmetic one. */
static LLVMValueRef opaque(cg_func *f, LLVMValueRef v) {
  LLVMTypeRef t = LLVMTypeOf(v);
  LLVMTypeRef fnty = LLVMFunctionType(t, &t, 1, 0);
  static const char constraints[] = "=x,0";
  LLVMValueRef asm_fn =
      LLVMGetInlineAsm(fnty, "", 0, constraints, sizeof constraints - 1, 0, 0,
                       LLVMInlineAsmDialectATT, 0);
  return LLVMBuildCall2(f->cm->b, fnty, asm_fn, &v, 1, "");
}

/* Constants that make an arithmetic op an identity (or a negation). */
static LLVMValueRef hide_identity(cg_func *f, LLVMValueRef v) {
  LLVMBool loses = 0;
  if (!LLVMIsAConstantFP(v))
    return v;
  double d = LLVMConstRealGetDouble(v, &loses);
  return d == 0.0 || d == 1.0 || d == -1.0 ? opaque(f, v) : v;
}

static cg_result binop(cg_func *f, LLVMOpcode opc) {
  LLVMValueRef b = cg_pop(f), a = cg_pop(f);
  if (!a || !b)
    return CG_ERROR;
  a = hide_identity(f, a);
  b = hide_identity(f, b);
  return push(f, LLVMBuildBinOp(f->cm->b, opc, a, b, ""));
}

/* Relative row numbers, shared by f32 and f64 (the table runs parallel). */
static cg_result float_arith(cg_func *f, int rel) {
  switch (rel) {
  case 0:
    return unary_intrinsic(f, "llvm.fabs");
  case 1: {
    LLVMValueRef a = pop1(f);
    return a ? push(f, LLVMBuildFNeg(f->cm->b, a, "")) : CG_ERROR;
  }
  case 2:
    return unary_intrinsic(f, "llvm.ceil");
  case 3:
    return unary_intrinsic(f, "llvm.floor");
  case 4:
    return unary_intrinsic(f, "llvm.trunc");
  case 5:
    return unary_intrinsic(f, "llvm.roundeven");
  case 6:
    return unary_intrinsic(f, "llvm.sqrt");
  case 7:
    return binop(f, LLVMFAdd);
  case 8:
    return binop(f, LLVMFSub);
  case 9:
    return binop(f, LLVMFMul);
  case 10:
    return binop(f, LLVMFDiv);
  case 11:
    return min_max(f, "llvm.minimum");
  case 12:
    return min_max(f, "llvm.maximum");
  case 13:
    return binary_intrinsic(f, "llvm.copysign");
  default:
    return CG_UNHANDLED;
  }
}

static cg_result float_compare(cg_func *f, int rel) {
  /* eq and the orderings are false on NaN (ordered); ne is true (unordered). */
  static const LLVMRealPredicate preds[] = {
      LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
      LLVMRealOGT, LLVMRealOLE, LLVMRealOGE,
  };
  return compare(f, preds[rel]);
}

/* Range of a float->int truncation: values v with lo < v < hi (or lo <= v
 * when lo_incl) convert; NaN is "invalid conversion", the rest overflow.
 * The bounds are exactly representable in both float widths. */
typedef struct trunc_desc {
  bool is64, is_signed;
  double lo, hi;
  bool lo_incl;
} trunc_desc;

static trunc_desc trunc_range(bool dst64, bool is_signed, bool src64) {
  trunc_desc d = {dst64, is_signed, 0, 0, false};
  if (is_signed) {
    d.hi = dst64 ? 9223372036854775808.0 : 2147483648.0;
    /* -2^31 - 1 is representable only in f64; in f32 use -2^31 inclusive. */
    if (dst64 || !src64) {
      d.lo = dst64 ? -9223372036854775808.0 : -2147483648.0;
      d.lo_incl = true;
    } else {
      d.lo = -2147483649.0;
    }
  } else {
    d.hi = dst64 ? 18446744073709551616.0 : 4294967296.0;
    d.lo = -1.0;
  }
  return d;
}

static cg_result trunc_trapping(cg_func *f, bool dst64, bool is_signed) {
  LLVMValueRef a = pop1(f);
  if (!a)
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef ft = LLVMTypeOf(a);
  trunc_desc d = trunc_range(dst64, is_signed, ft == f->cm->t_f64);
  cg_trap_if(f, LLVMBuildFCmp(b, LLVMRealUNO, a, a, ""),
             WASMRT_TRAP_INVALID_CONVERSION);
  LLVMValueRef lo_ok = LLVMBuildFCmp(b, d.lo_incl ? LLVMRealOGE : LLVMRealOGT,
                                     a, LLVMConstReal(ft, d.lo), "");
  LLVMValueRef hi_ok =
      LLVMBuildFCmp(b, LLVMRealOLT, a, LLVMConstReal(ft, d.hi), "");
  LLVMValueRef in = LLVMBuildAnd(b, lo_ok, hi_ok, "");
  cg_trap_if(f, LLVMBuildNot(b, in, ""), WASMRT_TRAP_INT_OVERFLOW);
  LLVMTypeRef it = dst64 ? f->cm->t_i64 : f->cm->t_i32;
  return push(f, is_signed ? LLVMBuildFPToSI(b, a, it, "")
                           : LLVMBuildFPToUI(b, a, it, ""));
}

static cg_result trunc_sat(cg_func *f, bool dst64, bool is_signed) {
  LLVMValueRef a = pop1(f);
  if (!a)
    return CG_ERROR;
  LLVMTypeRef tys[2] = {dst64 ? f->cm->t_i64 : f->cm->t_i32, LLVMTypeOf(a)};
  return push(f,
              cg_intrinsic(f, is_signed ? "llvm.fptosi.sat" : "llvm.fptoui.sat",
                           tys, 2, &a, 1));
}

static cg_result cast(cg_func *f, LLVMOpcode opc, LLVMTypeRef to) {
  LLVMValueRef a = pop1(f);
  if (!a)
    return CG_ERROR;
  return push(f, LLVMBuildCast(f->cm->b, opc, a, to, ""));
}

static cg_result conversion(cg_func *f, wasm_opcode op) {
  cg_module *cm = f->cm;
  switch (op) {
  case WASM_OP_I32_TRUNC_F32_S:
  case WASM_OP_I32_TRUNC_F64_S:
    return trunc_trapping(f, false, true);
  case WASM_OP_I32_TRUNC_F32_U:
  case WASM_OP_I32_TRUNC_F64_U:
    return trunc_trapping(f, false, false);
  case WASM_OP_I64_TRUNC_F32_S:
  case WASM_OP_I64_TRUNC_F64_S:
    return trunc_trapping(f, true, true);
  case WASM_OP_I64_TRUNC_F32_U:
  case WASM_OP_I64_TRUNC_F64_U:
    return trunc_trapping(f, true, false);
  case WASM_OP_F32_CONVERT_I32_S:
  case WASM_OP_F32_CONVERT_I64_S:
    return cast(f, LLVMSIToFP, cm->t_f32);
  case WASM_OP_F32_CONVERT_I32_U:
  case WASM_OP_F32_CONVERT_I64_U:
    return cast(f, LLVMUIToFP, cm->t_f32);
  case WASM_OP_F64_CONVERT_I32_S:
  case WASM_OP_F64_CONVERT_I64_S:
    return cast(f, LLVMSIToFP, cm->t_f64);
  case WASM_OP_F64_CONVERT_I32_U:
  case WASM_OP_F64_CONVERT_I64_U:
    return cast(f, LLVMUIToFP, cm->t_f64);
  case WASM_OP_F32_DEMOTE_F64: {
    /* demote(promote(x)) would fold to x, keeping a signalling NaN. */
    LLVMValueRef v = pop1(f);
    if (!v || !cg_push(f, LLVMIsAFPExtInst(v) ? opaque(f, v) : v))
      return CG_ERROR;
    return cast(f, LLVMFPTrunc, cm->t_f32);
  }
  case WASM_OP_F64_PROMOTE_F32:
    return cast(f, LLVMFPExt, cm->t_f64);
  case WASM_OP_I32_REINTERPRET_F32:
    return cast(f, LLVMBitCast, cm->t_i32);
  case WASM_OP_I64_REINTERPRET_F64:
    return cast(f, LLVMBitCast, cm->t_i64);
  case WASM_OP_F32_REINTERPRET_I32:
    return cast(f, LLVMBitCast, cm->t_f32);
  case WASM_OP_F64_REINTERPRET_I64:
    return cast(f, LLVMBitCast, cm->t_f64);
  default:
    break;
  }
  if (op >= WASM_OP_I32_TRUNC_SAT_F32_S && op <= WASM_OP_I64_TRUNC_SAT_F64_U) {
    int rel = (int)op - WASM_OP_I32_TRUNC_SAT_F32_S;
    return trunc_sat(f, rel >= 4, (rel & 1) == 0);
  }
  return CG_UNHANDLED;
}

static cg_result constant(cg_func *f, const wasm_instr *in) {
  if (in->op == WASM_OP_F32_CONST) {
    LLVMValueRef bits = cg_i32(f, in->imm.f32_bits);
    return push(f, LLVMConstBitCast(bits, f->cm->t_f32));
  }
  LLVMValueRef bits = cg_i64(f, in->imm.f64_bits);
  return push(f, LLVMConstBitCast(bits, f->cm->t_f64));
}

cg_result cg_float(cg_func *f, const wasm_instr *in) {
  wasm_opcode op = in->op;
  if (op == WASM_OP_F32_CONST || op == WASM_OP_F64_CONST)
    return constant(f, in);
  if (op >= WASM_OP_F32_EQ && op <= WASM_OP_F32_GE)
    return float_compare(f, (int)op - WASM_OP_F32_EQ);
  if (op >= WASM_OP_F64_EQ && op <= WASM_OP_F64_GE)
    return float_compare(f, (int)op - WASM_OP_F64_EQ);
  if (op >= WASM_OP_F32_ABS && op <= WASM_OP_F32_COPYSIGN)
    return float_arith(f, (int)op - WASM_OP_F32_ABS);
  if (op >= WASM_OP_F64_ABS && op <= WASM_OP_F64_COPYSIGN)
    return float_arith(f, (int)op - WASM_OP_F64_ABS);
  return conversion(f, op);
}
