/* wasmrt_abi.h — the contract between compiled artifacts and the runtime.
 *
 * This header is the only thing the code generator (compiler/codegen_*) and
 * the runtime (runtime/) share. Compiled code never calls a runtime symbol:
 * it reaches the runtime only through the instance context (vmctx), the
 * first argument of every compiled function, and the table of builtins it
 * points to. So an artifact has no undefined symbols and loads anywhere.
 *
 * Changing a layout here changes the artifact format: bump
 * WASMRT_ABI_VERSION, which the loader checks.
 *
 * Conventions
 * - Every wasm function `f` of type [p...] -> [r...] is compiled to a native
 *   function `R f(wasmrt_vmctx *vmctx, P...)`. One result is returned
 *   directly; several results are returned as an LLVM struct by value
 *   (the C ABI then decides registers vs. memory — both sides are LLVM/C
 *   generated from the same signature, so it is consistent). Types map as
 *   i32->int32_t, i64->int64_t, f32->float, f64->double, v128-><2 x i64>
 *   (a 16-byte vector), funcref/externref->pointer (NULL is ref.null).
 * - Array ABI (host -> wasm entry): `void entry(wasmrt_vmctx *vmctx,
 *   uint64_t *slots)`: parameters are read from slots[0..], results are
 *   written to slots[0..] afterwards; each value takes one slot, v128 two
 *   (low half first), references one (the pointer). `slots` is sized
 *   max(params, results).
 * - Host functions (imports satisfied by C callbacks) are called by compiled
 *   code through a compiled native->array adapter, one per imported
 *   function: it spills args into a slot array on its stack and calls
 *   `hostfn->callback(hostfn, caller_vmctx, slots)`. A non-zero return
 *   from the callback makes the adapter call builtins->trap_host, which
 *   unwinds to the innermost entry (the callback itself must never longjmp).
 */
#ifndef WASMRT_ABI_H
#define WASMRT_ABI_H

#include <stddef.h>
#include <stdint.h>

#define WASMRT_ABI_VERSION 3u

/* The most pages a memory ever has: 4 GiB - 64 KiB, one page short of the
 * 65536 a memory type may declare (wasm lets memory.grow fail at any
 * implementation limit). Compiled code relies on it: an access that did
 * not trap proves that its i32 address plus any k <= 65536 does not wrap
 * (compiler/codegen_nowrap.c). memory.grow past it returns -1; a memory
 * whose minimum is 65536 pages cannot be created. */
#define WASMRT_MAX_MEMORY_PAGES 65535u

/* Trap codes, once: enum + message ("out of bounds memory access" is the
 * spec suite's wording). The order is ABI: codes are compiled in. */
#define WASMRT_TRAPS(X)                                                        \
  X(NONE, "no trap")                                                           \
  X(UNREACHABLE, "unreachable")                                                \
  X(MEMORY_OOB, "out of bounds memory access")                                 \
  X(TABLE_OOB, "out of bounds table access")                                   \
  X(INT_DIV_ZERO, "integer divide by zero")                                    \
  X(INT_OVERFLOW, "integer overflow")                                          \
  X(INVALID_CONVERSION, "invalid conversion to integer")                       \
  X(INDIRECT_TYPE_MISMATCH, "indirect call type mismatch")                     \
  X(UNDEFINED_ELEMENT, "undefined element")                                    \
  X(UNINITIALIZED_ELEMENT, "uninitialized element")                            \
  X(STACK_EXHAUSTED, "call stack exhausted")                                   \
  X(INTERRUPTED, "interrupted")                                                \
  X(HOST, "host function failed")                                              \
  X(EXIT, "program exited")

typedef enum wasmrt_trap_code {
#define WASMRT_X(id, msg) WASMRT_TRAP_##id,
  WASMRT_TRAPS(WASMRT_X)
#undef WASMRT_X
      WASMRT_TRAP_COUNT
} wasmrt_trap_code;

typedef struct wasmrt_vmctx wasmrt_vmctx;

/* A function reference: what funcref values, table elements and
 * call_indirect use. One per function per instance, owned by the instance
 * that defines the function (imports share the exporter's). NULL is
 * ref.null. `type_id` is the process-wide canonical signature id. */
typedef struct wasmrt_funcref {
  void *native;                              /* R f(wasmrt_vmctx *, P...) */
  void (*array)(wasmrt_vmctx *, uint64_t *); /* array-ABI entry */
  wasmrt_vmctx *vmctx; /* callee's context (for host fns: the hostfn) */
  uint32_t type_id;
  uint32_t flags; /* WASMRT_FUNC_* */
} wasmrt_funcref;

