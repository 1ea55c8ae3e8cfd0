/* codegen_func.c — translation of one wasm function body: prologue
 * (locals; the stack check and interrupt polls are placed after
 * optimization, codegen_poll.c), the instruction loop dispatching to the
 * opcode families, the operand stack, the shared trap block, and the small
 * IR helpers every family uses. */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Hostile input must not allocate unboundedly: the validator bounds the
 * operand stack by the code size, but locals are only bounded by the
 * declaration counts, so cap them (engines use 50,000). */
#define CG_MAX_LOCALS 50000u

bool cg_fail(cg_func *f, const char *fmt, ...) {
  wasm_error *err = f->cm->err;
  err->kind = WASM_ERR_INTERNAL;
  err->offset = f->instr_offset;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return false;
}

LLVMValueRef cg_i32(cg_func *f, uint64_t v) {
  return LLVMConstInt(f->cm->t_i32, v, false);
}

LLVMValueRef cg_i64(cg_func *f, uint64_t v) {
  return LLVMConstInt(f->cm->t_i64, v, false);
}

bool cg_push(cg_func *f, LLVMValueRef v) {
  if (f->sp == f->stack_cap) {
    size_t cap = f->stack_cap ? f->stack_cap * 2 : 64;
    LLVMValueRef *s = realloc(f->stack, cap * sizeof *s);
    if (!s)
      return cg_fail(f, "out of memory");
    f->stack = s;
    f->stack_cap = cap;
  }
  f->stack[f->sp++] = v;
  return true;
}

/* Validation guarantees operands exist; the guard keeps a validator bug
 * from turning into a crash. */
LLVMValueRef cg_pop(cg_func *f) {
  if (f->sp == 0)
    return NULL;
  return f->stack[--f->sp];
}

LLVMValueRef cg_peek(cg_func *f, size_t depth) {
  return depth < f->sp ? f->stack[f->sp - 1 - depth] : NULL;
}

LLVMValueRef cg_gep(cg_func *f, LLVMValueRef base, LLVMValueRef byte_off) {
  return LLVMBuildGEP2(f->cm->b, f->cm->t_i8, base, &byte_off, 1, "");
}

LLVMValueRef cg_gep_const(cg_func *f, LLVMValueRef base, uint64_t byte_off) {
  if (byte_off == 0)
    return base;
  return cg_gep(f, base, cg_i64(f, byte_off));
}

LLVMValueRef cg_load_field(cg_func *f, LLVMTypeRef ty, LLVMValueRef base,
                           size_t offset, bool invariant) {
  LLVMValueRef p = cg_gep_const(f, base, offset);
  LLVMValueRef v = LLVMBuildLoad2(f->cm->b, ty, p, "");
  if (invariant)
    LLVMSetMetadata(v, f->cm->md_invariant, f->cm->md_empty);
  return v;
}

/* The facts beyond invariance let LICM hoist such a load out of a loop
 * even from a block inside it that not every iteration runs (the
 * call_indirect and global.get chains in loops that also call, as in the
 * scheduler loop of sightglass richards). Only the first level of a chain
 * goes, though: hoisting from such a block, LICM drops the load's
 * !dereferenceable and !invariant.load (they may hold only under the
 * block's conditions), so the load from its result stays in the loop.
 * Emitting every such load of a loop in the function's entry block, where
 * the facts hold, was tried: richards' dispatch lost 2 of 11 instructions
 * (callgrind: 39.2M -> 36.8M in its scheduler) but not time (9.6 against
 * 9.2 ms, medians of 11, pinned), and the interp kernel got 10% slower
 * (377 against 343 ms) with the same instruction count: the pointers for
 * the cold builtin and import calls of its dispatch loop, live from the
 * entry, changed its register allocation and layout. */
