/* wasmrt.h — the runtime's embedder API: instances of compiled modules,
 * calls into wasm, traps, linear memories, tables, globals and host
 * functions.
 *
 * Objects and ownership
 * - Instances, tables and reference-typed globals live in *stores*:
 *   ownership groups freed as a whole when the last handle on any of their
 *   members is released. Inside a group objects point at each other
 *   freely (an instance at its tables, a table at the instances whose
 *   funcrefs it holds), so cycles never leak. A new instance, table or
 *   global starts a group of its own; groups merge (for good) when a
 *   reference may cross between them: an instance importing a table, a
 *   reference-typed global or a function of another instance; a funcref of
 *   another group stored by wasmrt_table_set/_grow/_new or
 *   wasmrt_global_set/_new. Compiled code only ever sees references of its
 *   own group, so nothing else needs joining — except what the embedder
 *   passes into wasm by other ways (call arguments, host function
 *   results): join the groups first (wasmrt_store_join of the callee's and
 *   the funcref's instance stores). A consequence: an instance tied to a
 *   long-lived group (say, importing a function of a long-lived instance)
 *   is freed with that group, not before.
 * - Memories, host functions and numeric globals hold no references: they
 *   are plain refcounted leaves; an instance retains those it creates or
 *   imports and releases them when its group dies.
 * - Handles: wasmrt_*_retain / wasmrt_*_release count on the object's
 *   store (for leaves, on the object). The handles are the ABI structs of
 *   wasmrt_abi.h, always allocated by the runtime (never by the embedder).
 *   A function reference (wasmrt_funcref) is valid as long as a handle
 *   reaches the group of wasmrt_funcref_instance(fn).
 * - The module description and the artifact code passed to
 *   wasmrt_instance_new must outlive the instance, that is its group: give
 *   wasmrt_options.keep/keep_drop (or wasmrt_store_keep) to free them with
 *   it. A group's embedder data (wasmrt_store_keep) is dropped after all
 *   of its objects are freed, e.g. Python objects passed as externrefs.
 *
 * Traps
 * - Every host→wasm call goes through wasmrt_call, which returns a trap
 *   record; a trap unwinds to the innermost wasmrt_call only, so a host
 *   callback that calls back into wasm sees that nested call's trap.
 * - A host callback fails by recording why (wasmrt_host_trap_set) and
 *   returning non-zero; the wasmrt_call that entered wasm then returns a
 *   HOST (or EXIT) record carrying the embedder's message and payload.
 *   Without a record, a non-zero return that is a trap code (WASI returns
 *   WASMRT_TRAP_EXIT) is the trap's code, any other non-zero means HOST.
 *
 * Threads: different instances may run on different threads at once; the
 * trap state is per thread. One instance must not run on two threads at
 * once (its stack limit lives in its vmctx).
 */
#ifndef WASMRT_H
#define WASMRT_H

#include "wasm.h"
#include "wasmrt_abi.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- values */

/* A typed value, for globals and embedder conveniences. Slots of the
 * array ABI are plain uint64_t (see wasmrt_abi.h). */
typedef struct wasmrt_value {
  wasm_valtype type;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uint8_t v128[16];
    void *ref; /* funcref: wasmrt_funcref *; externref: opaque; NULL = null */
  } of;
} wasmrt_value;

/* -------------------------------------------------------------- traps */

typedef struct wasmrt_trap {
  wasmrt_trap_code code; /* WASMRT_TRAP_NONE: no trap */
  int32_t exit_code;     /* for WASMRT_TRAP_EXIT */
  void *payload;         /* embedder's, for HOST/EXIT; else NULL */
  char message[256];
} wasmrt_trap;

/* The spec wording of a trap code ("out of bounds memory access"). */
const char *wasmrt_trap_message(wasmrt_trap_code code);

/* Called by a host callback just before it returns non-zero: the record
 * (code HOST or EXIT, message, exit_code, payload) is what the entry that
 * called into wasm reports. The runtime never frees the payload. */
void wasmrt_host_trap_set(const wasmrt_trap *trap);

/* ------------------------------------------------------ type interning */

/* Canonical process-wide id of a signature; equal ids <=> equal types.
 * Thread-safe. Returns UINT32_MAX only when out of memory. */
uint32_t wasmrt_type_intern(const wasm_functype *type);
/* The signature of a canonical id (lives as long as the process), or NULL. */
const wasm_functype *wasmrt_type_get(uint32_t type_id);

/* ------------------------------------------------------------ memories */

/* Creates a memory of `limits` pages. `cap_pages` (0 = none) further
 * bounds growth below the declared maximum. */
wasmrt_memory *wasmrt_memory_new(wasm_limits limits, uint32_t cap_pages,
                                 wasm_error *err);
