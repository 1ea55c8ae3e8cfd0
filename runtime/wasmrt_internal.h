/* wasmrt_internal.h — private to runtime/: the containers behind the public
 * handles and the functions the runtime's files share. */
#ifndef WASMRT_INTERNAL_H
#define WASMRT_INTERNAL_H

#include "wasmrt.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/types.h>

#define RT_CONTAINER(ptr, type, member)                                        \
  ((type *)((char *)(ptr)-offsetof(type, member)))

#define RT_PAGE_SIZE 65536u
#define RT_MAX_PAGES 65536u
/* 4 GiB addressable + 4 GiB guard + 64 KiB so that base + u32 addr + u32
 * offset + access size always lands inside the reservation. */
#define RT_RESERVATION ((size_t)8 << 30 | (size_t)RT_PAGE_SIZE)

/* ------------------------------------------------------------ stores */

/* Membership of an object in a store's group (store.c). `drop` runs twice
 * when the group dies: phase 0 releases what the object holds outside the
 * group (every member is still valid then), phase 1 frees the object. */
typedef struct rt_owned rt_owned;
typedef void (*rt_owned_drop)(rt_owned *o, int phase);
struct rt_owned {
  wasmrt_store *store; /* where handles on this object are counted */
  rt_owned *next;
  rt_owned_drop drop;
};

/* A new store with one reference (the first handle of its object). */
wasmrt_store *rt_store_new(void);
/* Puts `o` in the group of `s`; `o` is then counted on `s`. */
void rt_store_add(wasmrt_store *s, rt_owned *o, rt_owned_drop drop);

/* ------------------------------------------------------------ objects */

typedef struct rt_memory {
  wasmrt_memory pub; /* first: handles are &pub */
  atomic_uint refs;
  pthread_mutex_t lock; /* serialises growth */
  bool has_max;
  uint32_t limit_pages;      /* min(declared max, cap) */
  struct rt_range *reg_node; /* its entry in rt_memory_ranges */
} rt_memory;

typedef struct rt_table {
  wasmrt_table pub;
  rt_owned own; /* every table belongs to a group */
  pthread_mutex_t lock;
  wasm_valtype elem_type;
  bool has_max;
  uint32_t limit; /* min(declared max, cap) */
} rt_table;

/* A reference-typed global belongs to a group (own.store set); a numeric
 * one holds nothing and is a plain refcounted leaf (own.store NULL). */
typedef struct rt_global {
  wasmrt_global cell; /* first: vmctx->globals point here */
  rt_owned own;
  atomic_uint refs; /* leaf globals only */
  wasm_globaltype type;
} rt_global;

typedef struct rt_hostfn {
  wasmrt_hostfn pub;
  atomic_uint refs;
  void (*env_free)(void *env);
  wasm_functype type; /* params/results point into types[] */
  wasm_valtype types[];
} rt_hostfn;

/* Every funcref handed out is one of these: the owner is needed for
 * keep-alive and to set the callee's stack limit on entry. */
typedef struct rt_funcref {
  wasmrt_funcref pub;
  wasmrt_instance *owner;
  bool is_host; /* pub.vmctx is a wasmrt_host_binding */
} rt_funcref;

static inline rt_memory *rt_mem(const wasmrt_memory *m) {
  return RT_CONTAINER(m, rt_memory, pub);
}
static inline rt_table *rt_tab(const wasmrt_table *t) {
  return RT_CONTAINER(t, rt_table, pub);
}
static inline rt_global *rt_glob(const wasmrt_global *g) {
  return RT_CONTAINER(g, rt_global, cell);
}
static inline rt_hostfn *rt_host(const wasmrt_hostfn *f) {
  return RT_CONTAINER(f, rt_hostfn, pub);
}
static inline rt_funcref *rt_fref(const wasmrt_funcref *f) {
  return RT_CONTAINER(f, rt_funcref, pub);
}

/* ---------------------------------------------------------- instances */

typedef struct rt_elem_seg {
  void **items; /* resolved references; NULL once dropped */
  uint32_t num_items;
} rt_elem_seg;

typedef struct rt_data_seg {
  const uint8_t *bytes;
  uint32_t size; /* 0 once dropped */
} rt_data_seg;

struct wasmrt_instance {
  wasmrt_vmctx vmctx;
  rt_owned own;              /* handles count on own.store */
  const wasm_module *module; /* not used once the group dies */
  const wasmrt_artifact_info *code;
  wasmrt_options opts;
  uint32_t num_funcs, num_tables, num_memories, num_globals;
  uint32_t num_imported_funcs, num_elems; /* copies, for freeing */
  wasmrt_memory **memories; /* vmctx arrays; each entry holds a reference */
  wasmrt_table **tables;
  wasmrt_global **globals;
  wasmrt_func_import *func_imports;
  uint32_t *type_ids;
  wasmrt_funcref **funcrefs;
  rt_funcref *own_refs;          /* defined functions, then host imports */
  wasmrt_host_binding *bindings; /* by imported function index */
  wasmrt_hostfn **hostfns;       /* retained, by imported function index */
  rt_elem_seg *elems;
  rt_data_seg *datas;
  struct rt_range *code_range; /* in rt_code_ranges, or NULL */
  /* The thread running this instance's outermost wasmrt_call (0: none),
   * for wasmrt_interrupt; and how many calls of it that thread has open.
   * One thread at a time runs an instance. */
  _Atomic pid_t run_tid;
  uint32_t run_depth;
};

