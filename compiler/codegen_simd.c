/* codegen_simd.c — the 236 fixed-width SIMD instructions (prefix 0xFD).
 *
 * A v128 lives on the operand stack, in locals, globals, phis and calls as
 * one canonical LLVM type, <2 x i64> (cm->t_v128, the ABI's type). Each
 * instruction bitcasts its operands to the lane shape it works on and its
 * result back; bitcasts are free and LLVM folds the chains.
 *
 * Where LLVM's generic operation differs from the wasm semantics the
 * lowering says so: shift counts are masked to the lane width, min/max use
 * llvm.minimum/maximum (NaN-propagating, -0 < +0), pmin/pmax are the
 * spec's selects, trunc_sat uses llvm.fpto[su]i.sat, swizzle zeroes lanes
 * whose index is >= 16. Memory accesses are addressed like the scalar ones
 * (codegen_memory.c): base + zext(addr) + offset, align 1, no bounds check.
 */
#include "codegen_internal.h"

#include <string.h>

/* Lane shapes; the order matches the opcode table's i8/i16/i32/i64 rows. */
typedef enum simd_shape { S_I8, S_I16, S_I32, S_I64, S_F32, S_F64 } simd_shape;

static const unsigned shape_lanes[] = {16, 8, 4, 2, 4, 2};
static const unsigned shape_bits[] = {8, 16, 32, 64, 32, 64};

static LLVMTypeRef lane_type(cg_func *f, simd_shape s) {
  cg_module *cm = f->cm;
  switch (s) {
  case S_F32:
    return cm->t_f32;
  case S_F64:
    return cm->t_f64;
  default:
    return LLVMIntTypeInContext(cm->ctx, shape_bits[s]);
  }
}

static LLVMTypeRef vec_type(cg_func *f, simd_shape s) {
  return LLVMVectorType(lane_type(f, s), shape_lanes[s]);
}

/* A vector of `n` lanes of integer type `bits` (for widened temporaries). */
static LLVMTypeRef ivec(cg_func *f, unsigned bits, unsigned n) {
  return LLVMVectorType(LLVMIntTypeInContext(f->cm->ctx, bits), n);
}

static LLVMValueRef as(cg_func *f, LLVMValueRef v, LLVMTypeRef t) {
  return LLVMTypeOf(v) == t ? v : LLVMBuildBitCast(f->cm->b, v, t, "");
}

static cg_result push_v(cg_func *f, LLVMValueRef v) {
  return cg_push(f, as(f, v, f->cm->t_v128)) ? CG_OK : CG_ERROR;
}

static cg_result push_s(cg_func *f, LLVMValueRef v) {
  return cg_push(f, v) ? CG_OK : CG_ERROR;
}

/* Pops n operands into out[0..n) (out[n-1] = top); false on underflow,
 * which validation rules out, so it only guards against a validator bug. */
static bool pop_n(cg_func *f, LLVMValueRef *out, unsigned n) {
  for (unsigned i = n; i-- > 0;)
    if (!(out[i] = cg_pop(f)))
      return cg_fail(f, "operand stack underflow");
  return true;
}

static LLVMValueRef splat_const(cg_func *f, LLVMTypeRef elt, unsigned n,
                                uint64_t v) {
  unsigned w = LLVMGetIntTypeWidth(elt);
  if (w < 64)
    v &= (1ull << w) - 1;
  LLVMValueRef e[16];
  for (unsigned i = 0; i < n; i++)
    e[i] = LLVMConstInt(elt, v, false);
  return LLVMConstVector(e, n);
}

/* shufflevector with lanes first, first+step, ... (n of them). */
static LLVMValueRef shuffle_seq(cg_func *f, LLVMValueRef a, LLVMValueRef b,
                                unsigned first, unsigned step, unsigned n) {
  LLVMValueRef mask[16];
  for (unsigned i = 0; i < n; i++)
    mask[i] = cg_i32(f, first + i * step);
  return LLVMBuildShuffleVector(f->cm->b, a, b, LLVMConstVector(mask, n), "");
}

static LLVMValueRef splat(cg_func *f, LLVMValueRef x, unsigned n) {
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef vt = LLVMVectorType(LLVMTypeOf(x), n);
  LLVMValueRef v =
      LLVMBuildInsertElement(b, LLVMGetPoison(vt), x, cg_i32(f, 0), "");
  LLVMValueRef zeros[16];
  for (unsigned i = 0; i < n; i++)
    zeros[i] = cg_i32(f, 0);
  return LLVMBuildShuffleVector(b, v, LLVMGetPoison(vt),
                                LLVMConstVector(zeros, n), "");
}

static LLVMValueRef call1(cg_func *f, const char *name, LLVMValueRef a) {
  LLVMTypeRef t = LLVMTypeOf(a);
  return cg_intrinsic(f, name, &t, 1, &a, 1);
}

static LLVMValueRef call2(cg_func *f, const char *name, LLVMValueRef a,
                          LLVMValueRef b) {
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef args[2] = {a, b};
  return cg_intrinsic(f, name, &t, 1, args, 2);
}

/* ------------------------------------------------------------- memory */

static LLVMValueRef address(cg_func *f, LLVMValueRef addr, uint32_t offset) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef ea = LLVMBuildZExt(b, addr, f->cm->t_i64, "");
  if (offset)
    ea = LLVMBuildAdd(b, ea, cg_i64(f, offset), "");
  return cg_gep(f, f->mem0_base, ea);
}

static LLVMValueRef load_at(cg_func *f, LLVMTypeRef t, LLVMValueRef addr,
                            uint32_t offset) {
  LLVMValueRef v = LLVMBuildLoad2(f->cm->b, t, address(f, addr, offset), "");
  LLVMSetAlignment(v, 1);
  return v;
}

static void store_at(cg_func *f, LLVMValueRef v, LLVMValueRef addr,
                     uint32_t offset) {
  LLVMSetAlignment(LLVMBuildStore(f->cm->b, v, address(f, addr, offset)), 1);
}

static bool need_memory(cg_func *f) {
  return f->mem0_base || cg_fail(f, "SIMD memory access without memory");
}

/* v128.load8x8_s ... load32x2_u: 64 bits, each half-width lane extended. */
static cg_result load_extend(cg_func *f, const wasm_instr *in) {
  unsigned rel = in->op - WASM_OP_V128_LOAD8X8_S;
  unsigned bits = 8u << (rel / 2), n = 64 / bits;
  bool sign = rel % 2 == 0;
  LLVMValueRef addr;
  if (!pop_n(f, &addr, 1) || !need_memory(f))
    return CG_ERROR;
  LLVMValueRef v = load_at(f, ivec(f, bits, n), addr, in->imm.memarg.offset);
  LLVMTypeRef wide = ivec(f, bits * 2, n);
  LLVMBuilderRef b = f->cm->b;
  return push_v(f, sign ? LLVMBuildSExt(b, v, wide, "")
                        : LLVMBuildZExt(b, v, wide, ""));
}