void wasmrt_memory_retain(wasmrt_memory *mem);
void wasmrt_memory_release(wasmrt_memory *mem);
uint32_t wasmrt_memory_pages(const wasmrt_memory *mem);
/* Returns the old size in pages, or -1 (beyond maximum/cap, or no room). */
int64_t wasmrt_memory_grow(wasmrt_memory *mem, uint32_t delta);
/* The memory's type as an import sees it: min = current pages. */
wasm_memtype wasmrt_memory_type(const wasmrt_memory *mem);
/* Data is mem->base, size in bytes mem->size (both readable directly). */

/* -------------------------------------------------------------- tables */

wasmrt_table *wasmrt_table_new(wasm_tabletype type, void *init,
                               wasm_error *err);
void wasmrt_table_retain(wasmrt_table *table);
void wasmrt_table_release(wasmrt_table *table);
uint32_t wasmrt_table_size(const wasmrt_table *table);
/* false if idx is out of bounds. */
bool wasmrt_table_get(const wasmrt_table *table, uint32_t idx, void **out);
bool wasmrt_table_set(wasmrt_table *table, uint32_t idx, void *ref);
/* Returns the old size, or -1. */
int64_t wasmrt_table_grow(wasmrt_table *table, uint32_t delta, void *init);
/* min = current size. */
wasm_tabletype wasmrt_table_type(const wasmrt_table *table);

/* ------------------------------------------------------------- globals */

/* `init` must have type `type.type`. */
wasmrt_global *wasmrt_global_new(wasm_globaltype type, const wasmrt_value *init,
                                 wasm_error *err);
void wasmrt_global_retain(wasmrt_global *global);
void wasmrt_global_release(wasmrt_global *global);
wasm_globaltype wasmrt_global_type(const wasmrt_global *global);
wasmrt_value wasmrt_global_get(const wasmrt_global *global);
/* Fails on an immutable global or a value of another type. */
bool wasmrt_global_set(wasmrt_global *global, const wasmrt_value *value,
                       wasm_error *err);

/* ---------------------------------------------------- host functions */

/* A host function of `type` (copied). `callback` gets this hostfn (env is
 * in it), the vmctx of the instance that imported it (its memories are the
 * caller's) and the slots. It runs outside "in wasm" state and may call
 * back into wasm through wasmrt_call; it must never longjmp. `env_free`
 * (may be NULL) runs on the last release. */
wasmrt_hostfn *wasmrt_hostfn_new(const wasm_functype *type,
                                 wasmrt_host_callback callback, void *env,
                                 void (*env_free)(void *env), wasm_error *err);
void wasmrt_hostfn_retain(wasmrt_hostfn *fn);
void wasmrt_hostfn_release(wasmrt_hostfn *fn);
const wasm_functype *wasmrt_hostfn_type(const wasmrt_hostfn *fn);

/* ----------------------------------------------------------- instances */

typedef struct wasmrt_instance wasmrt_instance;

typedef enum wasmrt_extern_kind {
  WASMRT_EXTERN_NONE = 0, /* missing import: "unknown import" */
  WASMRT_EXTERN_FUNC,     /* a function of an instance (export, table) */
  WASMRT_EXTERN_HOSTFN,   /* a host function */
  WASMRT_EXTERN_TABLE,
  WASMRT_EXTERN_MEMORY,
  WASMRT_EXTERN_GLOBAL,
} wasmrt_extern_kind;

/* An import value or an export. Exports are borrowed from the instance. */
typedef struct wasmrt_extern {
  wasmrt_extern_kind kind;
  union {
    wasmrt_funcref *func;
    wasmrt_hostfn *hostfn;
    wasmrt_table *table;
    wasmrt_memory *memory;
    wasmrt_global *global;
  } of;
} wasmrt_extern;

#define WASMRT_DEFAULT_STACK_SIZE (1u << 20)           /* 1 MiB */
#define WASMRT_DEFAULT_MAX_TABLE_ELEMS (10u * 1000000) /* 80 MB of refs */

typedef struct wasmrt_options {
  /* Cap on the pages of memories this instance creates (0, or above
   * WASMRT_MAX_MEMORY_PAGES: that limit). */
  uint32_t max_memory_pages;
  /* Cap on the elements of tables this instance creates (0: default). */
  uint32_t max_table_elems;
  /* Stack wasm may use below the outermost host entry (0: default). It is
   * clamped to what the thread's stack really has left. */
  size_t stack_size;
  /* If keep_drop is set, keep_drop(keep) runs exactly once: when the
   * instance's group is freed, or before wasmrt_instance_new returns if it
   * fails before the instance exists. For the code and description. */
  void *keep;
  void (*keep_drop)(void *keep);
} wasmrt_options;

