/* fake.h — a tiny test harness and a "fake artifact": C functions that
 * follow the compiled-code ABI of wasmrt_abi.h (vmctx first, array-ABI
 * entries, import adapters reading the hostfn header), plus a hand-built
 * module description to go with them. Shared by the runtime tests. */
#ifndef RUNTIME_TESTS_FAKE_H
#define RUNTIME_TESTS_FAKE_H

#include "wasmrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each test program uses a different part of the fake artifact. */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"

static int failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

#define RUN(test)                                                              \
  do {                                                                         \
    int before_ = failures;                                                    \
    test();                                                                    \
    printf("%s %s\n", failures == before_ ? "ok  " : "FAIL", #test);           \
  } while (0)

static inline wasm_name fake_name(const char *s) {
  return (wasm_name){s, (uint32_t)strlen(s)};
}

static const wasm_valtype fake_i32[] = {WASM_I32};
/* Type 0: [] -> [], type 1: [i32] -> [i32]. */
static const wasm_functype fake_types[] = {
    {0, 0, NULL, NULL},
    {1, 1, fake_i32, fake_i32},
};

#define GiB ((uint64_t)1 << 30)

/* ------------------------------------------------- "compiled" functions */

typedef int32_t (*fake_i_i)(wasmrt_vmctx *, int32_t);

/* trap(code): calls builtins->trap like a compiled trap block. */
static void fake_trap_array(wasmrt_vmctx *vm, uint64_t *s) {
  vm->builtins->trap(vm, (uint32_t)s[0]);
}

/* load(offset): reads mem0_base + offset (64-bit, to reach the guard). */
static void fake_load_array(wasmrt_vmctx *vm, uint64_t *s) {
  s[0] = *(volatile uint8_t *)(vm->mem0_base + s[0]);
}

/* recurse(depth): the stack check of a compiled prologue, then recursion
 * with a frame that cannot be optimised away. */
static int fake_max_depth;
static uintptr_t fake_entry_sp, fake_lowest_sp; /* stack actually used */
__attribute__((noinline)) static int32_t fake_recurse(wasmrt_vmctx *vm,
                                                      int32_t depth) {
  volatile char frame[512];
  if ((uintptr_t)__builtin_frame_address(0) < vm->stack_limit) {
    vm->builtins->trap(vm, WASMRT_TRAP_STACK_EXHAUSTED);
  }
  if (depth > 100000000) { /* unreachable with any limit; no warning */
    return 0;
  }
  frame[0] = (char)depth;
  if (depth > fake_max_depth) {
    fake_max_depth = depth;
  }
  if ((uintptr_t)__builtin_frame_address(0) < fake_lowest_sp) {
    fake_lowest_sp = (uintptr_t)__builtin_frame_address(0);
  }
  return fake_recurse(vm, depth + 1) + frame[0];
}
static void fake_recurse_array(wasmrt_vmctx *vm, uint64_t *s) {
  fake_entry_sp = fake_lowest_sp = (uintptr_t)__builtin_frame_address(0);
  s[0] = (uint32_t)fake_recurse(vm, (int32_t)s[0]);
}

/* spin(): a loop with the interrupt check of a compiled loop header; gives
 * up (returns) after ~10 s so a broken interrupt fails instead of hanging. */
#include <time.h>
static void fake_spin_array(wasmrt_vmctx *vm, uint64_t *s) {
  time_t end = time(NULL) + 10;
  while (time(NULL) < end) {
    if (vm->interrupt) {
      vm->builtins->interrupted(vm);
    }
  }
}

static void fake_grow_array(wasmrt_vmctx *vm, uint64_t *s) {
  s[0] = (uint32_t)vm->builtins->memory_grow(vm, 0, (uint32_t)s[0]);
}

/* call_host(x): an imported call through func_imports[0]. */
static void fake_call_host_array(wasmrt_vmctx *vm, uint64_t *s) {
  fake_i_i f = (fake_i_i)vm->func_imports[0].native;
  s[0] = (uint32_t)f(vm->func_imports[0].vmctx, (int32_t)s[0]);
}

static int32_t fake_add1(wasmrt_vmctx *vm, int32_t x) {
  return x + 1;
}
static void fake_add1_array(wasmrt_vmctx *vm, uint64_t *s) {
  s[0] = (uint32_t)fake_add1(vm, (int32_t)s[0]);
}

/* call_table(i): call_indirect of type 1 through table 0, like compiled
 * code: bounds, null, type id, then native(callee vmctx, ...). The argument
 * passed is 41. */
static void fake_call_table_array(wasmrt_vmctx *vm, uint64_t *s) {
  uint32_t i = (uint32_t)s[0];
  wasmrt_table *t = vm->tables[0];
  if (i >= t->size) {
    vm->builtins->trap(vm, WASMRT_TRAP_UNDEFINED_ELEMENT);
  }
  wasmrt_funcref *f = t->elems[i];
  if (!f) {
    vm->builtins->trap(vm, WASMRT_TRAP_UNINITIALIZED_ELEMENT);
  }
  if (f->type_id != vm->type_ids[1]) {
    vm->builtins->trap(vm, WASMRT_TRAP_INDIRECT_TYPE_MISMATCH);
  }
  s[0] = (uint32_t)((fake_i_i)f->native)(f->vmctx, 41);
}

/* The native->array adapter a compiler would emit for import 0 (type 1). */
static int32_t fake_adapter_i_i(wasmrt_vmctx *vm, int32_t x) {
  uint64_t s[1] = {(uint32_t)x};
  wasmrt_hostfn *h = (wasmrt_hostfn *)vm;
  if (h->callback(h, NULL, s) != 0) {
    vm->builtins->trap_host(vm);
  }
  return (int32_t)s[0];
}

/* Native entries are only called through call_table/ref.func here. */
static void *const fake_main_native[] = {
    NULL, NULL, (void *)fake_recurse, NULL, NULL, NULL, (void *)fake_add1, NULL,
};
static void (*const fake_main_array[])(wasmrt_vmctx *, uint64_t *) = {
    fake_trap_array, fake_load_array,       fake_recurse_array,
    fake_spin_array, fake_grow_array,       fake_call_host_array,
    fake_add1_array, fake_call_table_array,
};
static void *const fake_main_adapters[] = {(void *)fake_adapter_i_i};

static const wasmrt_artifact_info fake_main_code = {
    WASMRT_ABI_VERSION, 1,    8, 0, fake_main_native, fake_main_array,
    fake_main_adapters, NULL,
};

/* ------------------------------------------------- module description */

/* Function indices: 0 = import env.host, 1 trap, 2 load, 3 recurse,
 * 4 spin, 5 grow, 6 call_host, 7 add1, 8 call_table. */
enum {
  F_HOST,
  F_TRAP,
  F_LOAD,
  F_RECURSE,
  F_SPIN,
  F_GROW,
  F_CALL_HOST,
  F_ADD1,
  F_CALL_TABLE
};

static wasm_import fake_main_imports[1];
static wasm_func fake_main_funcs[8];
static wasm_tabletype fake_main_tables[1];
static wasm_memtype fake_main_memories[1];
static wasm_global fake_main_globals[1];
static wasm_export fake_main_exports[11];
static wasm_constexpr fake_main_elem_items[2];
static wasm_elem fake_main_elems[1];
static wasm_data fake_main_datas[1];
static wasm_module fake_main_module;

/* The main test module: imports env.host [i32]->[i32]; memory 1..4 pages
 * with "hello" at 16; table of 4 funcrefs with [add1, call_host] at 0;
 * a mutable i32 global = 42; exports everything by name. */
static const wasm_module *fake_main(void) {
  static const char *const names[] = {"trap", "load",      "recurse",
                                      "spin", "grow",      "call_host",
                                      "add1", "call_table"};
  static const uint32_t types[] = {1, 1, 1, 0, 1, 1, 1, 1};
  fake_main_imports[0] = (wasm_import){
      fake_name("env"), fake_name("host"), WASM_EXTERN_FUNC, {.func_type = 1}};
  for (int i = 0; i < 8; i++) {
    fake_main_funcs[i] = (wasm_func){.type_index = types[i]};
    fake_main_exports[i] =
        (wasm_export){fake_name(names[i]), WASM_EXTERN_FUNC, (uint32_t)i + 1};
  }
  fake_main_exports[8] = (wasm_export){fake_name("mem"), WASM_EXTERN_MEMORY, 0};
  fake_main_exports[9] =
      (wasm_export){fake_name("table"), WASM_EXTERN_TABLE, 0};
  fake_main_exports[10] = (wasm_export){fake_name("g"), WASM_EXTERN_GLOBAL, 0};
  fake_main_tables[0] = (wasm_tabletype){WASM_FUNCREF, {4, 0, false}};
  fake_main_memories[0] = (wasm_memtype){{1, 4, true}};
  fake_main_globals[0] =
      (wasm_global){{WASM_I32, true}, {.op = WASM_CONST_I32, .u.i32 = 42}};
  fake_main_elem_items[0] =
      (wasm_constexpr){.op = WASM_CONST_REF_FUNC, .u.func_index = F_ADD1};
  fake_main_elem_items[1] =
      (wasm_constexpr){.op = WASM_CONST_REF_FUNC, .u.func_index = F_CALL_HOST};
  fake_main_elems[0] = (wasm_elem){
      .mode = WASM_SEGMENT_ACTIVE,
      .offset = {.op = WASM_CONST_I32, .u.i32 = 0},
      .elem_type = WASM_FUNCREF,
      .num_items = 2,
      .items = fake_main_elem_items,
  };
  fake_main_datas[0] = (wasm_data){
      .mode = WASM_SEGMENT_ACTIVE,
      .offset = {.op = WASM_CONST_I32, .u.i32 = 16},
      .bytes = (const uint8_t *)"hello",
      .size = 5,
  };
  fake_main_module = (wasm_module){
      .num_types = 2,
      .types = fake_types,
      .num_imports = 1,
      .imports = fake_main_imports,
      .num_imported_funcs = 1,
      .num_funcs = 8,
      .funcs = fake_main_funcs,
      .num_tables = 1,
      .tables = fake_main_tables,
      .num_memories = 1,
      .memories = fake_main_memories,
      .num_globals = 1,
      .globals = fake_main_globals,
      .num_exports = 11,
      .exports = fake_main_exports,
      .num_elems = 1,
      .elems = fake_main_elems,
      .num_datas = 1,
      .datas = fake_main_datas,
  };
  return &fake_main_module;
}

/* -------------------------------------------------------- conveniences */

static wasmrt_extern fake_export(wasmrt_instance *inst, const char *name) {
  wasmrt_extern x = {WASMRT_EXTERN_NONE, {NULL}};
  if (!wasmrt_instance_export(inst, name, strlen(name), &x)) {
    fprintf(stderr, "no export %s\n", name);
  }
  return x;
}

/* Calls an [i32]->[i32] export; returns the trap code. */
static wasmrt_trap_code fake_call(wasmrt_instance *inst, const char *name,
                                  uint64_t arg, uint64_t *result,
                                  wasmrt_trap *trap) {
  uint64_t slots[1] = {arg};
  wasmrt_trap_code c =
      wasmrt_call(fake_export(inst, name).of.func, slots, trap);
  if (result) {
    *result = slots[0];
  }
  return c;
}

/* Instantiates the main module with `host` as env.host. */
static wasmrt_instance *fake_instantiate(wasmrt_hostfn *host,
                                         const wasmrt_options *opts) {
  wasmrt_extern imp = {WASMRT_EXTERN_HOSTFN, {.hostfn = host}};
  wasm_error err;
  wasmrt_trap trap;
  wasmrt_instance *inst = wasmrt_instance_new(fake_main(), &fake_main_code,
                                              &imp, 1, opts, &trap, &err);
  if (!inst) {
    fprintf(stderr, "instantiate: %s\n", err.message);
  }
  return inst;
}

static int fake_host_double(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                            uint64_t *slots) {
  slots[0] = (uint32_t)((int32_t)slots[0] * 2);
  return 0;
}

static wasmrt_hostfn *fake_hostfn(wasmrt_host_callback cb, void *env) {
  wasm_error err;
  wasmrt_hostfn *h = wasmrt_hostfn_new(&fake_types[1], cb, env, NULL, &err);
  if (!h) {
    fprintf(stderr, "hostfn: %s\n", err.message);
  }
  return h;
}

#endif /* RUNTIME_TESTS_FAKE_H */