static cg_result load_splat(cg_func *f, const wasm_instr *in) {
  unsigned bits = 8u << (in->op - WASM_OP_V128_LOAD8_SPLAT);
  LLVMValueRef addr;
  if (!pop_n(f, &addr, 1) || !need_memory(f))
    return CG_ERROR;
  LLVMTypeRef t = LLVMIntTypeInContext(f->cm->ctx, bits);
  return push_v(
      f, splat(f, load_at(f, t, addr, in->imm.memarg.offset), 128 / bits));
}

static cg_result load_zero(cg_func *f, const wasm_instr *in) {
  unsigned bits = in->op == WASM_OP_V128_LOAD32_ZERO ? 32 : 64;
  LLVMValueRef addr;
  if (!pop_n(f, &addr, 1) || !need_memory(f))
    return CG_ERROR;
  LLVMTypeRef t = LLVMIntTypeInContext(f->cm->ctx, bits);
  LLVMValueRef x = load_at(f, t, addr, in->imm.memarg.offset);
  LLVMValueRef z = LLVMConstNull(ivec(f, bits, 128 / bits));
  return push_v(f, LLVMBuildInsertElement(f->cm->b, z, x, cg_i32(f, 0), ""));
}

static cg_result load_store_lane(cg_func *f, const wasm_instr *in) {
  bool is_load = in->op <= WASM_OP_V128_LOAD64_LANE;
  unsigned rel =
      in->op - (is_load ? WASM_OP_V128_LOAD8_LANE : WASM_OP_V128_STORE8_LANE);
  simd_shape s = (simd_shape)rel;
  LLVMValueRef ops[2]; /* addr, vector */
  if (!pop_n(f, ops, 2) || !need_memory(f))
    return CG_ERROR;
  LLVMValueRef v = as(f, ops[1], vec_type(f, s));
  LLVMValueRef lane = cg_i32(f, in->imm.mem_lane.lane);
  uint32_t off = in->imm.mem_lane.memarg.offset;
  LLVMBuilderRef b = f->cm->b;
  if (is_load) {
    LLVMValueRef x = load_at(f, lane_type(f, s), ops[0], off);
    return push_v(f, LLVMBuildInsertElement(b, v, x, lane, ""));
  }
  store_at(f, LLVMBuildExtractElement(b, v, lane, ""), ops[0], off);
  return CG_OK;
}

static cg_result simd_memory(cg_func *f, const wasm_instr *in) {
  wasm_opcode op = in->op;
  LLVMValueRef ops[2];
  switch (op) {
  case WASM_OP_V128_LOAD:
    if (!pop_n(f, ops, 1) || !need_memory(f))
      return CG_ERROR;
    return push_v(f, load_at(f, f->cm->t_v128, ops[0], in->imm.memarg.offset));
  case WASM_OP_V128_STORE:
    if (!pop_n(f, ops, 2) || !need_memory(f))
      return CG_ERROR;
    store_at(f, ops[1], ops[0], in->imm.memarg.offset);
    return CG_OK;
  case WASM_OP_V128_LOAD32_ZERO:
  case WASM_OP_V128_LOAD64_ZERO:
    return load_zero(f, in);
  default:
    break;
  }
  if (op >= WASM_OP_V128_LOAD8X8_S && op <= WASM_OP_V128_LOAD32X2_U)
    return load_extend(f, in);
  if (op >= WASM_OP_V128_LOAD8_SPLAT && op <= WASM_OP_V128_LOAD64_SPLAT)
    return load_splat(f, in);
  if (op >= WASM_OP_V128_LOAD8_LANE && op <= WASM_OP_V128_STORE64_LANE)
    return load_store_lane(f, in);
  return CG_UNHANDLED;
}

/* ------------------------------------------- constants, lanes, shuffles */

static cg_result v128_const(cg_func *f, const uint8_t bytes[16]) {
  LLVMValueRef e[2];
  for (unsigned h = 0; h < 2; h++) {
    uint64_t x = 0;
    for (unsigned i = 0; i < 8; i++)
      x |= (uint64_t)bytes[h * 8 + i] << (8 * i);
    e[h] = cg_i64(f, x);
  }
  return push_v(f, LLVMConstVector(e, 2));
}

static cg_result shuffle(cg_func *f, const uint8_t idx[16]) {
  LLVMValueRef ops[2], mask[16];
  if (!pop_n(f, ops, 2))
    return CG_ERROR;
  /* The validator bounds the indices to < 32; mask again so a validator
   * bug cannot make an invalid shufflevector. */
  for (unsigned i = 0; i < 16; i++)
    mask[i] = cg_i32(f, idx[i] & 31);
  LLVMTypeRef t = vec_type(f, S_I8);
  return push_v(f, LLVMBuildShuffleVector(f->cm->b, as(f, ops[0], t),
                                          as(f, ops[1], t),
                                          LLVMConstVector(mask, 16), ""));
}

/* swizzle: lane i = idx[i] < 16 ? a[idx[i]] : 0. Built as a variable
 * permute (extract with the index masked to 4 bits, then build_vector),
 * which the x86 back end turns into one pshufb, then a select for the
 * out-of-range lanes. */
static cg_result swizzle(cg_func *f) {
  LLVMValueRef ops[2];
  if (!pop_n(f, ops, 2))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef t = vec_type(f, S_I8);
  LLVMValueRef a = as(f, ops[0], t), idx = as(f, ops[1], t);
  LLVMValueRef m =
      LLVMBuildAnd(b, idx, splat_const(f, f->cm->t_i8, 16, 15), "");
  LLVMValueRef r = LLVMGetPoison(t);
  for (unsigned i = 0; i < 16; i++) {
    LLVMValueRef k = LLVMBuildExtractElement(b, m, cg_i32(f, i), "");
    LLVMValueRef x = LLVMBuildExtractElement(b, a, k, "");
    r = LLVMBuildInsertElement(b, r, x, cg_i32(f, i), "");
  }
  LLVMValueRef in_range = LLVMBuildICmp(
      b, LLVMIntULT, idx, splat_const(f, f->cm->t_i8, 16, 16), "");
  return push_v(f, LLVMBuildSelect(b, in_range, r, LLVMConstNull(t), ""));
}

static cg_result splat_op(cg_func *f, simd_shape s) {
  LLVMValueRef x;
  if (!pop_n(f, &x, 1))
    return CG_ERROR;
  if (s == S_I8 || s == S_I16)
    x = LLVMBuildTrunc(f->cm->b, x, lane_type(f, s), "");
  return push_v(f, splat(f, x, shape_lanes[s]));
}