static void set_i64_metadata(cg_func *f, LLVMValueRef v, unsigned kind,
                             uint64_t value) {
  LLVMMetadataRef n = LLVMValueAsMetadata(cg_i64(f, value));
  LLVMSetMetadata(
      v, kind,
      LLVMMetadataAsValue(f->cm->ctx, LLVMMDNodeInContext2(f->cm->ctx, &n, 1)));
}

LLVMValueRef cg_load_instance_ptr(cg_func *f, LLVMValueRef base, size_t offset,
                                  uint64_t deref) {
  cg_module *cm = f->cm;
  LLVMValueRef v = cg_load_field(f, cm->t_ptr, base, offset, true);
  LLVMSetMetadata(v, cm->md_nonnull, cm->md_empty);
  set_i64_metadata(f, v, cm->md_align, 8);
  if (deref > 0)
    set_i64_metadata(f, v, cm->md_deref, deref);
  return v;
}

LLVMValueRef cg_load_instance_entry(cg_func *f, size_t field, uint64_t count,
                                    uint32_t index, uint64_t entry_size) {
  LLVMValueRef array =
      cg_load_instance_ptr(f, f->vmctx, field, count * sizeof(void *));
  return cg_load_instance_ptr(f, array, (size_t)index * sizeof(void *),
                              entry_size);
}

LLVMBasicBlockRef cg_new_block(cg_func *f, const char *name) {
  return LLVMAppendBasicBlockInContext(f->cm->ctx, f->fn, name);
}

static LLVMValueRef load_builtin(cg_func *f, size_t offset) {
  LLVMValueRef bt = cg_load_instance_ptr(
      f, f->vmctx, offsetof(wasmrt_vmctx, builtins), sizeof(wasmrt_builtins));
  return cg_load_instance_ptr(f, bt, offset, 0);
}

LLVMValueRef cg_call_builtin(cg_func *f, size_t offset, LLVMTypeRef ret,
                             LLVMTypeRef *params, LLVMValueRef *args,
                             unsigned n) {
  LLVMValueRef fp = load_builtin(f, offset);
  LLVMTypeRef fnty = LLVMFunctionType(ret, params, n, false);
  return LLVMBuildCall2(f->cm->b, fnty, fp, args, n, "");
}

LLVMValueRef cg_intrinsic(cg_func *f, const char *name, LLVMTypeRef *tys,
                          unsigned ntys, LLVMValueRef *args, unsigned nargs) {
  return cg_module_intrinsic(f->cm, name, tys, ntys, args, nargs);
}

/* The trap block: one per function, a phi on the trap code feeding one
 * noreturn call, so each trapping instruction costs a compare and branch. */
static void ensure_trap_block(cg_func *f) {
  if (f->trap_bb)
    return;
  LLVMBuilderRef b = f->cm->b;
  LLVMBasicBlockRef saved = LLVMGetInsertBlock(b);
  f->trap_bb = cg_new_block(f, "trap");
  LLVMPositionBuilderAtEnd(b, f->trap_bb);
  f->trap_phi = LLVMBuildPhi(b, f->cm->t_i32, "trap_code");
  LLVMTypeRef ps[2] = {f->cm->t_ptr, f->cm->t_i32};
  LLVMValueRef args[2] = {f->vmctx, f->trap_phi};
  cg_mark_noreturn(f->cm, cg_call_builtin(f, offsetof(wasmrt_builtins, trap),
                                          f->cm->t_void, ps, args, 2));
  LLVMBuildUnreachable(b);
  LLVMPositionBuilderAtEnd(b, saved);
}

void cg_trap_if(cg_func *f, LLVMValueRef cond, uint32_t code) {
  ensure_trap_block(f);
  LLVMBuilderRef b = f->cm->b;
  LLVMBasicBlockRef here = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef cont = cg_new_block(f, "ok");
  cg_mark_cold_branch(f->cm, LLVMBuildCondBr(b, cond, f->trap_bb, cont));
  LLVMValueRef c = cg_i32(f, code);
  LLVMAddIncoming(f->trap_phi, &c, &here, 1);
  LLVMPositionBuilderAtEnd(b, cont);
}