/* The function runs in time bounded by its size: compiled wasm with no
 * loop, no call and no bulk or grow instruction (every instruction runs at
 * most once, none takes long). Embedders may call it without giving up
 * locks they hold, as the Python extension keeps the GIL for it. */
#define WASMRT_FUNC_BOUNDED 1u

/* An imported function as compiled code calls it: native(vmctx, args). For
 * a wasm export of another instance `vmctx` is that instance's; for a host
 * function `native` is this module's adapter and `vmctx` is the
 * wasmrt_hostfn (cast). */
typedef struct wasmrt_func_import {
  void *native;
  wasmrt_vmctx *vmctx;
} wasmrt_func_import;

/* Host callback: args in slots, results out, as in the array ABI. Returns 0
 * on success; non-zero means "trap" (the embedder has recorded why; a
 * return value that is a wasmrt_trap_code, e.g. WASMRT_TRAP_EXIT, is the
 * trap's code when nothing was recorded). */
typedef struct wasmrt_hostfn wasmrt_hostfn;
typedef int (*wasmrt_host_callback)(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                                    uint64_t *slots);
struct wasmrt_hostfn {
  wasmrt_host_callback callback; /* offset 0: read by compiled adapters */
  void *env;                     /* embedder data */
  uint32_t type_id;
};

/* (Additive, runtime) For an import satisfied by a host function,
 * func_imports[i].vmctx and that function's funcref->vmctx point to a
 * per-instance binding, not to the embedder's wasmrt_hostfn. It begins with
 * a wasmrt_hostfn header, so an adapter still calls
 * `((wasmrt_hostfn *)vmctx)->callback((wasmrt_hostfn *)vmctx, x, slots)`;
 * that callback is the runtime's dispatcher, which ignores `x`, calls the
 * embedder's callback with the real caller vmctx (`caller` below), and on
 * failure unwinds itself, so it only ever returns 0. `builtins` sits at the
 * same offset as in wasmrt_vmctx, so an adapter that keeps the non-zero
 * check may use `((wasmrt_vmctx *)vmctx)->builtins->trap_host(vmctx)`. */
typedef struct wasmrt_builtins wasmrt_builtins;
typedef struct wasmrt_host_binding {
  wasmrt_hostfn header;            /*  0 callback = runtime dispatcher */
  wasmrt_vmctx *caller;            /* 24 the importing instance */
  const wasmrt_builtins *builtins; /* 32 == caller->builtins */
  wasmrt_hostfn *fn;               /* 40 the embedder's host function */
} wasmrt_host_binding;

/* A linear memory. `base` never moves: 8 GiB + 64 KiB of address space is
 * reserved up front (the 4 GiB addressable range, then PROT_NONE guard),
 * so `base + zext(i32 addr) + u32 offset + access size` always lands in
 * the reservation and compiled code needs no bounds check; it may keep
 * `base` in a register. The runtime turns a fault there into a trap. */
typedef struct wasmrt_memory {
  uint8_t *base;
  uint64_t size;      /* bytes accessible now (pages * 65536) */
  uint64_t max_pages; /* declared maximum, or 65536 (the type's limit) */
} wasmrt_memory;

/* A table; elements are funcref pointers or externref pointers. */
typedef struct wasmrt_table {
  void **elems;
  uint32_t size;
  uint32_t max; /* declared maximum, or UINT32_MAX */
} wasmrt_table;

/* A global's storage: 16 bytes so a v128 fits; i32/f32 in the low 4 bytes,
 * i64/f64/ref in the low 8 (little-endian). Imported globals point into
 * the exporting instance's cell. */
typedef union wasmrt_global {
  int32_t i32;
  int64_t i64;
  float f32;
  double f64;
  void *ref;
  uint8_t v128[16];
} wasmrt_global;

/* Runtime services for compiled code. Appending is compatible; reordering
 * is an ABI change. All take the caller's vmctx first. */