/* Instantiates: links `imports` (one per module import, in order), creates
 * memories/tables/globals, applies element then data segments, runs the
 * start function. NULL on failure with `err` set: UNLINKABLE ("unknown
 * import", "incompatible import type", naming module and field), RESOURCE,
 * or TRAP (segment out of bounds, or the start function trapped; the trap
 * record is also stored in `trap` if non-NULL). `options` may be NULL. */
wasmrt_instance *wasmrt_instance_new(const wasm_module *module,
                                     const wasmrt_artifact_info *code,
                                     const wasmrt_extern *imports,
                                     uint32_t num_imports,
                                     const wasmrt_options *options,
                                     wasmrt_trap *trap, wasm_error *err);
void wasmrt_instance_retain(wasmrt_instance *inst);
void wasmrt_instance_release(wasmrt_instance *inst);

const wasm_module *wasmrt_instance_module(const wasmrt_instance *inst);
wasmrt_vmctx *wasmrt_instance_vmctx(wasmrt_instance *inst);
/* The instance owning a vmctx (e.g. a host callback's caller). */
wasmrt_instance *wasmrt_vmctx_instance(wasmrt_vmctx *vmctx);

/* Looks an export up by name; false if there is none. */
bool wasmrt_instance_export(wasmrt_instance *inst, const char *name, size_t len,
                            wasmrt_extern *out);
/* The i-th export in module order (i < module->num_exports). */
wasmrt_extern wasmrt_instance_export_at(wasmrt_instance *inst, uint32_t i);

/* ------------------------------------------------------------- stores */

/* The store (ownership group) handles on an object count on. A numeric
 * global has none (NULL). See "Objects and ownership" above. */
typedef struct wasmrt_store wasmrt_store;
wasmrt_store *wasmrt_instance_store(const wasmrt_instance *inst);
wasmrt_store *wasmrt_table_store(const wasmrt_table *table);
wasmrt_store *wasmrt_global_store(const wasmrt_global *global);
/* The instance a function reference belongs to (for a host function
 * import, the importing instance). */
wasmrt_instance *wasmrt_funcref_instance(const wasmrt_funcref *fn);
/* A handle on a whole group (e.g. held by an embedder's funcref wrapper). */
void wasmrt_store_retain(wasmrt_store *store);
void wasmrt_store_release(wasmrt_store *store);
/* Merges the groups of a and b (either may be NULL): from now on they live
 * and die together. Thread-safe. */
void wasmrt_store_join(wasmrt_store *a, wasmrt_store *b);
/* Runs drop(data) when the group of `store` is freed, after its objects.
 * False (and nothing kept) when out of memory. */
bool wasmrt_store_keep(wasmrt_store *store, void *data,
                       void (*drop)(void *data));
/* The data of a wasmrt_store_keep with this `drop` in the group, or NULL
 * (an embedder's per-group registry). */
void *wasmrt_store_find(wasmrt_store *store, void (*drop)(void *data));

/* Stops the running call into this instance (a wasmrt_call of one of its
 * functions, on whichever thread): it traps INTERRUPTED. If none is
 * running, the next call traps INTERRUPTED at its start instead.
 * Async-signal-safe; callable from any thread.
 *
 * How (runtime/interrupt.c): the flag vmctx->interrupt is set, and the
 * running thread is sent SIGURG; its handler unwinds once that thread
 * executes compiled code, and a host function or runtime service the
 * call is in traps as it returns to compiled code. So a thread that runs
 * wasm must not block SIGURG, or its artifacts must be compiled with
 * interrupt polls (wasmc --interrupt-polls), which check the flag on loop
 * back-edges. The handler passes on every SIGURG the runtime did not send
 * to the handler that was installed before it. */
void wasmrt_interrupt(wasmrt_instance *inst);

/* -------------------------------------------------------------- calls */

/* The signature of a function reference. */
const wasm_functype *wasmrt_funcref_type(const wasmrt_funcref *fn);

/* True if `fn` is compiled wasm whose run time is bounded by its size
 * (WASMRT_FUNC_BOUNDED): a caller may skip releasing its own locks, or
 * arming interrupts, around such a call. */
static inline bool wasmrt_funcref_is_bounded(const wasmrt_funcref *fn) {
  return fn && (fn->flags & WASMRT_FUNC_BOUNDED);
}

/* Calls `fn` with the array ABI: args in slots[0..], results out in
 * slots[0..] (sized max(params, results), v128 two slots). Returns the trap
 * code (WASMRT_TRAP_NONE on success) and fills `trap` if non-NULL. */
wasmrt_trap_code wasmrt_call(const wasmrt_funcref *fn, uint64_t *slots,
                             wasmrt_trap *trap);

#ifdef __cplusplus
}
#endif
#endif /* WASMRT_H */