void cg_trap(cg_func *f, uint32_t code) {
  ensure_trap_block(f);
  LLVMBasicBlockRef here = LLVMGetInsertBlock(f->cm->b);
  LLVMBuildBr(f->cm->b, f->trap_bb);
  LLVMValueRef c = cg_i32(f, code);
  LLVMAddIncoming(f->trap_phi, &c, &here, 1);
}

bool cg_push_results(cg_func *f, LLVMValueRef r, uint32_t n) {
  if (n == 1)
    return cg_push(f, r);
  for (uint32_t i = 0; i < n; i++)
    if (!cg_push(f, LLVMBuildExtractValue(f->cm->b, r, i, "")))
      return false;
  return true;
}

static bool setup_locals(cg_func *f, const wasm_func *wf) {
  cg_module *cm = f->cm;
  uint64_t n = (uint64_t)f->type->nparams + wf->num_locals;
  if (n > CG_MAX_LOCALS)
    return cg_fail(f, "too many locals (%llu)", (unsigned long long)n);
  f->nlocals = (uint32_t)n;
  f->local_types = calloc(n ? n : 1, sizeof *f->local_types);
  f->locals = calloc(n ? n : 1, sizeof *f->locals);
  if (!f->local_types || !f->locals)
    return cg_fail(f, "out of memory");
  uint32_t k = 0;
  for (uint32_t i = 0; i < f->type->nparams; i++)
    f->local_types[k++] = f->type->params[i];
  for (uint32_t d = 0; d < wf->num_local_decls; d++)
    for (uint32_t j = 0; j < wf->local_decls[d].count; j++)
      f->local_types[k++] = wf->local_decls[d].type;
  for (uint32_t i = 0; i < f->nlocals; i++) {
    LLVMTypeRef t = cg_valtype(cm, f->local_types[i]);
    f->locals[i] = LLVMBuildAlloca(cm->b, t, "");
    LLVMValueRef init =
        i < f->type->nparams ? LLVMGetParam(f->fn, i + 1) : LLVMConstNull(t);
    LLVMBuildStore(cm->b, init, f->locals[i]);
  }
  return true;
}

bool cg_frame_push_func(cg_func *f);
bool cg_control_finish(cg_func *f);

static cg_result dispatch(cg_func *f, const wasm_instr *in) {
  static cg_result (*const families[])(cg_func *, const wasm_instr *) = {
      cg_control, cg_variables, cg_int,  cg_float,
      cg_memory,  cg_table,     cg_bulk, cg_simd,
  };
  for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
    cg_result r = families[i](f, in);
    if (r != CG_UNHANDLED)
      return r;
  }
  return CG_UNHANDLED;
}

static bool is_block_start(wasm_opcode op) {
  return op == WASM_OP_BLOCK || op == WASM_OP_LOOP || op == WASM_OP_IF;
}

/* Dead code (after br/return/unreachable) is skipped up to the matching
 * else/end; only nesting is tracked there. */
static bool skip_dead(cg_func *f, const wasm_instr *in) {
  if (!f->unreachable)
    return false;
  if (is_block_start(in->op)) {
    f->dead_depth++;
    return true;
  }
  if (f->dead_depth > 0) {
    if (in->op == WASM_OP_END)
      f->dead_depth--;
    return true;
  }
  return in->op != WASM_OP_END && in->op != WASM_OP_ELSE;
}

/* Translates instructions until the frame stack is back to `depth`. */
static bool translate_until(cg_func *f, wasm_code_reader *r, size_t depth);

/* A loop codegen_version.c can version: emitted as a fast copy (scoped
 * noalias accesses) and the original, chosen by a check before the loop.
 * Returns CG_UNHANDLED when the loop does not qualify. */