struct wasmrt_builtins {
  /* Unwind to the innermost host entry with this trap. Never returns. */
  void (*trap)(wasmrt_vmctx *vmctx, uint32_t code) __attribute__((noreturn));
  /* A host callback reported failure: unwind with the embedder's record. */
  void (*trap_host)(wasmrt_vmctx *vmctx) __attribute__((noreturn));
  /* Returns the old size in pages, or -1. */
  int32_t (*memory_grow)(wasmrt_vmctx *vmctx, uint32_t mem, uint32_t delta);
  /* Bulk memory: trap on out-of-bounds per the spec. */
  void (*memory_fill)(wasmrt_vmctx *vmctx, uint32_t mem, uint32_t dst,
                      uint32_t val, uint32_t n);
  void (*memory_copy)(wasmrt_vmctx *vmctx, uint32_t dst_mem, uint32_t src_mem,
                      uint32_t dst, uint32_t src, uint32_t n);
  void (*memory_init)(wasmrt_vmctx *vmctx, uint32_t mem, uint32_t seg,
                      uint32_t dst, uint32_t src, uint32_t n);
  void (*data_drop)(wasmrt_vmctx *vmctx, uint32_t seg);
  /* Tables. */
  void *(*table_get)(wasmrt_vmctx *vmctx, uint32_t table, uint32_t idx);
  void (*table_set)(wasmrt_vmctx *vmctx, uint32_t table, uint32_t idx,
                    void *ref);
  int32_t (*table_grow)(wasmrt_vmctx *vmctx, uint32_t table, void *init,
                        uint32_t delta);
  void (*table_fill)(wasmrt_vmctx *vmctx, uint32_t table, uint32_t dst,
                     void *ref, uint32_t n);
  void (*table_copy)(wasmrt_vmctx *vmctx, uint32_t dst_table,
                     uint32_t src_table, uint32_t dst, uint32_t src,
                     uint32_t n);
  void (*table_init)(wasmrt_vmctx *vmctx, uint32_t table, uint32_t seg,
                     uint32_t dst, uint32_t src, uint32_t n);
  void (*elem_drop)(wasmrt_vmctx *vmctx, uint32_t seg);
  /* The funcref of function `func` (index space incl. imports). */
  void *(*ref_func)(wasmrt_vmctx *vmctx, uint32_t func);
  /* The interrupt flag was seen set: clear it and trap INTERRUPTED. */
  void (*interrupted)(wasmrt_vmctx *vmctx) __attribute__((noreturn));
  /* (Additive) Like trap, with the offending element index appended to the
   * message as the reference interpreter does ("uninitialized element 2"). */
  void (*trap_index)(wasmrt_vmctx *vmctx, uint32_t code, uint32_t index)
      __attribute__((noreturn));
};

/* The instance context. Fixed header at fixed offsets (compiled code
 * addresses fields by offset, so these are ABI), then per-module arrays
 * reached through pointers. Fields marked (const) never change after
 * instantiation, so compiled code may load them once per function. */
struct wasmrt_vmctx {
  uint8_t *mem0_base;               /*  0 (const) memory 0's base or NULL */
  uint64_t reserved0_;              /*  8 unused: memory 0 may be shared
                                             with other instances, so its
                                             size is read from
                                             memories[0]->size */
  uintptr_t stack_limit;            /* 16 lowest allowed stack address */
  volatile uint32_t interrupt;      /* 24 non-zero: interrupted (read by
                                             code compiled with interrupt
                                             polls, and by the runtime) */
  uint32_t pad_;                    /* 28 */
  const wasmrt_builtins *builtins;  /* 32 (const) */
  wasmrt_memory **memories;         /* 40 (const) by memory index */
  wasmrt_table **tables;            /* 48 (const) by table index */
  wasmrt_global **globals;          /* 56 (const) by global index */
  wasmrt_func_import *func_imports; /* 64 (const) by imported func index */
  const uint32_t *type_ids;         /* 72 (const) canonical id by typeidx */
  wasmrt_funcref **funcrefs;        /* 80 (const) by function index */
  void *instance;                   /* 88 (const) runtime-private owner */
};

/* Symbols every artifact defines (names are ABI, see the loader):
 *   wasmc_artifact_info           const wasmrt_artifact_info
 *   wasmc_func_<i>                native code of defined function i (the
 *                                 symbol table also carries the name
 *                                 section's name as an alias where given)
 *   wasmc_array_<i>               array-ABI entry of defined function i
 *   wasmc_import_adapter_<i>      native->array adapter for imported func i
 * and the pointers are also collected in wasmc_artifact_info so the loader
 * needs one dlsym. */
typedef struct wasmrt_artifact_info {
  uint32_t abi_version; /* WASMRT_ABI_VERSION */
  uint32_t num_imported_funcs;
  uint32_t num_defined_funcs;
  uint32_t pad_;
  void *const *native;                              /* [num_defined_funcs] */
  void (*const *array)(wasmrt_vmctx *, uint64_t *); /* [num_defined_funcs] */
  void *const *import_adapters;                     /* [num_imported] */
  const uint8_t *func_flags; /* [num_defined_funcs] WASMRT_FUNC_*, or NULL */
} wasmrt_artifact_info;

#define WASMRT_ARTIFACT_INFO_SYMBOL "wasmc_artifact_info"

#endif /* WASMRT_ABI_H */
