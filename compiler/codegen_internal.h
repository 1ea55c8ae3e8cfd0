/* codegen_internal.h — private to the code generator (compiler/codegen_*,
 * emit.c, link.c, artifact_write.c). Not part of any public interface.
 *
 * Two contexts: cg_module (one LLVM module per compile: types, function
 * declarations) and cg_func (one wasm function being translated: operand
 * stack, control frames, locals, trap block).
 */
#ifndef WASMC_CODEGEN_INTERNAL_H
#define WASMC_CODEGEN_INTERNAL_H

#include "wasm.h"
#include "wasmc.h"

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cg_module {
  const wasm_module *m;
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  wasm_error *err;
  const char *tune_cpu; /* "tune-cpu" function attribute, or NULL */
  unsigned opt_level;
  bool interrupt_polls; /* wasmc_options.interrupt_polls */
  /* Partitioned compiles (compile.c): this module defines the functions
   * with part_of[i] == part and declares the rest; partition 0 also holds
   * entries, adapters, info and metadata. part_of NULL: all here. */
  const uint8_t *part_of;
  uint8_t part;

  LLVMTypeRef t_void, t_i1, t_i8, t_i32, t_i64, t_f32, t_f64, t_ptr, t_v128;
  unsigned md_invariant; /* kind id of !invariant.load */
  unsigned md_nonnull;   /* ...of !nonnull */
  unsigned md_align;     /* ...of !align */
  unsigned md_deref;     /* ...of !dereferenceable */
  unsigned md_scope;     /* ...of !alias.scope */
  unsigned md_noalias;   /* ...of !noalias */
  LLVMValueRef md_empty; /* the empty node !invariant.load and !nonnull take */

  LLVMTypeRef *sig_types; /* native LLVM function type per type index */
  LLVMValueRef *funcs;    /* per defined function: wasmc_func_<i> */
  /* Per table index: its entries (function indices, UINT32_MAX for null)
   * when known at compile time, else NULL; the array may be NULL (-O0).
   * codegen_known_table.c; shared by all partitions. */
  uint32_t *const *known_tables;
} cg_module;

typedef enum cg_frame_kind {
  CG_FRAME_FUNC,
  CG_FRAME_BLOCK,
  CG_FRAME_LOOP,
  CG_FRAME_IF,
} cg_frame_kind;

/* A control frame. The branch label is `label` (the header of a loop, the
 * continuation of anything else) with one phi per label value; `end_bb`
 * receives the fall-through results. */
typedef struct cg_frame {
  cg_frame_kind kind;
  uint32_t nparams, nresults;
  const wasm_valtype *params, *results;
  wasm_valtype single; /* storage for a one-result block type */
  size_t height;       /* operand stack height below the params */
  LLVMBasicBlockRef label, end_bb, else_bb;
  LLVMValueRef *label_phis, *end_phis; /* owned */
  LLVMValueRef *if_params;             /* owned: params for the else arm */
  uint32_t end_preds;                  /* branches into end_bb so far */
  bool seen_else;
  bool reachable_at_entry; /* code at `if` time was reachable */
} cg_frame;

/* A loop versioned by codegen_version.c (see there). */
#define CG_VER_MAX_ACCESSES 32
#define CG_VER_MAX_GROUPS 6
#define CG_VER_MAX_ADDS 64

/* `c` plus the value `local` had when the iteration began (UINT32_MAX:
 * no local, the constant c). Arithmetic is modulo 2^32. */
typedef struct cg_ver_lin {
  uint32_t local, c;
} cg_ver_lin;

typedef struct cg_ver_access {
  cg_ver_lin addr;
  uint32_t offset; /* memarg offset */
  uint8_t bytes, group;
  bool store;
} cg_ver_access;

/* The accesses through one local: they may alias each other, and the
 * fast copy runs only when their range is apart from the other groups'. */
typedef struct cg_ver_group {
  uint32_t local;
  int32_t step; /* of the local per iteration; 0: unchanged */
  bool has_store;
  /* Extreme constants c of its addresses `local + c` (signed), and the
   * byte range [bmin, bmax) they reach relative to the local. */
  int64_t cmin, cmax, bmin, bmax;
  LLVMValueRef scope, noalias; /* metadata lists; noalias may be NULL */
} cg_ver_group;