/* Extract/replace rows come in per-shape groups starting at i8x16. */
static cg_result lane_op(cg_func *f, const wasm_instr *in) {
  static const struct {
    wasm_opcode op;
    simd_shape s;
    char kind; /* 's' signed extract, 'u' unsigned, 'e' plain, 'r' replace */
  } rows[] = {
      {WASM_OP_I8X16_EXTRACT_LANE_S, S_I8, 's'},
      {WASM_OP_I8X16_EXTRACT_LANE_U, S_I8, 'u'},
      {WASM_OP_I8X16_REPLACE_LANE, S_I8, 'r'},
      {WASM_OP_I16X8_EXTRACT_LANE_S, S_I16, 's'},
      {WASM_OP_I16X8_EXTRACT_LANE_U, S_I16, 'u'},
      {WASM_OP_I16X8_REPLACE_LANE, S_I16, 'r'},
      {WASM_OP_I32X4_EXTRACT_LANE, S_I32, 'e'},
      {WASM_OP_I32X4_REPLACE_LANE, S_I32, 'r'},
      {WASM_OP_I64X2_EXTRACT_LANE, S_I64, 'e'},
      {WASM_OP_I64X2_REPLACE_LANE, S_I64, 'r'},
      {WASM_OP_F32X4_EXTRACT_LANE, S_F32, 'e'},
      {WASM_OP_F32X4_REPLACE_LANE, S_F32, 'r'},
      {WASM_OP_F64X2_EXTRACT_LANE, S_F64, 'e'},
      {WASM_OP_F64X2_REPLACE_LANE, S_F64, 'r'},
  };
  unsigned k = 0;
  while (k < sizeof rows / sizeof *rows && rows[k].op != in->op)
    k++;
  if (k == sizeof rows / sizeof *rows)
    return CG_UNHANDLED;
  simd_shape s = rows[k].s;
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef lane = cg_i32(f, in->imm.lane % shape_lanes[s]);
  LLVMValueRef ops[2];
  if (rows[k].kind == 'r') {
    if (!pop_n(f, ops, 2))
      return CG_ERROR;
    LLVMValueRef x = ops[1];
    if (s == S_I8 || s == S_I16)
      x = LLVMBuildTrunc(b, x, lane_type(f, s), "");
    return push_v(f, LLVMBuildInsertElement(b, as(f, ops[0], vec_type(f, s)), x,
                                            lane, ""));
  }
  if (!pop_n(f, ops, 1))
    return CG_ERROR;
  LLVMValueRef x =
      LLVMBuildExtractElement(b, as(f, ops[0], vec_type(f, s)), lane, "");
  if (rows[k].kind == 's')
    x = LLVMBuildSExt(b, x, f->cm->t_i32, "");
  else if (rows[k].kind == 'u')
    x = LLVMBuildZExt(b, x, f->cm->t_i32, "");
  return push_s(f, x);
}

static cg_result simd_lanes(cg_func *f, const wasm_instr *in) {
  switch (in->op) {
  case WASM_OP_V128_CONST:
    return v128_const(f, in->imm.v128);
  case WASM_OP_I8X16_SHUFFLE:
    return shuffle(f, in->imm.shuffle);
  case WASM_OP_I8X16_SWIZZLE:
    return swizzle(f);
  case WASM_OP_I8X16_SPLAT:
  case WASM_OP_I16X8_SPLAT:
  case WASM_OP_I32X4_SPLAT:
  case WASM_OP_I64X2_SPLAT:
  case WASM_OP_F32X4_SPLAT:
  case WASM_OP_F64X2_SPLAT:
    return splat_op(f, (simd_shape)(in->op - WASM_OP_I8X16_SPLAT));
  default:
    return lane_op(f, in);
  }
}

/* ------------------------------------------------------------ compares */

/* Lane-wise compare: all-ones where it holds (sext of the i1 lane). */
static cg_result icmp(cg_func *f, simd_shape s, LLVMIntPredicate p) {
  LLVMValueRef ops[2];
  if (!pop_n(f, ops, 2))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef t = vec_type(f, s);
  LLVMValueRef c = LLVMBuildICmp(b, p, as(f, ops[0], t), as(f, ops[1], t), "");
  return push_v(f, LLVMBuildSExt(b, c, t, ""));
}

static cg_result fcmp(cg_func *f, simd_shape s, LLVMRealPredicate p) {
  LLVMValueRef ops[2];
  if (!pop_n(f, ops, 2))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef t = vec_type(f, s);
  LLVMValueRef c = LLVMBuildFCmp(b, p, as(f, ops[0], t), as(f, ops[1], t), "");
  return push_v(
      f, LLVMBuildSExt(b, c, vec_type(f, s == S_F32 ? S_I32 : S_I64), ""));
}

static cg_result simd_compare(cg_func *f, wasm_opcode op) {
  /* i8x16/i16x8/i32x4 rows: eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u. */
  static const LLVMIntPredicate ipred[10] = {
      LLVMIntEQ,  LLVMIntNE,  LLVMIntSLT, LLVMIntULT, LLVMIntSGT,
      LLVMIntUGT, LLVMIntSLE, LLVMIntULE, LLVMIntSGE, LLVMIntUGE};
  /* i64x2 rows: eq ne lt_s gt_s le_s ge_s. */
  static const LLVMIntPredicate i64pred[6] = {
      LLVMIntEQ, LLVMIntNE, LLVMIntSLT, LLVMIntSGT, LLVMIntSLE, LLVMIntSGE};
  /* float rows: eq ne lt gt le ge; ne is unordered (true for NaN). */
  static const LLVMRealPredicate fpred[6] = {LLVMRealOEQ, LLVMRealUNE,
                                             LLVMRealOLT, LLVMRealOGT,
                                             LLVMRealOLE, LLVMRealOGE};
  if (op >= WASM_OP_I8X16_EQ && op <= WASM_OP_I32X4_GE_U) {
    unsigned rel = op - WASM_OP_I8X16_EQ;
    return icmp(f, (simd_shape)(rel / 10), ipred[rel % 10]);
  }
  if (op >= WASM_OP_F32X4_EQ && op <= WASM_OP_F64X2_GE) {
    unsigned rel = op - WASM_OP_F32X4_EQ;
    return fcmp(f, rel < 6 ? S_F32 : S_F64, fpred[rel % 6]);
  }
  if (op >= WASM_OP_I64X2_EQ && op <= WASM_OP_I64X2_GE_S)
    return icmp(f, S_I64, i64pred[op - WASM_OP_I64X2_EQ]);
  return CG_UNHANDLED;
}

/* ------------------------------------------------------ bitwise, tests */

