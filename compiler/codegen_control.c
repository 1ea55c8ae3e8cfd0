/* codegen_control.c — structured control flow (block, loop, if/else, end,
 * br, br_if, br_table, return, unreachable), direct calls and the
 * parametric instructions (drop, select).
 *
 * Each frame owns LLVM blocks with phis for the values that flow along its
 * edges: a branch adds one incoming value per phi, so multi-value blocks
 * need no memory traffic. Phis left without incoming values are erased. */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

#include <stdlib.h>
#include <string.h>

/* A dropped memory load must still trap when out of bounds, but LLVM
 * (instruction selection even at -O0) deletes unused plain loads, so a
 * dropped one is made volatile. Only dropped loads pay for this. */
static bool op_drop(cg_func *f) {
  LLVMValueRef v = cg_pop(f);
  if (!v)
    return cg_fail(f, "operand stack underflow");
  if (LLVMIsAZExtInst(v) || LLVMIsASExtInst(v))
    v = LLVMGetOperand(v, 0);
  /* Not a local's load: a volatile alloca access would block mem2reg. */
  if (LLVMIsALoadInst(v) && !LLVMIsAAllocaInst(LLVMGetOperand(v, 0)))
    LLVMSetVolatile(v, 1);
  return true;
}

static cg_frame *top_frame(cg_func *f) {
  return &f->frames[f->nframes - 1];
}

static LLVMValueRef *make_phis(cg_func *f, LLVMBasicBlockRef bb, uint32_t n,
                               const wasm_valtype *types) {
  LLVMValueRef *phis = calloc(n ? n : 1, sizeof *phis);
  if (!phis)
    return NULL;
  LLVMBuilderRef b = f->cm->b;
  LLVMBasicBlockRef saved = LLVMGetInsertBlock(b);
  LLVMPositionBuilderAtEnd(b, bb);
  for (uint32_t i = 0; i < n; i++)
    phis[i] = LLVMBuildPhi(b, cg_valtype(f->cm, types[i]), "");
  LLVMPositionBuilderAtEnd(b, saved);
  return phis;
}

static void erase_phis(LLVMValueRef *phis, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    LLVMInstructionEraseFromParent(phis[i]);
}

static bool new_frame(cg_func *f, cg_frame_kind kind, const wasm_blocktype *bt,
                      cg_frame **out) {
  if (f->nframes == f->frames_cap) {
    size_t cap = f->frames_cap ? f->frames_cap * 2 : 16;
    cg_frame *fr = realloc(f->frames, cap * sizeof *fr);
    if (!fr)
      return cg_fail(f, "out of memory");
    f->frames = fr;
    f->frames_cap = cap;
  }
  cg_frame *fr = &f->frames[f->nframes++];
  memset(fr, 0, sizeof *fr);
  fr->kind = kind;
  if (bt && bt->kind == WASM_BLOCK_VALUE) {
    fr->single = bt->value;
    fr->nresults = 1;
    fr->results = &fr->single;
  } else if (bt && bt->kind == WASM_BLOCK_TYPEIDX) {
    const wasm_functype *ft = &f->cm->m->types[bt->type_index];
    fr->nparams = ft->nparams;
    fr->params = ft->params;
    fr->nresults = ft->nresults;
    fr->results = ft->results;
  }
  if (f->sp < fr->nparams)
    return cg_fail(f, "operand stack underflow");
  fr->height = f->sp - fr->nparams;
  *out = fr;
  return true;
}

static uint32_t label_arity(const cg_frame *fr) {
  return fr->kind == CG_FRAME_LOOP ? fr->nparams : fr->nresults;
}

/* Adds the top-of-stack label values as incoming along an edge from the
 * current block (the caller builds the terminator). */
static bool add_label_incoming(cg_func *f, cg_frame *fr,
                               LLVMBasicBlockRef from) {
  uint32_t n = label_arity(fr);
  if (f->sp < n)
    return cg_fail(f, "operand stack underflow");
  for (uint32_t i = 0; i < n; i++) {
    LLVMValueRef v = f->stack[f->sp - n + i];
    LLVMAddIncoming(fr->label_phis[i], &v, &from, 1);
  }
  if (fr->kind != CG_FRAME_LOOP)
    fr->end_preds++;
  return true;
}

static bool branch(cg_func *f, uint32_t depth) {
  if (depth >= f->nframes)
    return cg_fail(f, "branch depth out of range");
  cg_frame *fr = &f->frames[f->nframes - 1 - depth];
  if (!add_label_incoming(f, fr, LLVMGetInsertBlock(f->cm->b)))
    return false;
  LLVMBuildBr(f->cm->b, fr->label);
  return true;
}