typedef struct cg_version_plan {
  cg_ver_lin counter, target; /* runs while counter + k*step != target */
  int32_t counter_step;
  uint32_t naccess, ngroups;
  cg_ver_access access[CG_VER_MAX_ACCESSES];
  cg_ver_group group[CG_VER_MAX_GROUPS];
  uint32_t next; /* accesses tagged so far in the fast copy */
  /* The body's i32.add instructions in order, and whether the check
   * proves each one does not wrap (nuw in the fast copy). */
  uint32_t nadds, next_add;
  bool add_nuw[CG_VER_MAX_ADDS];
} cg_version_plan;

typedef struct cg_func {
  cg_module *cm;
  uint32_t index; /* among defined functions */
  const wasm_functype *type;
  LLVMValueRef fn, vmctx;
  LLVMBasicBlockRef entry;
  LLVMValueRef mem0_base; /* loaded once in the entry block, or NULL */

  uint32_t nlocals; /* params included */
  wasm_valtype *local_types;
  LLVMValueRef *locals; /* allocas */

  LLVMValueRef *stack;
  size_t sp, stack_cap;
  cg_frame *frames;
  size_t nframes, frames_cap;

  bool unreachable;    /* the current position is dead code */
  uint32_t dead_depth; /* blocks opened inside dead code */
  LLVMBasicBlockRef trap_bb;
  LLVMValueRef trap_phi;
  uint32_t instr_offset;    /* for error messages */
  cg_version_plan *version; /* while translating a loop's fast copy */
} cg_func;

typedef enum cg_result { CG_OK, CG_UNHANDLED, CG_ERROR } cg_result;

/* ----------------------------------------------------- codegen_module.c */
LLVMTypeRef cg_valtype(cg_module *cm, wasm_valtype t);
/* Native return type: void, the single result, or a struct of results. */
LLVMTypeRef cg_return_type(cg_module *cm, uint32_t n, const wasm_valtype *t);
LLVMTypeRef cg_sig_type(cg_module *cm, const wasm_functype *ft);
/* Builds the partition described by cm->part_of/part. */
bool cg_module_build(cg_module *cm);
static inline bool cg_defines(const cg_module *cm, uint32_t i) {
  return !cm->part_of || cm->part_of[i] == cm->part;
}
void cg_add_metadata(cg_module *cm, const uint8_t *blob, size_t len);
/* Fills the cached types of a fresh context. */
void cg_init_types(cg_module *cm);