static cg_result bitwise(cg_func *f, wasm_opcode op) {
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef o[3];
  switch (op) {
  case WASM_OP_V128_NOT:
    return pop_n(f, o, 1) ? push_v(f, LLVMBuildNot(b, o[0], "")) : CG_ERROR;
  case WASM_OP_V128_AND:
    return pop_n(f, o, 2) ? push_v(f, LLVMBuildAnd(b, o[0], o[1], ""))
                          : CG_ERROR;
  case WASM_OP_V128_ANDNOT:
    return pop_n(f, o, 2)
               ? push_v(f, LLVMBuildAnd(b, o[0], LLVMBuildNot(b, o[1], ""), ""))
               : CG_ERROR;
  case WASM_OP_V128_OR:
    return pop_n(f, o, 2) ? push_v(f, LLVMBuildOr(b, o[0], o[1], ""))
                          : CG_ERROR;
  case WASM_OP_V128_XOR:
    return pop_n(f, o, 2) ? push_v(f, LLVMBuildXor(b, o[0], o[1], ""))
                          : CG_ERROR;
  case WASM_OP_V128_BITSELECT: {
    /* (a & c) | (b & ~c), as ((a ^ b) & c) ^ b: one fewer operation. */
    if (!pop_n(f, o, 3))
      return CG_ERROR;
    LLVMValueRef x = LLVMBuildXor(b, o[0], o[1], "");
    return push_v(f, LLVMBuildXor(b, LLVMBuildAnd(b, x, o[2], ""), o[1], ""));
  }
  case WASM_OP_V128_ANY_TRUE: {
    if (!pop_n(f, o, 1))
      return CG_ERROR;
    LLVMTypeRef i128 = LLVMIntTypeInContext(f->cm->ctx, 128);
    LLVMValueRef w = as(f, o[0], i128);
    LLVMValueRef c = LLVMBuildICmp(b, LLVMIntNE, w, LLVMConstNull(i128), "");
    return push_s(f, LLVMBuildZExt(b, c, f->cm->t_i32, ""));
  }
  default:
    return CG_UNHANDLED;
  }
}

/* all_true: every lane non-zero; bitmask: the lanes' sign bits. Both go
 * through an <N x i1> bitcast to iN (pcmpeq/pmovmskb on x86). */
static cg_result lane_test(cg_func *f, simd_shape s, bool bitmask) {
  LLVMValueRef v;
  if (!pop_n(f, &v, 1))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef t = vec_type(f, s);
  unsigned n = shape_lanes[s];
  LLVMTypeRef in = LLVMIntTypeInContext(f->cm->ctx, n);
  v = as(f, v, t);
  if (bitmask) {
    LLVMValueRef neg = LLVMBuildICmp(b, LLVMIntSLT, v, LLVMConstNull(t), "");
    return push_s(f, LLVMBuildZExt(b, as(f, neg, in), f->cm->t_i32, ""));
  }
  LLVMValueRef nz = LLVMBuildICmp(b, LLVMIntNE, v, LLVMConstNull(t), "");
  LLVMValueRef all =
      LLVMBuildICmp(b, LLVMIntEQ, as(f, nz, in), LLVMConstAllOnes(in), "");
  return push_s(f, LLVMBuildZExt(b, all, f->cm->t_i32, ""));
}

static cg_result simd_tests(cg_func *f, wasm_opcode op) {
  switch (op) {
  case WASM_OP_I8X16_ALL_TRUE:
    return lane_test(f, S_I8, false);
  case WASM_OP_I16X8_ALL_TRUE:
    return lane_test(f, S_I16, false);
  case WASM_OP_I32X4_ALL_TRUE:
    return lane_test(f, S_I32, false);
  case WASM_OP_I64X2_ALL_TRUE:
    return lane_test(f, S_I64, false);
  case WASM_OP_I8X16_BITMASK:
    return lane_test(f, S_I8, true);
  case WASM_OP_I16X8_BITMASK:
    return lane_test(f, S_I16, true);
  case WASM_OP_I32X4_BITMASK:
    return lane_test(f, S_I32, true);
  case WASM_OP_I64X2_BITMASK:
    return lane_test(f, S_I64, true);
  default:
    return bitwise(f, op);
  }
}

/* -------------------------------------------------------------- shifts */

/* The count is taken modulo the lane width, then splatted: LLVM selects
 * psllw/psrad/... with an xmm count for the i16/i32/i64 shapes. */
static cg_result shift(cg_func *f, simd_shape s, LLVMOpcode opc) {
  LLVMValueRef ops[2];
  if (!pop_n(f, ops, 2))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef n = LLVMBuildAnd(b, ops[1], cg_i32(f, shape_bits[s] - 1), "");
  LLVMTypeRef lt = lane_type(f, s);
  n = s == S_I64   ? LLVMBuildZExt(b, n, lt, "")
      : s == S_I32 ? n
                   : LLVMBuildTrunc(b, n, lt, "");
  LLVMValueRef v = as(f, ops[0], vec_type(f, s));
  return push_v(f, LLVMBuildBinOp(b, opc, v, splat(f, n, shape_lanes[s]), ""));
}

static cg_result simd_shift(cg_func *f, wasm_opcode op) {
  static const struct {
    wasm_opcode first;
    simd_shape s;
  } groups[] = {{WASM_OP_I8X16_SHL, S_I8},
                {WASM_OP_I16X8_SHL, S_I16},
                {WASM_OP_I32X4_SHL, S_I32},
                {WASM_OP_I64X2_SHL, S_I64}};
  static const LLVMOpcode opcs[3] = {LLVMShl, LLVMAShr, LLVMLShr};
  for (unsigned g = 0; g < 4; g++)
    if (op >= groups[g].first && op < groups[g].first + 3)
      return shift(f, groups[g].s, opcs[op - groups[g].first]);
  return CG_UNHANDLED;
}

/* ------------------------------------------------- integer arithmetic */

static cg_result ibinop(cg_func *f, simd_shape s, LLVMOpcode opc) {
  LLVMValueRef o[2];
  if (!pop_n(f, o, 2))
    return CG_ERROR;
  LLVMTypeRef t = vec_type(f, s);
  return push_v(
      f, LLVMBuildBinOp(f->cm->b, opc, as(f, o[0], t), as(f, o[1], t), ""));
}

static cg_result binary_intr(cg_func *f, simd_shape s, const char *name) {
  LLVMValueRef o[2];
  if (!pop_n(f, o, 2))
    return CG_ERROR;
  LLVMTypeRef t = vec_type(f, s);
  return push_v(f, call2(f, name, as(f, o[0], t), as(f, o[1], t)));
}

static cg_result unary_intr(cg_func *f, simd_shape s, const char *name) {
  LLVMValueRef o;
  if (!pop_n(f, &o, 1))
    return CG_ERROR;
  return push_v(f, call1(f, name, as(f, o, vec_type(f, s))));
}

static cg_result iabs(cg_func *f, simd_shape s) {
  LLVMValueRef o[2];
  if (!pop_n(f, o, 1))
    return CG_ERROR;
  LLVMTypeRef t = vec_type(f, s);
  o[0] = as(f, o[0], t);
  o[1] = LLVMConstInt(f->cm->t_i1, 0, false); /* INT_MIN stays INT_MIN */
  return push_v(f, cg_intrinsic(f, "llvm.abs", &t, 1, o, 2));
}

static cg_result ineg(cg_func *f, simd_shape s) {
  LLVMValueRef o;
  if (!pop_n(f, &o, 1))
    return CG_ERROR;
  return push_v(f, LLVMBuildNeg(f->cm->b, as(f, o, vec_type(f, s)), ""));
}