static void become_dead(cg_func *f) {
  f->unreachable = true;
  f->dead_depth = 0;
}

bool cg_frame_push_func(cg_func *f);
bool cg_frame_push_func(cg_func *f) {
  cg_frame *fr = NULL;
  if (!new_frame(f, CG_FRAME_FUNC, NULL, &fr))
    return false;
  fr->nresults = f->type->nresults;
  fr->results = f->type->results;
  fr->end_bb = fr->label = cg_new_block(f, "return");
  fr->end_phis = fr->label_phis =
      make_phis(f, fr->end_bb, fr->nresults, fr->results);
  return fr->end_phis ? true : cg_fail(f, "out of memory");
}

static bool op_block(cg_func *f, const wasm_instr *in) {
  cg_frame *fr;
  if (!new_frame(f, CG_FRAME_BLOCK, &in->imm.block, &fr))
    return false;
  fr->end_bb = fr->label = cg_new_block(f, "block_end");
  fr->end_phis = fr->label_phis =
      make_phis(f, fr->end_bb, fr->nresults, fr->results);
  return fr->end_phis ? true : cg_fail(f, "out of memory");
}

static bool op_loop(cg_func *f, const wasm_instr *in) {
  cg_frame *fr;
  if (!new_frame(f, CG_FRAME_LOOP, &in->imm.block, &fr))
    return false;
  fr->label = cg_new_block(f, "loop");
  fr->end_bb = cg_new_block(f, "loop_end");
  fr->label_phis = make_phis(f, fr->label, fr->nparams, fr->params);
  fr->end_phis = make_phis(f, fr->end_bb, fr->nresults, fr->results);
  if (!fr->label_phis || !fr->end_phis)
    return cg_fail(f, "out of memory");
  if (!add_label_incoming(f, fr, LLVMGetInsertBlock(f->cm->b)))
    return false;
  LLVMBuildBr(f->cm->b, fr->label);
  LLVMPositionBuilderAtEnd(f->cm->b, fr->label);
  for (uint32_t i = 0; i < fr->nparams; i++)
    f->stack[fr->height + i] = fr->label_phis[i];
  return true;
}

static bool op_if(cg_func *f, const wasm_instr *in) {
  LLVMValueRef cond = cg_pop(f);
  if (!cond)
    return cg_fail(f, "operand stack underflow");
  cg_frame *fr;
  if (!new_frame(f, CG_FRAME_IF, &in->imm.block, &fr))
    return false;
  LLVMBuilderRef b = f->cm->b;
  LLVMBasicBlockRef then_bb = cg_new_block(f, "then");
  fr->else_bb = cg_new_block(f, "else");
  fr->end_bb = fr->label = cg_new_block(f, "if_end");
  fr->end_phis = fr->label_phis =
      make_phis(f, fr->end_bb, fr->nresults, fr->results);
  fr->if_params = calloc(fr->nparams ? fr->nparams : 1, sizeof(LLVMValueRef));
  if (!fr->end_phis || !fr->if_params)
    return cg_fail(f, "out of memory");
  memcpy(fr->if_params, f->stack + fr->height,
         fr->nparams * sizeof(LLVMValueRef));
  LLVMValueRef c = LLVMBuildICmp(b, LLVMIntNE, cond, cg_i32(f, 0), "");
  LLVMBuildCondBr(b, c, then_bb, fr->else_bb);
  LLVMPositionBuilderAtEnd(b, then_bb);
  return true;
}

/* Ends the arm being translated: its results flow to end_bb. */
static bool close_arm(cg_func *f, cg_frame *fr) {
  if (f->unreachable)
    return true;
  uint32_t n = fr->nresults;
  if (f->sp < fr->height + n)
    return cg_fail(f, "operand stack underflow");
  LLVMBasicBlockRef from = LLVMGetInsertBlock(f->cm->b);
  for (uint32_t i = 0; i < n; i++) {
    LLVMValueRef v = f->stack[f->sp - n + i];
    LLVMAddIncoming(fr->end_phis[i], &v, &from, 1);
  }
  fr->end_preds++;
  LLVMBuildBr(f->cm->b, fr->end_bb);
  return true;
}

static void start_else(cg_func *f, cg_frame *fr) {
  fr->seen_else = true;
  LLVMPositionBuilderAtEnd(f->cm->b, fr->else_bb);
  f->sp = fr->height;
  for (uint32_t i = 0; i < fr->nparams; i++)
    f->stack[f->sp++] = fr->if_params[i];
  f->unreachable = false;
}