static cg_result translate_versioned(cg_func *f, wasm_code_reader *r,
                                     const wasm_instr *loop) {
  if (f->cm->opt_level < 2 || !f->mem0_base ||
      loop->imm.block.kind != WASM_BLOCK_EMPTY)
    return CG_UNHANDLED;
  cg_version_plan plan;
  if (!cg_version_scan(f, r->pos, r->end, &plan))
    return CG_UNHANDLED;
  LLVMBuilderRef b = f->cm->b;
  size_t depth = f->nframes;
  uint32_t body = r->pos;
  LLVMValueRef fast_ok = cg_version_check(f, &plan, loop->offset);
  LLVMBasicBlockRef fast = cg_new_block(f, "ver_fast");
  LLVMBasicBlockRef slow = cg_new_block(f, "ver_slow");
  LLVMBasicBlockRef join = cg_new_block(f, "ver_join");
  LLVMBuildCondBr(b, fast_ok, fast, slow);
  for (int copy = 0; copy < 2; copy++) {
    LLVMPositionBuilderAtEnd(b, copy == 0 ? fast : slow);
    f->version = copy == 0 ? &plan : NULL;
    r->pos = body;
    f->instr_offset = loop->offset;
    bool ok = dispatch(f, loop) == CG_OK && translate_until(f, r, depth);
    f->version = NULL;
    if (!ok)
      return CG_ERROR;
    LLVMBuildBr(b, join);
  }
  LLVMPositionBuilderAtEnd(b, join);
  return CG_OK;
}

static bool translate_until(cg_func *f, wasm_code_reader *r, size_t depth) {
  while (f->nframes > depth) {
    if (wasm_code_reader_done(r))
      return cg_fail(f, "function body ends without `end`");
    wasm_instr in;
    if (!wasm_code_reader_next(r, &in, f->cm->err))
      return false;
    f->instr_offset = in.offset;
    if (skip_dead(f, &in))
      continue;
    cg_result res = CG_UNHANDLED;
    if (in.op == WASM_OP_LOOP)
      res = translate_versioned(f, r, &in);
    if (res == CG_UNHANDLED)
      res = dispatch(f, &in);
    if (res == CG_UNHANDLED)
      return cg_fail(f, "unsupported instruction %s",
                     wasm_opcode_get(in.op)->name);
    if (res == CG_ERROR)
      return false;
  }
  return true;
}

static bool translate_body(cg_func *f) {
  wasm_code_reader r;
  wasm_code_reader_init(&r, f->cm->m, f->index);
  bool ok = translate_until(f, &r, 0);
  wasm_code_reader_free(&r);
  return ok;
}

static void free_func(cg_func *f) {
  for (size_t i = 0; i < f->nframes; i++) {
    if (f->frames[i].label_phis != f->frames[i].end_phis)
      free(f->frames[i].label_phis);
    free(f->frames[i].end_phis);
    free(f->frames[i].if_params);
  }
  free(f->frames);
  free(f->stack);
  free(f->locals);
  free(f->local_types);
}

bool cg_translate_function(cg_module *cm, uint32_t index) {
  const wasm_module *m = cm->m;
  const wasm_func *wf = &m->funcs[index];
  cg_func f = {.cm = cm, .index = index, .type = &m->types[wf->type_index]};
  f.fn = cm->funcs[index];
  f.vmctx = LLVMGetParam(f.fn, 0);
  f.instr_offset = wf->code_offset;
  f.entry = cg_new_block(&f, "entry");
  LLVMPositionBuilderAtEnd(cm->b, f.entry);
  bool ok = setup_locals(&f, wf);
  if (ok && wasm_module_num_all_memories(m) > 0)
    f.mem0_base = cg_load_field(&f, cm->t_ptr, f.vmctx,
                                offsetof(wasmrt_vmctx, mem0_base), true);
  if (ok) {
    ok = cg_frame_push_func(&f) && translate_body(&f) && cg_control_finish(&f);
  }
  free_func(&f);
  return ok;
}