/* avgr_u: (a + b + 1) >> 1 without overflow, in twice the width (pavgb). */
static cg_result avgr_u(cg_func *f, simd_shape s) {
  LLVMValueRef o[2];
  if (!pop_n(f, o, 2))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  unsigned n = shape_lanes[s], w = shape_bits[s] * 2;
  LLVMTypeRef t = vec_type(f, s), wt = ivec(f, w, n);
  LLVMValueRef x = LLVMBuildZExt(b, as(f, o[0], t), wt, "");
  LLVMValueRef y = LLVMBuildZExt(b, as(f, o[1], t), wt, "");
  LLVMValueRef sum =
      LLVMBuildAdd(b, LLVMBuildAdd(b, x, y, ""),
                   splat_const(f, LLVMGetElementType(wt), n, 1), "");
  sum = LLVMBuildLShr(b, sum, splat_const(f, LLVMGetElementType(wt), n, 1), "");
  return push_v(f, LLVMBuildTrunc(b, sum, t, ""));
}

/* q15mulr_sat_s: (a * b + 0x4000) >> 15, saturated; only -32768 * -32768
 * overflows. */
static cg_result q15mulr(cg_func *f) {
  LLVMValueRef o[2];
  if (!pop_n(f, o, 2))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef t = vec_type(f, S_I16), wt = ivec(f, 32, 8);
  LLVMTypeRef i32 = f->cm->t_i32;
  LLVMValueRef x = LLVMBuildSExt(b, as(f, o[0], t), wt, "");
  LLVMValueRef y = LLVMBuildSExt(b, as(f, o[1], t), wt, "");
  LLVMValueRef p = LLVMBuildMul(b, x, y, "");
  p = LLVMBuildAdd(b, p, splat_const(f, i32, 8, 0x4000), "");
  p = LLVMBuildAShr(b, p, splat_const(f, i32, 8, 15), "");
  p = call2(f, "llvm.smin", p, splat_const(f, i32, 8, 0x7FFF));
  return push_v(f, LLVMBuildTrunc(b, p, t, ""));
}

/* Narrowing: both inputs concatenated, clamped to the target range (as
 * signed values, also for _u), truncated: packsswb/packuswb/packssdw/
 * packusdw on x86. */
static cg_result narrow(cg_func *f, simd_shape from, bool sign) {
  LLVMValueRef o[2];
  if (!pop_n(f, o, 2))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  unsigned n = shape_lanes[from], bits = shape_bits[from];
  LLVMTypeRef t = vec_type(f, from), et = lane_type(f, from);
  LLVMValueRef v = shuffle_seq(f, as(f, o[0], t), as(f, o[1], t), 0, 1, 2 * n);
  unsigned nb = bits / 2;
  uint64_t lo = sign ? (uint64_t) - (int64_t)(1ull << (nb - 1)) : 0;
  uint64_t hi = sign ? (1ull << (nb - 1)) - 1 : (1ull << nb) - 1;
  v = call2(f, "llvm.smax", v, splat_const(f, et, 2 * n, lo));
  v = call2(f, "llvm.smin", v, splat_const(f, et, 2 * n, hi));
  return push_v(f, LLVMBuildTrunc(b, v, ivec(f, nb, 2 * n), ""));
}

/* Half of the lanes (low or high) of `v` (shape s), extended to twice the
 * width. */
static LLVMValueRef extend_half(cg_func *f, LLVMValueRef v, simd_shape s,
                                bool high, bool sign) {
  LLVMBuilderRef b = f->cm->b;
  unsigned n = shape_lanes[s] / 2;
  LLVMValueRef h =
      shuffle_seq(f, as(f, v, vec_type(f, s)), LLVMGetPoison(vec_type(f, s)),
                  high ? n : 0, 1, n);
  LLVMTypeRef wt = ivec(f, shape_bits[s] * 2, n);
  return sign ? LLVMBuildSExt(b, h, wt, "") : LLVMBuildZExt(b, h, wt, "");
}

/* Rows of extend: low_s high_s low_u high_u (from shape s). */
static cg_result extend(cg_func *f, simd_shape s, unsigned rel) {
  LLVMValueRef o;
  if (!pop_n(f, &o, 1))
    return CG_ERROR;
  return push_v(f, extend_half(f, o, s, rel % 2 == 1, rel < 2));
}

/* Rows of extmul: low_s high_s low_u high_u. */
static cg_result extmul(cg_func *f, simd_shape s, unsigned rel) {
  LLVMValueRef o[2];
  if (!pop_n(f, o, 2))
    return CG_ERROR;
  bool high = rel % 2 == 1, sign = rel < 2;
  LLVMValueRef x = extend_half(f, o[0], s, high, sign);
  LLVMValueRef y = extend_half(f, o[1], s, high, sign);
  return push_v(f, LLVMBuildMul(f->cm->b, x, y, ""));
}

/* Even and odd lanes of a widened vector, added (pmaddwd / pmaddubsw-like
 * patterns for dot and extadd_pairwise). */
static LLVMValueRef add_pairs(cg_func *f, LLVMValueRef w, unsigned n) {
  LLVMValueRef p = LLVMGetPoison(LLVMTypeOf(w));
  return LLVMBuildAdd(f->cm->b, shuffle_seq(f, w, p, 0, 2, n / 2),
                      shuffle_seq(f, w, p, 1, 2, n / 2), "");
}

static cg_result extadd_pairwise(cg_func *f, simd_shape s, bool sign) {
  LLVMValueRef o;
  if (!pop_n(f, &o, 1))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  unsigned n = shape_lanes[s];
  LLVMTypeRef wt = ivec(f, shape_bits[s] * 2, n);
  LLVMValueRef v = as(f, o, vec_type(f, s));
  v = sign ? LLVMBuildSExt(b, v, wt, "") : LLVMBuildZExt(b, v, wt, "");
  return push_v(f, add_pairs(f, v, n));
}

static cg_result dot(cg_func *f) {
  LLVMValueRef o[2];
  if (!pop_n(f, o, 2))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef t = vec_type(f, S_I16), wt = ivec(f, 32, 8);
  LLVMValueRef x = LLVMBuildSExt(b, as(f, o[0], t), wt, "");
  LLVMValueRef y = LLVMBuildSExt(b, as(f, o[1], t), wt, "");
  return push_v(f, add_pairs(f, LLVMBuildMul(b, x, y, ""), 8));
}

/* Operations that exist for several integer shapes, by row offset from the
 * shape's `add` row (identical layout for i8x16 and i16x8 rows 0x6E..;
 * i32x4/i64x2 rows are listed explicitly). */
typedef struct iop_row {
  wasm_opcode op;
  simd_shape s;
  char kind; /* see int_row() */
  int arg;   /* LLVMOpcode or intrinsic index */
} iop_row;

static const char *const int_intrinsics[] = {
    "llvm.sadd.sat", "llvm.uadd.sat", "llvm.ssub.sat",
    "llvm.usub.sat", "llvm.smin",     "llvm.umin",
    "llvm.smax",     "llvm.umax",     "llvm.ctpop",
};