static bool op_else(cg_func *f) {
  cg_frame *fr = top_frame(f);
  if (fr->kind != CG_FRAME_IF || fr->seen_else)
    return cg_fail(f, "else without if");
  if (!close_arm(f, fr))
    return false;
  start_else(f, fr);
  return true;
}

static bool finish_return(cg_func *f, cg_frame *fr) {
  cg_module *cm = f->cm;
  if (fr->nresults == 0) {
    LLVMBuildRetVoid(cm->b);
  } else if (fr->nresults == 1) {
    LLVMBuildRet(cm->b, fr->end_phis[0]);
  } else {
    LLVMTypeRef st = cg_return_type(cm, fr->nresults, fr->results);
    LLVMValueRef agg = LLVMGetUndef(st);
    for (uint32_t i = 0; i < fr->nresults; i++)
      agg = LLVMBuildInsertValue(cm->b, agg, fr->end_phis[i], i, "");
    LLVMBuildRet(cm->b, agg);
  }
  return true;
}

static bool op_end(cg_func *f) {
  cg_frame *fr = top_frame(f);
  if (fr->kind == CG_FRAME_IF && !fr->seen_else) {
    /* The implicit else passes the params through as results. */
    if (!close_arm(f, fr))
      return false;
    start_else(f, fr);
  }
  if (!close_arm(f, fr))
    return false;
  cg_frame done = *fr;
  f->nframes--;
  f->sp = done.height;
  if (done.kind == CG_FRAME_LOOP)
    free(done.label_phis);
  free(done.if_params);
  LLVMPositionBuilderAtEnd(f->cm->b, done.end_bb);
  bool ok = true;
  if (done.end_preds == 0) {
    erase_phis(done.end_phis, done.nresults);
    LLVMBuildUnreachable(f->cm->b);
    become_dead(f);
  } else if (done.kind == CG_FRAME_FUNC) {
    ok = finish_return(f, &done);
  } else {
    f->unreachable = false;
    for (uint32_t i = 0; ok && i < done.nresults; i++)
      ok = cg_push(f, done.end_phis[i]);
  }
  free(done.end_phis);
  return ok;
}

static bool op_br_if(cg_func *f, const wasm_instr *in) {
  LLVMValueRef cond = cg_pop(f);
  if (!cond || in->imm.index >= f->nframes)
    return cg_fail(f, "bad br_if");
  LLVMBuilderRef b = f->cm->b;
  cg_frame *fr = &f->frames[f->nframes - 1 - in->imm.index];
  if (!add_label_incoming(f, fr, LLVMGetInsertBlock(b)))
    return false;
  LLVMBasicBlockRef cont = cg_new_block(f, "br_if_cont");
  LLVMValueRef c = LLVMBuildICmp(b, LLVMIntNE, cond, cg_i32(f, 0), "");
  LLVMBuildCondBr(b, c, fr->label, cont);
  LLVMPositionBuilderAtEnd(b, cont);
  return true;
}

/* Each distinct target gets its own edge block so a phi never sees the
 * switch block twice. */
static bool op_br_table(cg_func *f, const wasm_instr *in) {
  LLVMValueRef idx = cg_pop(f);
  if (!idx)
    return cg_fail(f, "operand stack underflow");
  LLVMBuilderRef b = f->cm->b;
  LLVMBasicBlockRef sw_bb = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef *edge = calloc(f->nframes, sizeof *edge);
  if (!edge)
    return cg_fail(f, "out of memory");
  uint32_t n = in->imm.br_table.num_targets;
  bool ok = true;
  for (uint32_t i = 0; ok && i <= n; i++) {
    uint32_t d =
        i < n ? in->imm.br_table.targets[i] : in->imm.br_table.default_target;
    if (d >= f->nframes) {
      ok = cg_fail(f, "branch depth out of range");
    } else if (!edge[d]) {
      edge[d] = cg_new_block(f, "br_table_edge");
      LLVMPositionBuilderAtEnd(b, edge[d]);
      ok = branch(f, d);
    }
  }
  if (ok) {
    LLVMPositionBuilderAtEnd(b, sw_bb);
    LLVMValueRef sw =
        LLVMBuildSwitch(b, idx, edge[in->imm.br_table.default_target], n);
    for (uint32_t i = 0; i < n; i++)
      LLVMAddCase(sw, cg_i32(f, i), edge[in->imm.br_table.targets[i]]);
  }
  free(edge);
  become_dead(f);
  return ok;
}

