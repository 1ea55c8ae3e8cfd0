/* codegen_known_table.c — call_indirect through a table whose contents
 * are known when compiling becomes a switch of direct calls.
 *
 * A table is known when only its active element segments ever write it:
 * it is defined here, neither imported nor exported, and no function of
 * the module applies table.set, table.grow, table.fill, table.init or
 * table.copy (as destination) to it. Nothing else can reach it (the
 * embedding API sees tables only through imports and exports), so its
 * size stays its minimum and entry i holds what the active segments put
 * there at instantiation, the last one writing i winning. A segment at a
 * global.get offset or with global.get items leaves the table unknown, and
 * so does one that does not fit (instantiation would fail anyway).
 *
 * C compilers put every function whose address is taken in one such
 * table, usually small; sightglass richards' scheduler calls its four
 * task functions through it, quicksort-style code its comparator. As
 * direct calls, the targets can be inlined and need neither the two loads
 * of the funcref path nor its signature check: an entry whose type is not
 * the call's traps as the generic path would, decided here. The traps
 * and their order are the generic path's: undefined element (index past
 * the end), uninitialized element (null entry), indirect call type
 * mismatch.
 *
 * Only tables of up to KNOWN_TABLE_MAX entries are known, and a call is
 * switched only when at most KNOWN_TARGETS_MAX distinct functions of its
 * type are in the table: each may be inlined at every such call, so more
 * would multiply code size, for a switch that is one indirect jump (a
 * jump table) in front of the calls anyway. */
#include "codegen_internal.h"
#include "wasmrt_abi.h"

#include <stdlib.h>
#include <string.h>

#define KNOWN_TABLE_MAX 64u
#define KNOWN_TARGETS_MAX 8u

/* Marks the tables some instruction of the module may write. */
static bool scan_writes(const wasm_module *m, bool *written) {
  for (uint32_t k = 0; k < m->num_funcs; k++) {
    wasm_code_reader r;
    wasm_code_reader_init(&r, m, k);
    wasm_instr in;
    wasm_error err;
    bool ok = true;
    while (ok && !wasm_code_reader_done(&r)) {
      if (!(ok = wasm_code_reader_next(&r, &in, &err)))
        break;
      uint32_t t = UINT32_MAX;
      switch (in.op) {
      case WASM_OP_TABLE_SET:
      case WASM_OP_TABLE_GROW:
      case WASM_OP_TABLE_FILL:
        t = in.imm.index;
        break;
      case WASM_OP_TABLE_INIT:
        t = in.imm.init.target;
        break;
      case WASM_OP_TABLE_COPY:
        t = in.imm.copy.dst;
        break;
      default:
        break;
      }
      if (t < wasm_module_num_all_tables(m))
        written[t] = true;
    }
    wasm_code_reader_free(&r);
    if (!ok)
      return false; /* validated code decodes; be safe if not */
  }
  return true;
}

/* Entry i of defined table `d` after the active segments, UINT32_MAX for
 * null; NULL if a segment makes it unknown, or if memory runs out (the
 * table is then merely not known). */
static uint32_t *table_contents(const wasm_module *m, uint32_t d) {
  uint32_t t = m->num_imported_tables + d, n = m->tables[d].limits.min;
  uint32_t *e = malloc((n ? n : 1) * sizeof *e);
  if (!e)
    return NULL;
  for (uint32_t i = 0; i < n; i++)
    e[i] = UINT32_MAX;
  for (uint32_t s = 0; s < m->num_elems; s++) {
    const wasm_elem *seg = &m->elems[s];
    if (seg->mode != WASM_SEGMENT_ACTIVE || seg->table_index != t)
      continue;
    uint64_t at = (uint32_t)seg->offset.u.i32;
    if (seg->offset.op != WASM_CONST_I32 || at + seg->num_items > n)
      goto unknown;
    for (uint32_t j = 0; j < seg->num_items; j++) {
      const wasm_constexpr *it = &seg->items[j];
      if (it->op == WASM_CONST_REF_FUNC)
        e[at + j] = it->u.func_index;
      else if (it->op == WASM_CONST_REF_NULL)
        e[at + j] = UINT32_MAX;
      else
        goto unknown;
    }
  }
  return e;
unknown:
  free(e);
  return NULL;
}

uint32_t **cg_find_known_tables(const wasm_module *m, unsigned opt_level) {
  if (opt_level == 0 || m->num_tables == 0)
    return NULL;
  uint32_t nt = wasm_module_num_all_tables(m);
  bool *skip = calloc(nt, sizeof *skip);
  uint32_t **known = calloc(nt, sizeof *known);
  if (!skip || !known) {
    free(skip);
    free(known);
    return NULL;
  }
  bool any = false;
  for (uint32_t t = 0; t < nt; t++) {
    wasm_tabletype tt = wasm_module_table_type(m, t);
    skip[t] = t < m->num_imported_tables || tt.elem != WASM_FUNCREF ||
              tt.limits.min == 0 || tt.limits.min > KNOWN_TABLE_MAX;
  }
  for (uint32_t i = 0; i < m->num_exports; i++)
    if (m->exports[i].kind == WASM_EXTERN_TABLE && m->exports[i].index < nt)
      skip[m->exports[i].index] = true;
  for (uint32_t t = 0; t < nt; t++)
    any |= !skip[t];
  if (any && scan_writes(m, skip))
    for (uint32_t t = 0; t < nt; t++)
      if (!skip[t])
        known[t] = table_contents(m, t - m->num_imported_tables);
  free(skip);
  return known;
}

void cg_free_known_tables(const wasm_module *m, uint32_t **known) {
  if (!known)
    return;
  for (uint32_t t = 0; t < wasm_module_num_all_tables(m); t++)
    free(known[t]);
  free(known);
}