enum {
  II_SADD,
  II_UADD,
  II_SSUB,
  II_USUB,
  II_SMIN,
  II_UMIN,
  II_SMAX,
  II_UMAX,
  II_CTPOP
};

#define ROW(op, s, kind, arg)                                                  \
  { WASM_OP_##op, s, kind, arg }
static const iop_row int_rows[] = {
    ROW(I8X16_ABS, S_I8, 'a', 0),
    ROW(I8X16_NEG, S_I8, 'n', 0),
    ROW(I8X16_POPCNT, S_I8, 'u', II_CTPOP),
    ROW(I8X16_ADD, S_I8, 'b', LLVMAdd),
    ROW(I8X16_ADD_SAT_S, S_I8, 'i', II_SADD),
    ROW(I8X16_ADD_SAT_U, S_I8, 'i', II_UADD),
    ROW(I8X16_SUB, S_I8, 'b', LLVMSub),
    ROW(I8X16_SUB_SAT_S, S_I8, 'i', II_SSUB),
    ROW(I8X16_SUB_SAT_U, S_I8, 'i', II_USUB),
    ROW(I8X16_MIN_S, S_I8, 'i', II_SMIN),
    ROW(I8X16_MIN_U, S_I8, 'i', II_UMIN),
    ROW(I8X16_MAX_S, S_I8, 'i', II_SMAX),
    ROW(I8X16_MAX_U, S_I8, 'i', II_UMAX),
    ROW(I8X16_AVGR_U, S_I8, 'v', 0),
    ROW(I16X8_ABS, S_I16, 'a', 0),
    ROW(I16X8_NEG, S_I16, 'n', 0),
    ROW(I16X8_ADD, S_I16, 'b', LLVMAdd),
    ROW(I16X8_ADD_SAT_S, S_I16, 'i', II_SADD),
    ROW(I16X8_ADD_SAT_U, S_I16, 'i', II_UADD),
    ROW(I16X8_SUB, S_I16, 'b', LLVMSub),
    ROW(I16X8_SUB_SAT_S, S_I16, 'i', II_SSUB),
    ROW(I16X8_SUB_SAT_U, S_I16, 'i', II_USUB),
    ROW(I16X8_MUL, S_I16, 'b', LLVMMul),
    ROW(I16X8_MIN_S, S_I16, 'i', II_SMIN),
    ROW(I16X8_MIN_U, S_I16, 'i', II_UMIN),
    ROW(I16X8_MAX_S, S_I16, 'i', II_SMAX),
    ROW(I16X8_MAX_U, S_I16, 'i', II_UMAX),
    ROW(I16X8_AVGR_U, S_I16, 'v', 0),
    ROW(I32X4_ABS, S_I32, 'a', 0),
    ROW(I32X4_NEG, S_I32, 'n', 0),
    ROW(I32X4_ADD, S_I32, 'b', LLVMAdd),
    ROW(I32X4_SUB, S_I32, 'b', LLVMSub),
    ROW(I32X4_MUL, S_I32, 'b', LLVMMul),
    ROW(I32X4_MIN_S, S_I32, 'i', II_SMIN),
    ROW(I32X4_MIN_U, S_I32, 'i', II_UMIN),
    ROW(I32X4_MAX_S, S_I32, 'i', II_SMAX),
    ROW(I32X4_MAX_U, S_I32, 'i', II_UMAX),
    ROW(I64X2_ABS, S_I64, 'a', 0),
    ROW(I64X2_NEG, S_I64, 'n', 0),
    ROW(I64X2_ADD, S_I64, 'b', LLVMAdd),
    ROW(I64X2_SUB, S_I64, 'b', LLVMSub),
    ROW(I64X2_MUL, S_I64, 'b', LLVMMul),
};
#undef ROW

static cg_result int_row(cg_func *f, const iop_row *r) {
  switch (r->kind) {
  case 'a':
    return iabs(f, r->s);
  case 'n':
    return ineg(f, r->s);
  case 'u':
    return unary_intr(f, r->s, int_intrinsics[r->arg]);
  case 'b':
    return ibinop(f, r->s, (LLVMOpcode)r->arg);
  case 'i':
    return binary_intr(f, r->s, int_intrinsics[r->arg]);
  default:
    return avgr_u(f, r->s);
  }
}

/* Widening families: extend, extmul, extadd_pairwise, dot, narrow. */
static cg_result simd_widen(cg_func *f, wasm_opcode op) {
  static const struct {
    wasm_opcode first;
    simd_shape from;
  } ext[] = {{WASM_OP_I16X8_EXTEND_LOW_I8X16_S, S_I8},
             {WASM_OP_I32X4_EXTEND_LOW_I16X8_S, S_I16},
             {WASM_OP_I64X2_EXTEND_LOW_I32X4_S, S_I32}},
    mul[] = {{WASM_OP_I16X8_EXTMUL_LOW_I8X16_S, S_I8},
             {WASM_OP_I32X4_EXTMUL_LOW_I16X8_S, S_I16},
             {WASM_OP_I64X2_EXTMUL_LOW_I32X4_S, S_I32}};
  for (unsigned g = 0; g < 3; g++) {
    if (op >= ext[g].first && op < ext[g].first + 4)
      return extend(f, ext[g].from, op - ext[g].first);
    if (op >= mul[g].first && op < mul[g].first + 4)
      return extmul(f, mul[g].from, op - mul[g].first);
  }
  switch (op) {
  case WASM_OP_I16X8_EXTADD_PAIRWISE_I8X16_S:
    return extadd_pairwise(f, S_I8, true);
  case WASM_OP_I16X8_EXTADD_PAIRWISE_I8X16_U:
    return extadd_pairwise(f, S_I8, false);
  case WASM_OP_I32X4_EXTADD_PAIRWISE_I16X8_S:
    return extadd_pairwise(f, S_I16, true);
  case WASM_OP_I32X4_EXTADD_PAIRWISE_I16X8_U:
    return extadd_pairwise(f, S_I16, false);
  case WASM_OP_I32X4_DOT_I16X8_S:
    return dot(f);
  case WASM_OP_I16X8_Q15MULR_SAT_S:
    return q15mulr(f);
  case WASM_OP_I8X16_NARROW_I16X8_S:
    return narrow(f, S_I16, true);
  case WASM_OP_I8X16_NARROW_I16X8_U:
    return narrow(f, S_I16, false);
  case WASM_OP_I16X8_NARROW_I32X4_S:
    return narrow(f, S_I32, true);
  case WASM_OP_I16X8_NARROW_I32X4_U:
    return narrow(f, S_I32, false);
  default:
    return CG_UNHANDLED;
  }
}

static cg_result simd_int(cg_func *f, wasm_opcode op) {
  for (size_t i = 0; i < sizeof int_rows / sizeof *int_rows; i++)
    if (int_rows[i].op == op)
      return int_row(f, &int_rows[i]);
  return simd_widen(f, op);
}

/* --------------------------------------------------- float arithmetic */

/* pmin(a, b) = b < a ? b : a; pmax(a, b) = a < b ? b : a (the spec's
 * definitions; they select minps/maxps directly). */
static cg_result pminmax(cg_func *f, simd_shape s, bool is_max) {
  LLVMValueRef o[2];
  if (!pop_n(f, o, 2))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef t = vec_type(f, s);
  LLVMValueRef a = as(f, o[0], t), c = as(f, o[1], t);
  LLVMValueRef lt = is_max ? LLVMBuildFCmp(b, LLVMRealOLT, a, c, "")
                           : LLVMBuildFCmp(b, LLVMRealOLT, c, a, "");
  return push_v(f, LLVMBuildSelect(b, lt, c, a, ""));
}

/* min/max with the spec's rules, from the x86-friendly selects
 * t1 = a < b ? a : b and t2 = b < a ? b : a (minps both ways; > for max):
 * they agree unless the lanes are zeros of both signs (then OR gives -0
 * for min, AND gives +0 for max) or a NaN is involved, where a + b yields
 * a quiet (arithmetic) NaN as the spec requires; llvm.minimum would pass a
 * signalling NaN through unquieted. */
static cg_result fminmax(cg_func *f, simd_shape s, bool is_max) {
  LLVMValueRef o[2];
  if (!pop_n(f, o, 2))
    return CG_ERROR;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef t = vec_type(f, s), it = vec_type(f, s == S_F32 ? S_I32 : S_I64);
  LLVMValueRef a = as(f, o[0], t), c = as(f, o[1], t);
  LLVMRealPredicate p = is_max ? LLVMRealOGT : LLVMRealOLT;
  LLVMValueRef t1 = LLVMBuildSelect(b, LLVMBuildFCmp(b, p, a, c, ""), a, c, "");
  LLVMValueRef t2 = LLVMBuildSelect(b, LLVMBuildFCmp(b, p, c, a, ""), c, a, "");
  LLVMValueRef i1 = as(f, t1, it), i2 = as(f, t2, it);
  LLVMValueRef m =
      is_max ? LLVMBuildAnd(b, i1, i2, "") : LLVMBuildOr(b, i1, i2, "");
  LLVMValueRef nan = LLVMBuildFCmp(b, LLVMRealUNO, a, c, "");
  return push_v(
      f, LLVMBuildSelect(b, nan, LLVMBuildFAdd(b, a, c, ""), as(f, m, t), ""));
}

static cg_result fneg(cg_func *f, simd_shape s) {
  LLVMValueRef o;
  if (!pop_n(f, &o, 1))
    return CG_ERROR;
  return push_v(f, LLVMBuildFNeg(f->cm->b, as(f, o, vec_type(f, s)), ""));
}

/* Rows relative to f32x4.abs / f64x2.abs (same layout for both). */
static cg_result float_arith(cg_func *f, simd_shape s, unsigned rel) {
  switch (rel) {
  case 0:
    return unary_intr(f, s, "llvm.fabs");
  case 1:
    return fneg(f, s);
  case 2:
    return unary_intr(f, s, "llvm.sqrt");
  case 3:
    return ibinop(f, s, LLVMFAdd);
  case 4:
    return ibinop(f, s, LLVMFSub);
  case 5:
    return ibinop(f, s, LLVMFMul);
  case 6:
    return ibinop(f, s, LLVMFDiv);
  case 7:
    return fminmax(f, s, false);
  case 8:
    return fminmax(f, s, true);
  case 9:
    return pminmax(f, s, false);
  case 10:
    return pminmax(f, s, true);
  default:
    return CG_UNHANDLED;
  }
}

static cg_result simd_rounding(cg_func *f, wasm_opcode op) {
  static const struct {
    wasm_opcode op;
    simd_shape s;
    const char *name;
  } rows[] = {
      {WASM_OP_F32X4_CEIL, S_F32, "llvm.ceil"},
      {WASM_OP_F32X4_FLOOR, S_F32, "llvm.floor"},
      {WASM_OP_F32X4_TRUNC, S_F32, "llvm.trunc"},
      {WASM_OP_F32X4_NEAREST, S_F32, "llvm.roundeven"},
      {WASM_OP_F64X2_CEIL, S_F64, "llvm.ceil"},
      {WASM_OP_F64X2_FLOOR, S_F64, "llvm.floor"},
      {WASM_OP_F64X2_TRUNC, S_F64, "llvm.trunc"},
      {WASM_OP_F64X2_NEAREST, S_F64, "llvm.roundeven"},
  };
  for (unsigned i = 0; i < sizeof rows / sizeof *rows; i++)
    if (rows[i].op == op)
      return unary_intr(f, rows[i].s, rows[i].name);
  return CG_UNHANDLED;
}

/* ---------------------------------------------------------- conversions */

static LLVMValueRef fsplat(cg_func *f, LLVMTypeRef elt, unsigned n, double x) {
  LLVMValueRef e[4];
  for (unsigned i = 0; i < n; i++)
    e[i] = LLVMConstReal(elt, x);
  return LLVMConstVector(e, n);
}

/* cvttps2dq (SSE2, so in every x86-64 baseline): truncation that gives
 * 0x80000000 for NaN and out-of-range lanes instead of poison. Generic
 * llvm.fptosi.sat is scalarised by the x86 back end (4x cvttss2si). */
static LLVMValueRef cvttps2dq(cg_func *f, LLVMValueRef v) {
  LLVMTypeRef t = vec_type(f, S_I32);
  LLVMValueRef fn = LLVMGetNamedFunction(f->cm->mod, "llvm.x86.sse2.cvttps2dq");
  LLVMTypeRef vt = LLVMTypeOf(v);
  LLVMTypeRef fnty = LLVMFunctionType(t, &vt, 1, false);
  if (!fn)
    fn = LLVMAddFunction(f->cm->mod, "llvm.x86.sse2.cvttps2dq", fnty);
  return LLVMBuildCall2(f->cm->b, fnty, fn, &v, 1, "");
}

/* i32x4.trunc_sat_f32x4_s: NaN lanes zeroed first, then cvttps2dq; lanes
 * >= 2^31 (which it turned into INT_MIN) become INT_MAX. */
static LLVMValueRef trunc_sat_f32_s(cg_func *f, LLVMValueRef x) {
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef ft = f->cm->t_f32;
  LLVMValueRef ord = LLVMBuildFCmp(b, LLVMRealORD, x, x, "");
  LLVMValueRef y = LLVMBuildSelect(b, ord, x, LLVMConstNull(LLVMTypeOf(x)), "");
  LLVMValueRef r = cvttps2dq(f, y);
  LLVMValueRef big =
      LLVMBuildFCmp(b, LLVMRealOGE, y, fsplat(f, ft, 4, 2147483648.0), "");
  return LLVMBuildSelect(b, big, splat_const(f, f->cm->t_i32, 4, 0x7FFFFFFF), r,
                         "");
}

/* i32x4.trunc_sat_f32x4_u: y = max(x, 0) (NaN -> 0); lo = cvt(y) is right
 * below 2^31 and INT_MIN above; hi = cvt(y - 2^31), clamped to
 * [0, INT_MAX], is what lanes >= 2^31 lack (lanes >= 2^32 saturate). */
static LLVMValueRef trunc_sat_f32_u(cg_func *f, LLVMValueRef x) {
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef ft = f->cm->t_f32, i32 = f->cm->t_i32;
  LLVMValueRef zero = LLVMConstNull(LLVMTypeOf(x));
  LLVMValueRef y = LLVMBuildSelect(
      b, LLVMBuildFCmp(b, LLVMRealOGT, x, zero, ""), x, zero, "");
  LLVMValueRef two31 = fsplat(f, ft, 4, 2147483648.0);
  LLVMValueRef t = LLVMBuildFSub(b, y, two31, "");
  LLVMValueRef hi = cvttps2dq(f, t);
  LLVMValueRef over = LLVMBuildFCmp(b, LLVMRealOGE, t, two31, "");
  hi = LLVMBuildSelect(b, over, splat_const(f, i32, 4, 0x7FFFFFFF), hi, "");
  hi = call2(f, "llvm.smax", hi, LLVMConstNull(LLVMTypeOf(hi)));
  return LLVMBuildAdd(b, cvttps2dq(f, y), hi, "");
}

/* f64 -> i32 with saturation, 2 lanes: clamp into range first (both
 * bounds are exact doubles), after which the plain conversion is defined
 * (cvttpd2dq for the signed case). */
static LLVMValueRef trunc_sat_f64(cg_func *f, LLVMValueRef x, bool sign) {
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef dt = f->cm->t_f64;
  LLVMValueRef lo = fsplat(f, dt, 2, sign ? -2147483648.0 : 0.0);
  LLVMValueRef hi = fsplat(f, dt, 2, sign ? 2147483647.0 : 4294967295.0);
  LLVMValueRef ord = LLVMBuildFCmp(b, LLVMRealORD, x, x, "");
  LLVMValueRef y = LLVMBuildSelect(b, ord, x, LLVMConstNull(LLVMTypeOf(x)), "");
  y = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOGT, y, lo, ""), y, lo, "");
  y = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOLT, y, hi, ""), y, hi, "");
  LLVMTypeRef v2i32 = ivec(f, 32, 2);
  return sign ? LLVMBuildFPToSI(b, y, v2i32, "")
              : LLVMBuildFPToUI(b, y, v2i32, "");
}