/* ------------------------------------------------------- codegen_func.c */
bool cg_translate_function(cg_module *cm, uint32_t index);
bool cg_fail(cg_func *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool cg_push(cg_func *f, LLVMValueRef v);
LLVMValueRef cg_pop(cg_func *f);
LLVMValueRef cg_peek(cg_func *f, size_t depth);
/* Loads a field of a struct at `base + offset`; `invariant` marks it so
 * LLVM may hoist it (the ABI's (const) fields). */
LLVMValueRef cg_load_field(cg_func *f, LLVMTypeRef ty, LLVMValueRef base,
                           size_t offset, bool invariant);
/* Loads a pointer the instance fixes before any code runs (a vmctx field,
 * an entry of the arrays they point to): invariant, never null, 8-aligned
 * and, when `deref` > 0, that many bytes readable (instance.c allocates
 * every array with its module's count of entries). */
LLVMValueRef cg_load_instance_ptr(cg_func *f, LLVMValueRef base, size_t offset,
                                  uint64_t deref);
/* Entry `index` of the instance's array of `count` pointers at vmctx field
 * `field` (tables, memories, globals); each points at `entry_size` bytes. */
LLVMValueRef cg_load_instance_entry(cg_func *f, size_t field, uint64_t count,
                                    uint32_t index, uint64_t entry_size);
LLVMValueRef cg_gep(cg_func *f, LLVMValueRef base, LLVMValueRef byte_off);
LLVMValueRef cg_gep_const(cg_func *f, LLVMValueRef base, uint64_t byte_off);
/* Branches to the trap block with `code` when `cond` holds. */
void cg_trap_if(cg_func *f, LLVMValueRef cond, uint32_t code);
void cg_trap(cg_func *f, uint32_t code);
/* Calls the builtin at `offset` in wasmrt_builtins. */
LLVMValueRef cg_call_builtin(cg_func *f, size_t offset, LLVMTypeRef ret,
                             LLVMTypeRef *params, LLVMValueRef *args,
                             unsigned n);
LLVMValueRef cg_intrinsic(cg_func *f, const char *name, LLVMTypeRef *tys,
                          unsigned ntys, LLVMValueRef *args, unsigned nargs);
LLVMValueRef cg_i32(cg_func *f, uint64_t v);
LLVMValueRef cg_i64(cg_func *f, uint64_t v);
/* A new block placed before the function's return block. */
LLVMBasicBlockRef cg_new_block(cg_func *f, const char *name);
/* Pushes the values of a multi-value call result. */
bool cg_push_results(cg_func *f, LLVMValueRef r, uint32_t n);

/* ---------------------------------------------------- codegen_version.c */
/* Whether the loop whose body starts at byte `pos` (of a function ending
 * at `end`) can be versioned; fills *p when it can. */
bool cg_version_scan(const cg_func *f, uint32_t pos, uint32_t end,
                     cg_version_plan *p);
/* Emits, at the builder, the i1 that selects the fast copy. */
LLVMValueRef cg_version_check(cg_func *f, cg_version_plan *p,
                              uint32_t loop_off);
/* Gives the next memory access of a fast copy its scope metadata (no-op
 * outside one). */
bool cg_version_tag(cg_func *f, LLVMValueRef access);
/* Marks the next i32.add of a fast copy nuw when the check proves it
 * (no-op outside one). */
void cg_version_mark_add(cg_func *f, LLVMValueRef add);

/* ------------------------------------------------------- codegen_ir.c */
/* cg_intrinsic outside a function being translated (at the builder). */
LLVMValueRef cg_module_intrinsic(cg_module *cm, const char *name,
                                 LLVMTypeRef *tys, unsigned ntys,
                                 LLVMValueRef *args, unsigned nargs);
/* Function attributes: key="value", and an enum attribute by name. */
void cg_add_fn_attr(cg_module *cm, LLVMValueRef fn, const char *key,
                    const char *value);
void cg_add_fn_flag(cg_module *cm, LLVMValueRef fn, const char *name);
void cg_mark_noreturn(cg_module *cm, LLVMValueRef call);
/* Weights a conditional branch whose true arm traps as never taken. */
void cg_mark_cold_branch(cg_module *cm, LLVMValueRef condbr);

/* -------------------------------------------------- codegen_ptr_map.c */
/* Pointer -> index; a key put twice keeps its first index. The map must
 * be sized (init) for every key put into it. */
typedef struct cg_ptr_map {
  const void **keys;
  uint32_t *vals;
  size_t mask;
} cg_ptr_map;
bool cg_ptr_map_init(cg_ptr_map *m, uint32_t n);
void cg_ptr_map_put(cg_ptr_map *m, const void *key, uint32_t val);
/* UINT32_MAX if key is not in the map. */
uint32_t cg_ptr_map_get(const cg_ptr_map *m, const void *key);
void cg_ptr_map_free(cg_ptr_map *m);
/* Each block -> its index in `blocks`. */
bool cg_ptr_map_of_blocks(cg_ptr_map *m, LLVMBasicBlockRef *blocks, uint32_t n);

/* ------------------------------------------------------- codegen_poll.c */
/* Marks fn (parameter 0: the vmctx) for interrupt polls. */
void cg_mark_polled(cg_module *cm, LLVMValueRef fn);
/* Polls the cycles of the marked functions, and puts a stack check and a
 * poll at the entry of those that make calls; runs after the optimization
 * pipeline. */
bool cg_place_polls(cg_module *cm);

/* ----------------------------------------------------- codegen_tuning.c */
/* Keeps rotate-heavy functions scalar (see the file); runs before the
 * optimization pipeline, at -O2 and above. */
void cg_tune_vectorization(cg_module *cm);

/* ---------------------------------------------------- codegen_selects.c */
/* Marks every select !unpredictable so the back end keeps it a cmov (see
 * the file); runs after the optimization pipeline. */
void cg_mark_selects_unpredictable(cg_module *cm);

/* ----------------------------------------------------- codegen_switch.c */
/* Turns dense switches that select constants into table loads where LLVM
 * kept a jump table (see the file); runs after the optimization pipeline. */
void cg_switch_tables(cg_module *cm);

/* ----------------------------------------------------- codegen_nowrap.c */
/* Marks `add nuw` the i32 adds of small constants to addresses already
 * accessed (see the file); runs after mem2reg, before the pipeline. */
void cg_mark_nowrap_adds(cg_module *cm);
/* The i32 address `p` of a wasm memory access whose pointer operand is
 * `mem0_base + zext(p) [+ offset]` (codegen_memory.c's form, after
 * mem2reg), or NULL if `ptr` is not one; vmctx: the function's parameter 0. */
LLVMValueRef cg_wasm_address(LLVMValueRef ptr, LLVMValueRef vmctx);
/* The vmctx (parameter 0) of a function with a body, or NULL. */
LLVMValueRef cg_function_vmctx(LLVMValueRef fn);

/* ------------------------------------------------- codegen_keep_loads.c */
/* Makes volatile the wasm loads whose value nothing uses, so they still
 * trap (see the file); runs after mem2reg, at every level. */
void cg_keep_dead_loads(cg_module *cm);

/* -------------------------------------------------- codegen families */
cg_result cg_control(cg_func *f, const wasm_instr *in);
cg_result cg_int(cg_func *f, const wasm_instr *in);
cg_result cg_float(cg_func *f, const wasm_instr *in);
cg_result cg_memory(cg_func *f, const wasm_instr *in);
/* Current byte size of memory `mem` (i64; it only grows). */
LLVMValueRef cg_memory_bytes(cg_func *f, uint32_t mem);
cg_result cg_variables(cg_func *f, const wasm_instr *in);
cg_result cg_table(cg_func *f, const wasm_instr *in);
cg_result cg_bulk(cg_func *f, const wasm_instr *in);
/* The 0xFD prefix (codegen_simd.c); v128 is cm->t_v128 everywhere. */
cg_result cg_simd(cg_func *f, const wasm_instr *in);
/* Calls a native function pointer of wasm type `ft` with vmctx first and
 * the arguments popped from the stack; pushes the results. */
bool cg_emit_call(cg_func *f, LLVMValueRef callee, LLVMValueRef callee_vmctx,
                  const wasm_functype *ft, LLVMTypeRef fnty);
/* The native code and vmctx a direct call of function `fi` uses. */
void cg_callee(cg_func *f, uint32_t fi, LLVMValueRef *native, LLVMValueRef *vm);
/* Traps "uninitialized element `idx`"; ends the current block. */
void cg_trap_uninitialized(cg_func *f, LLVMValueRef idx);

/* ------------------------------------------------ codegen_known_table.c */
/* The tables of m known at compile time, for cg_module.known_tables; NULL
 * at -O0, without tables or when out of memory (calls then take the
 * generic path). Computed once per compile. */
uint32_t **cg_find_known_tables(const wasm_module *m, unsigned opt_level);
void cg_free_known_tables(const wasm_module *m, uint32_t **known);
/* call_indirect of type `ti` at index `idx` (already popped) through a
 * table of `n` known entries; CG_UNHANDLED when the generic path should
 * emit it (no entry has the call's type, or too many do). */
cg_result cg_call_known_table(cg_func *f, uint32_t ti, const uint32_t *elems,
                              uint32_t n, LLVMValueRef idx);

/* --------------------------------------------------------------- emit.c */
typedef struct cg_target {
  LLVMTargetMachineRef tm;
  char triple[64];
  char cpu[64];
  const char *tune_cpu; /* scheduling model when it differs from cpu */
  char *features;       /* malloc'd */
} cg_target;

bool cg_target_create(const wasmc_options *opts, cg_target *t, wasm_error *err);
void cg_target_dispose(cg_target *t);
bool cg_emit_object(cg_module *cm, cg_target *t, unsigned opt_level,
                    uint8_t **obj, size_t *obj_len, wasm_error *err);

/* --------------------------------------------------------------- link.c */
/* Links `n` objects (the partitions) into one shared object. */
bool cg_link_shared(uint8_t *const *objs, const size_t *obj_lens, unsigned n,
                    uint8_t **so, size_t *so_len, wasm_error *err);

/* ------------------------------------------------------ artifact_write.c */
/* Builds the `.wasmc` section contents (header + code-less module). */
bool cg_artifact_section(const uint8_t *wasm, size_t len, const cg_target *t,
                         uint8_t **out, size_t *out_len, wasm_error *err);

#endif /* WASMC_CODEGEN_INTERNAL_H */