/* One switch case per distinct target of the call's type, each calling
 * it and branching to `join`, where `phi` (NULL without results) merges
 * the results; the other entries share two trap blocks. */
typedef struct known_call {
  const wasm_functype *ft;
  LLVMTypeRef fnty;
  LLVMValueRef *args; /* args[0] is filled per target */
  LLVMValueRef idx;
  LLVMBasicBlockRef join, null_bb, mismatch_bb;
  LLVMValueRef phi;
} known_call;

static LLVMBasicBlockRef call_block(cg_func *f, known_call *kc, uint32_t fi) {
  LLVMBuilderRef b = f->cm->b;
  LLVMBasicBlockRef bb = cg_new_block(f, "known_call");
  LLVMPositionBuilderAtEnd(b, bb);
  LLVMValueRef fn, vm;
  cg_callee(f, fi, &fn, &vm);
  kc->args[0] = vm;
  LLVMValueRef r =
      LLVMBuildCall2(b, kc->fnty, fn, kc->args, kc->ft->nparams + 1, "");
  LLVMBuildBr(b, kc->join);
  if (kc->phi)
    LLVMAddIncoming(kc->phi, &r, &bb, 1);
  return bb;
}

static LLVMBasicBlockRef trap_block(cg_func *f, uint32_t code,
                                    LLVMValueRef idx) {
  LLVMBasicBlockRef bb = cg_new_block(f, "known_trap");
  LLVMPositionBuilderAtEnd(f->cm->b, bb);
  if (code == WASMRT_TRAP_UNINITIALIZED_ELEMENT)
    cg_trap_uninitialized(f, idx);
  else
    cg_trap(f, code);
  return bb;
}

static bool callable(const wasm_module *m, uint32_t fi,
                     const wasm_functype *ft) {
  return fi != UINT32_MAX &&
         wasm_functype_equal(wasm_module_func_type(m, fi), ft);
}

/* The block entry i branches to; entries with one target share it. */
static LLVMBasicBlockRef target_block(cg_func *f, known_call *kc,
                                      const uint32_t *elems, uint32_t i,
                                      LLVMBasicBlockRef *targets) {
  for (uint32_t j = 0; j < i; j++)
    if (elems[j] == elems[i])
      return targets[j];
  if (elems[i] == UINT32_MAX) {
    if (!kc->null_bb)
      kc->null_bb = trap_block(f, WASMRT_TRAP_UNINITIALIZED_ELEMENT, kc->idx);
    return kc->null_bb;
  }
  if (!callable(f->cm->m, elems[i], kc->ft)) {
    if (!kc->mismatch_bb)
      kc->mismatch_bb =
          trap_block(f, WASMRT_TRAP_INDIRECT_TYPE_MISMATCH, kc->idx);
    return kc->mismatch_bb;
  }
  return call_block(f, kc, elems[i]);
}

/* Distinct functions of type ft among the n entries. */
static uint32_t count_targets(const wasm_module *m, const uint32_t *elems,
                              uint32_t n, const wasm_functype *ft) {
  uint32_t distinct = 0;
  for (uint32_t i = 0; i < n; i++) {
    bool seen = false;
    for (uint32_t j = 0; j < i && !seen; j++)
      seen = elems[j] == elems[i];
    distinct += !seen && callable(m, elems[i], ft);
  }
  return distinct;
}

cg_result cg_call_known_table(cg_func *f, uint32_t ti, const uint32_t *elems,
                              uint32_t n, LLVMValueRef idx) {
  cg_module *cm = f->cm;
  LLVMBuilderRef b = cm->b;
  known_call kc = {
      .ft = &cm->m->types[ti], .fnty = cm->sig_types[ti], .idx = idx};
  /* None (every entry traps: the generic path says which), or too many. */
  uint32_t distinct = count_targets(cm->m, elems, n, kc.ft);
  if (distinct == 0 || distinct > KNOWN_TARGETS_MAX)
    return CG_UNHANDLED;
  uint32_t np = kc.ft->nparams;
  if (f->sp < np)
    return cg_fail(f, "operand stack underflow"), CG_ERROR;
  kc.args = malloc((np + 1) * sizeof *kc.args);
  LLVMBasicBlockRef *targets = malloc(n * sizeof *targets);
  if (!kc.args || !targets) {
    free(kc.args);
    free(targets);
    return cg_fail(f, "out of memory"), CG_ERROR;
  }
  if (np)
    memcpy(kc.args + 1, f->stack + f->sp - np, np * sizeof *kc.args);
  f->sp -= np;
  LLVMBasicBlockRef from = LLVMGetInsertBlock(b);
  kc.join = cg_new_block(f, "known_join");
  if (kc.ft->nresults) {
    LLVMPositionBuilderAtEnd(b, kc.join);
    kc.phi = LLVMBuildPhi(b, LLVMGetReturnType(kc.fnty), "");
  }
  for (uint32_t i = 0; i < n; i++)
    targets[i] = target_block(f, &kc, elems, i, targets);
  LLVMBasicBlockRef undefined =
      trap_block(f, WASMRT_TRAP_UNDEFINED_ELEMENT, idx);
  LLVMPositionBuilderAtEnd(b, from);
  LLVMValueRef sw = LLVMBuildSwitch(b, idx, undefined, n);
  for (uint32_t i = 0; i < n; i++)
    LLVMAddCase(sw, cg_i32(f, i), targets[i]);
  free(targets);
  free(kc.args);
  LLVMPositionBuilderAtEnd(b, kc.join);
  if (!kc.phi)
    return CG_OK;
  return cg_push_results(f, kc.phi, kc.ft->nresults) ? CG_OK : CG_ERROR;
}