static cg_result convert(cg_func *f, wasm_opcode op) {
  LLVMValueRef o;
  LLVMBuilderRef b = f->cm->b;
  LLVMTypeRef v4i32 = vec_type(f, S_I32), v4f32 = vec_type(f, S_F32);
  LLVMTypeRef v2f64 = vec_type(f, S_F64), v2i32 = ivec(f, 32, 2);
  bool sign = true;
  switch (op) {
  case WASM_OP_I32X4_TRUNC_SAT_F32X4_U:
    sign = false; /* fall through */
  case WASM_OP_I32X4_TRUNC_SAT_F32X4_S:
    if (!pop_n(f, &o, 1))
      return CG_ERROR;
    o = as(f, o, v4f32);
    return push_v(f, sign ? trunc_sat_f32_s(f, o) : trunc_sat_f32_u(f, o));
  case WASM_OP_F32X4_CONVERT_I32X4_U:
    sign = false; /* fall through */
  case WASM_OP_F32X4_CONVERT_I32X4_S:
    if (!pop_n(f, &o, 1))
      return CG_ERROR;
    o = as(f, o, v4i32);
    return push_v(f, sign ? LLVMBuildSIToFP(b, o, v4f32, "")
                          : LLVMBuildUIToFP(b, o, v4f32, ""));
  case WASM_OP_I32X4_TRUNC_SAT_F64X2_U_ZERO:
    sign = false; /* fall through */
  case WASM_OP_I32X4_TRUNC_SAT_F64X2_S_ZERO: {
    if (!pop_n(f, &o, 1))
      return CG_ERROR;
    LLVMValueRef r = trunc_sat_f64(f, as(f, o, v2f64), sign);
    return push_v(f, shuffle_seq(f, r, LLVMConstNull(v2i32), 0, 1, 4));
  }
  case WASM_OP_F64X2_CONVERT_LOW_I32X4_U:
    sign = false; /* fall through */
  case WASM_OP_F64X2_CONVERT_LOW_I32X4_S: {
    if (!pop_n(f, &o, 1))
      return CG_ERROR;
    LLVMValueRef lo =
        shuffle_seq(f, as(f, o, v4i32), LLVMGetPoison(v4i32), 0, 1, 2);
    return push_v(f, sign ? LLVMBuildSIToFP(b, lo, v2f64, "")
                          : LLVMBuildUIToFP(b, lo, v2f64, ""));
  }
  case WASM_OP_F32X4_DEMOTE_F64X2_ZERO: {
    if (!pop_n(f, &o, 1))
      return CG_ERROR;
    LLVMTypeRef v2f32 = LLVMVectorType(f->cm->t_f32, 2);
    LLVMValueRef r = LLVMBuildFPTrunc(b, as(f, o, v2f64), v2f32, "");
    return push_v(f, shuffle_seq(f, r, LLVMConstNull(v2f32), 0, 1, 4));
  }
  case WASM_OP_F64X2_PROMOTE_LOW_F32X4: {
    if (!pop_n(f, &o, 1))
      return CG_ERROR;
    LLVMValueRef lo =
        shuffle_seq(f, as(f, o, v4f32), LLVMGetPoison(v4f32), 0, 1, 2);
    return push_v(f, LLVMBuildFPExt(b, lo, v2f64, ""));
  }
  default:
    return CG_UNHANDLED;
  }
}

static cg_result simd_float(cg_func *f, wasm_opcode op) {
  if (op >= WASM_OP_F32X4_ABS && op <= WASM_OP_F32X4_PMAX)
    return float_arith(f, S_F32, op - WASM_OP_F32X4_ABS);
  if (op >= WASM_OP_F64X2_ABS && op <= WASM_OP_F64X2_PMAX)
    return float_arith(f, S_F64, op - WASM_OP_F64X2_ABS);
  cg_result r = simd_rounding(f, op);
  return r != CG_UNHANDLED ? r : convert(f, op);
}

/* ------------------------------------------------------------ dispatch */

cg_result cg_simd(cg_func *f, const wasm_instr *in) {
  if (wasm_opcode_get(in->op)->prefix != 0xFD)
    return CG_UNHANDLED;
  static cg_result (*const families[])(cg_func *, wasm_opcode) = {
      simd_compare, simd_tests, simd_shift, simd_int, simd_float,
  };
  cg_result r = simd_memory(f, in);
  if (r == CG_UNHANDLED)
    r = simd_lanes(f, in);
  for (size_t i = 0;
       r == CG_UNHANDLED && i < sizeof families / sizeof *families; i++)
    r = families[i](f, in->op);
  return r;
}