bool cg_emit_call(cg_func *f, LLVMValueRef callee, LLVMValueRef callee_vmctx,
                  const wasm_functype *ft, LLVMTypeRef fnty) {
  uint32_t n = ft->nparams;
  if (f->sp < n)
    return cg_fail(f, "operand stack underflow");
  LLVMValueRef *args = malloc((n + 1) * sizeof *args);
  if (!args)
    return cg_fail(f, "out of memory");
  args[0] = callee_vmctx;
  if (n) /* the operand stack may still be unallocated (NULL) */
    memcpy(args + 1, f->stack + f->sp - n, n * sizeof *args);
  f->sp -= n;
  LLVMValueRef r = LLVMBuildCall2(f->cm->b, fnty, callee, args, n + 1, "");
  free(args);
  return ft->nresults == 0 || cg_push_results(f, r, ft->nresults);
}

/* A defined function is called with the caller's own vmctx; imports are
 * {native, vmctx} pairs, fixed after instantiation. */
void cg_callee(cg_func *f, uint32_t fi, LLVMValueRef *native,
               LLVMValueRef *vm) {
  cg_module *cm = f->cm;
  if (fi >= cm->m->num_imported_funcs) {
    *native = cm->funcs[fi - cm->m->num_imported_funcs];
    *vm = f->vmctx;
    return;
  }
  LLVMValueRef imps = cg_load_instance_ptr(
      f, f->vmctx, offsetof(wasmrt_vmctx, func_imports),
      (uint64_t)cm->m->num_imported_funcs * sizeof(wasmrt_func_import));
  size_t base = (size_t)fi * sizeof(wasmrt_func_import);
  *native = cg_load_field(f, cm->t_ptr, imps,
                          base + offsetof(wasmrt_func_import, native), true);
  *vm = cg_load_field(f, cm->t_ptr, imps,
                      base + offsetof(wasmrt_func_import, vmctx), true);
}

static bool op_call(cg_func *f, const wasm_instr *in) {
  cg_module *cm = f->cm;
  const wasm_module *m = cm->m;
  uint32_t fi = in->imm.index;
  if (fi >= wasm_module_num_all_funcs(m))
    return cg_fail(f, "function index out of range");
  const wasm_functype *ft = wasm_module_func_type(m, fi);
  LLVMTypeRef fnty = cg_sig_type(cm, ft);
  LLVMValueRef native, vm;
  cg_callee(f, fi, &native, &vm);
  return cg_emit_call(f, native, vm, ft, fnty);
}

static bool op_select(cg_func *f) {
  LLVMValueRef c = cg_pop(f), v2 = cg_pop(f), v1 = cg_pop(f);
  if (!c || !v1 || !v2)
    return cg_fail(f, "operand stack underflow");
  LLVMBuilderRef b = f->cm->b;
  LLVMValueRef t = LLVMBuildICmp(b, LLVMIntNE, c, cg_i32(f, 0), "");
  return cg_push(f, LLVMBuildSelect(b, t, v1, v2, ""));
}

static cg_result ok_or_error(bool ok) {
  return ok ? CG_OK : CG_ERROR;
}

cg_result cg_control(cg_func *f, const wasm_instr *in) {
  switch (in->op) {
  case WASM_OP_NOP:
    return CG_OK;
  case WASM_OP_UNREACHABLE:
    cg_trap(f, WASMRT_TRAP_UNREACHABLE);
    become_dead(f);
    return CG_OK;
  case WASM_OP_BLOCK:
    return ok_or_error(op_block(f, in));
  case WASM_OP_LOOP:
    return ok_or_error(op_loop(f, in));
  case WASM_OP_IF:
    return ok_or_error(op_if(f, in));
  case WASM_OP_ELSE:
    return ok_or_error(op_else(f));
  case WASM_OP_END:
    return ok_or_error(op_end(f));
  case WASM_OP_BR: {
    bool ok = branch(f, in->imm.index);
    become_dead(f);
    return ok_or_error(ok);
  }
  case WASM_OP_BR_IF:
    return ok_or_error(op_br_if(f, in));
  case WASM_OP_BR_TABLE:
    return ok_or_error(op_br_table(f, in));
  case WASM_OP_RETURN: {
    bool ok = branch(f, (uint32_t)f->nframes - 1);
    become_dead(f);
    return ok_or_error(ok);
  }
  case WASM_OP_CALL:
    return ok_or_error(op_call(f, in));
  case WASM_OP_DROP:
    return ok_or_error(op_drop(f));
  case WASM_OP_SELECT:
  case WASM_OP_SELECT_T:
    return ok_or_error(op_select(f));
  default:
    return CG_UNHANDLED;
  }
}

bool cg_control_finish(cg_func *f);
bool cg_control_finish(cg_func *f) {
  if (f->nframes != 0)
    return cg_fail(f, "unterminated block at end of function");
  return true;
}