static inline wasmrt_instance *rt_inst(wasmrt_vmctx *vmctx) {
  return (wasmrt_instance *)vmctx->instance;
}

/* ---------------------------------------------------- shared functions */

extern const wasmrt_builtins rt_builtins;

/* Unwinds to the innermost entry with a runtime trap. */
__attribute__((noreturn)) void rt_trap_raise(wasmrt_trap_code code);
/* The same with " INDEX" appended to the trap's message. */
__attribute__((noreturn)) void rt_trap_raise_index(wasmrt_trap_code code,
                                                   uint32_t index);
/* Unwinds after a host callback returned rc != 0: with the record it set
 * (wasmrt_host_trap_set), else with code rc if that is a trap code, else
 * HOST. */
__attribute__((noreturn)) void rt_trap_raise_host(int rc);

/* The host-import dispatcher (a wasmrt_host_binding's header.callback) and
 * the array entry of a host import's funcref. */
int rt_host_dispatch(wasmrt_hostfn *binding, wasmrt_vmctx *unused,
                     uint64_t *slots);
void rt_host_array_entry(wasmrt_vmctx *binding, uint64_t *slots);

/* Address ranges a signal handler may test against (ranges.c): adding and
 * removing take a lock, rt_range_contains is lock-free and
 * async-signal-safe. */
typedef struct rt_range rt_range;
typedef struct rt_range_set {
  rt_range *_Atomic head;
  pthread_mutex_t lock;
} rt_range_set;
#define RT_RANGE_SET_INIT                                                      \
  { NULL, PTHREAD_MUTEX_INITIALIZER }
/* Linear-memory reservations (faults there are out-of-bounds traps). */
extern rt_range_set rt_memory_ranges;
/* The text of compiled artifacts with live instances (an interrupt may
 * unwind from any instruction there). */
extern rt_range_set rt_code_ranges;
/* NULL when out of memory. */
rt_range *rt_range_add(rt_range_set *set, uintptr_t lo, uintptr_t hi);
void rt_range_remove(rt_range_set *set, rt_range *range); /* NULL: nothing */
bool rt_range_contains(rt_range_set *set, uintptr_t addr);

/* Interrupts (interrupt.c, and the handler in trap.c). */
#define WASMRT_INTERRUPT_SIGNAL SIGURG
/* Its address marks the signals rt_interrupt_send sends (si_value). */
extern const char rt_interrupt_marker;
/* Enters the executable segment holding `code` in rt_code_ranges, unless
 * it is the runtime's own (NULL then, and when there is no code). */
rt_range *rt_code_register(const wasmrt_artifact_info *code);
void rt_code_unregister(rt_range *range);
/* Sends WASMRT_INTERRUPT_SIGNAL to thread `tid` of this process.
 * Async-signal-safe. */
void rt_interrupt_send(pid_t tid);
/* Clears the instance's interrupt flag and traps INTERRUPTED (also
 * builtins->interrupted, which polling code calls). */
__attribute__((noreturn)) void rt_trap_interrupted(wasmrt_vmctx *vmctx);
/* Called where runtime code that compiled code called (a builtin, a host
 * function) returns to it: traps INTERRUPTED if the caller's instance was
 * interrupted meanwhile. The signal stops only compiled code, and a loop
 * that spends its time in here would rarely be found there. */
static inline void rt_interrupt_point(wasmrt_vmctx *vmctx) {
  if (__builtin_expect(vmctx->interrupt != 0, 0)) {
    rt_trap_interrupted(vmctx);
  }
}

/* Tables and globals created in the group of `store` (an instance's);
 * NULL: a group of their own. No join with `init`'s group (the caller's
 * references are its own group's). */
wasmrt_table *rt_table_new_in(wasmrt_store *store, wasm_tabletype type,
                              void *init, uint32_t cap, wasm_error *err);
wasmrt_global *rt_global_new_in(wasmrt_store *store, wasm_globaltype type,
                                const wasmrt_value *init, wasm_error *err);
/* table.grow without joining `init`'s group (compiled code's references
 * are always of the table's group). */
int64_t rt_table_grow(wasmrt_table *table, uint32_t delta, void *init);
/* Joins the group of `s` with that of funcref `ref` (NULL: nothing). */
void rt_store_join_ref(wasmrt_store *s, const void *ref);

#endif /* WASMRT_INTERNAL_H */
