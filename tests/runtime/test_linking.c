/* Instances and linking: independent instances, memory growth limits,
 * import matching errors, memories/tables/globals/functions shared between
 * instances, segment traps at instantiation (earlier writes kept), start
 * functions, signature interning, and the object APIs. */
#include "fake.h"

#include <pthread.h>

/* By design, an instance whose element segments wrote its functions into
 * an imported table is kept alive by that table, while it also holds the
 * table (and its exporter): a cycle that is never freed (the spec's store
 * lives forever). Only these two tests build one. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
  return "leak:test_sharing\nleak:test_instantiation_traps\n";
}

/* ------------------------------------------------- the "user" module */

/* Imports a.add1 (func), a.mem (memory 1..4), a.table (funcref, min 4),
 * a.g (mut i32); defines user_fn(x) = x + 1000, peek(addr), gset(x),
 * call_import(x) = a.add1(x). Segments are set per test. */
static int32_t user_fn(wasmrt_vmctx *vm, int32_t x) {
  return x + 1000;
}
static void user_fn_array(wasmrt_vmctx *vm, uint64_t *s) {
  s[0] = (uint32_t)user_fn(vm, (int32_t)s[0]);
}
static void peek_array(wasmrt_vmctx *vm, uint64_t *s) {
  s[0] = vm->mem0_base[(uint32_t)s[0]];
}
static void gset_array(wasmrt_vmctx *vm, uint64_t *s) {
  vm->globals[0]->i32 = (int32_t)s[0];
}
static void call_import_array(wasmrt_vmctx *vm, uint64_t *s) {
  fake_i_i f = (fake_i_i)vm->func_imports[0].native;
  s[0] = (uint32_t)f(vm->func_imports[0].vmctx, (int32_t)s[0]);
}
/* A start function: sets the imported global to 77, then traps if the
 * global was 0 before. */
static void start_array(wasmrt_vmctx *vm, uint64_t *s) {
  int32_t before = vm->globals[0]->i32;
  vm->globals[0]->i32 = 77;
  if (before == 0) {
    vm->builtins->trap(vm, WASMRT_TRAP_UNREACHABLE);
  }
}

static void *const user_native[] = {(void *)user_fn, NULL, NULL, NULL, NULL};
static void (*const user_array[])(wasmrt_vmctx *, uint64_t *) = {
    user_fn_array, peek_array, gset_array, call_import_array, start_array};
static void *const user_adapters[] = {(void *)fake_adapter_i_i};
static const wasmrt_artifact_info user_code = {
    WASMRT_ABI_VERSION, 1, 5, 0, user_native, user_array, user_adapters, NULL};

static wasm_import user_imports[4];
static wasm_func user_funcs[5];
static wasm_export user_exports[4];
static wasm_module user_module;

static wasm_module *user_desc(void) {
  user_imports[0] = (wasm_import){
      fake_name("a"), fake_name("add1"), WASM_EXTERN_FUNC, {.func_type = 1}};
  user_imports[1] = (wasm_import){fake_name("a"),
                                  fake_name("mem"),
                                  WASM_EXTERN_MEMORY,
                                  {.memory = {{1, 4, true}}}};
  user_imports[2] = (wasm_import){fake_name("a"),
                                  fake_name("table"),
                                  WASM_EXTERN_TABLE,
                                  {.table = {WASM_FUNCREF, {4, 0, false}}}};
  user_imports[3] = (wasm_import){fake_name("a"),
                                  fake_name("g"),
                                  WASM_EXTERN_GLOBAL,
                                  {.global = {WASM_I32, true}}};
  static const char *const names[] = {"user_fn", "peek", "gset", "call_import"};
  for (int i = 0; i < 5; i++) {
    user_funcs[i] = (wasm_func){.type_index = i == 4 ? 0 : 1};
  }
  for (int i = 0; i < 4; i++) {
    user_exports[i] =
        (wasm_export){fake_name(names[i]), WASM_EXTERN_FUNC, (uint32_t)i + 1};
  }
  user_module = (wasm_module){
      .num_types = 2,
      .types = fake_types,
      .num_imports = 4,
      .imports = user_imports,
      .num_imported_funcs = 1,
      .num_imported_memories = 1,
      .num_imported_tables = 1,
      .num_imported_globals = 1,
      .num_funcs = 5,
      .funcs = user_funcs,
      .num_exports = 4,
      .exports = user_exports,
  };
  return &user_module;
}

/* The imports of the user module taken from a main-module instance. */
static void user_imports_from(wasmrt_instance *a, wasmrt_extern out[4]) {
  out[0] = fake_export(a, "add1");
  out[1] = fake_export(a, "mem");
  out[2] = fake_export(a, "table");
  out[3] = fake_export(a, "g");
}

static wasmrt_instance *user_new(const wasm_module *m, wasmrt_extern *imps,
                                 wasmrt_trap *trap, wasm_error *err) {
  return wasmrt_instance_new(m, &user_code, imps, 4, NULL, trap, err);
}

/* ---------------------------------------------------------------- tests */

static void test_two_instances_independent(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *a = fake_instantiate(h, NULL);
  wasmrt_instance *b = fake_instantiate(h, NULL);
  wasmrt_memory *ma = fake_export(a, "mem").of.memory;
  wasmrt_memory *mb = fake_export(b, "mem").of.memory;
  CHECK(ma != mb && ma->base != mb->base);
  ma->base[200] = 7;
  CHECK(mb->base[200] == 0);
  wasmrt_value v = {WASM_I32, {.i32 = 5}};
  CHECK(wasmrt_global_set(fake_export(a, "g").of.global, &v, NULL));
  CHECK(wasmrt_global_get(fake_export(b, "g").of.global).of.i32 == 42);
  uint64_t r;
  CHECK(fake_call(a, "grow", 2, &r, NULL) == WASMRT_TRAP_NONE && r == 1);
  CHECK(wasmrt_memory_pages(ma) == 3 && wasmrt_memory_pages(mb) == 1);
  CHECK(fake_call(b, "load", 65536 * 2, NULL, NULL) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(fake_call(a, "load", 65536 * 2, NULL, NULL) == WASMRT_TRAP_NONE);
  /* Each instance's table holds its own funcrefs. */
  void *ea, *eb;
  CHECK(wasmrt_table_get(fake_export(a, "table").of.table, 0, &ea));
  CHECK(wasmrt_table_get(fake_export(b, "table").of.table, 0, &eb));
  CHECK(ea == fake_export(a, "add1").of.func);
  CHECK(eb == fake_export(b, "add1").of.func && ea != eb);
  wasmrt_instance_release(a);
  wasmrt_instance_release(b);
  wasmrt_hostfn_release(h);
}

static bool contains(const char *s, const char *sub) {
  return strstr(s, sub) != NULL;
}

static void test_memory_growth(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *a = fake_instantiate(h, NULL);
  uint64_t r;
  CHECK(fake_call(a, "grow", 1, &r, NULL) == WASMRT_TRAP_NONE && r == 1);
  CHECK(fake_call(a, "grow", 2, &r, NULL) == WASMRT_TRAP_NONE && r == 2);
  CHECK(fake_call(a, "grow", 1, &r, NULL) == WASMRT_TRAP_NONE &&
        r == 0xffffffffu);
  CHECK(fake_call(a, "grow", 0xffffffffu, &r, NULL) == WASMRT_TRAP_NONE &&
        r == 0xffffffffu);
  CHECK(fake_call(a, "grow", 0, &r, NULL) == WASMRT_TRAP_NONE && r == 4);
  wasmrt_memory *m = fake_export(a, "mem").of.memory;
  CHECK(wasmrt_memory_pages(m) == 4 && m->size == 4 * 65536);
  CHECK(fake_call(a, "load", 4 * 65536 - 1, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(fake_call(a, "load", 4 * 65536, NULL, NULL) == WASMRT_TRAP_MEMORY_OOB);
  wasm_memtype mt = wasmrt_memory_type(m);
  CHECK(mt.limits.min == 4 && mt.limits.has_max && mt.limits.max == 4);
  wasmrt_instance_release(a);

  /* The per-instance cap bounds growth below the declared maximum. */
  wasmrt_options opts = {.max_memory_pages = 2};
  a = fake_instantiate(h, &opts);
  CHECK(fake_call(a, "grow", 1, &r, NULL) == WASMRT_TRAP_NONE && r == 1);
  CHECK(fake_call(a, "grow", 1, &r, NULL) == WASMRT_TRAP_NONE &&
        r == 0xffffffffu);
  wasmrt_instance_release(a);
  wasmrt_hostfn_release(h);

  /* Standalone memories: no maximum means the type allows 65536 pages,
   * of which WASMRT_MAX_MEMORY_PAGES (one fewer) can be reached; bad
   * limits fail. */
  wasm_error err;
  wasmrt_memory *big = wasmrt_memory_new((wasm_limits){0, 0, false}, 0, &err);
  CHECK(big != NULL && big->size == 0 && big->max_pages == 65536);
  CHECK(wasmrt_memory_grow(big, 65536) == -1 && big->size == 0);
  CHECK(wasmrt_memory_grow(big, WASMRT_MAX_MEMORY_PAGES) == 0 &&
        big->size == 65535ull * 65536);
  CHECK(wasmrt_memory_grow(big, 1) == -1);
  big->base[65535ull * 65536 - 1] = 1; /* the last byte is writable */
  wasmrt_memory_release(big);
  CHECK(wasmrt_memory_new((wasm_limits){65536, 65536, true}, 0, &err) == NULL &&
        err.kind == WASM_ERR_RESOURCE && contains(err.message, "65535 pages"));
  big = wasmrt_memory_new((wasm_limits){1, 65536, true}, 0, &err);
  CHECK(big != NULL && wasmrt_memory_grow(big, 65535) == -1 &&
        wasmrt_memory_grow(big, 65534) == 1);
  wasmrt_memory_release(big);
  CHECK(wasmrt_memory_new((wasm_limits){65537, 0, false}, 0, &err) == NULL);
  CHECK(wasmrt_memory_new((wasm_limits){3, 0, false}, 2, &err) == NULL);
  CHECK(err.kind == WASM_ERR_RESOURCE);
}

/* Instantiates the user module with one import replaced; returns the
 * error (kind OK if it linked). */
static wasm_error link_with(wasmrt_instance *a, int slot, wasmrt_extern x) {
  wasmrt_extern imps[4];
  user_imports_from(a, imps);
  imps[slot] = x;
  wasm_error err = {.kind = WASM_ERR_OK};
  wasmrt_instance *b = user_new(user_desc(), imps, NULL, &err);
  wasmrt_instance_release(b);
  return err;
}

static void test_link_errors(void) {
  wasm_error err;
  /* Missing host import of the main module. */
  CHECK(wasmrt_instance_new(fake_main(), &fake_main_code, NULL, 0, NULL, NULL,
                            &err) == NULL);
  CHECK(err.kind == WASM_ERR_UNLINKABLE);
  CHECK(contains(err.message, "unknown import") &&
        contains(err.message, "\"env\" \"host\""));
  /* A host function of the wrong type. */
  wasm_error e2;
  wasmrt_hostfn *wrong =
      wasmrt_hostfn_new(&fake_types[0], fake_host_double, NULL, NULL, &e2);
  wasmrt_extern imp = {WASMRT_EXTERN_HOSTFN, {.hostfn = wrong}};
  CHECK(wasmrt_instance_new(fake_main(), &fake_main_code, &imp, 1, NULL, NULL,
                            &err) == NULL);
  CHECK(err.kind == WASM_ERR_UNLINKABLE &&
        contains(err.message, "incompatible import type") &&
        contains(err.message, "\"env\" \"host\""));
  wasmrt_hostfn_release(wrong);

  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *a = fake_instantiate(h, NULL);
  CHECK(link_with(a, 0, fake_export(a, "add1")).kind == WASM_ERR_OK);
  /* Function of another type; a memory where a function is expected. */
  err = link_with(a, 0, fake_export(a, "spin"));
  CHECK(err.kind == WASM_ERR_UNLINKABLE &&
        contains(err.message, "incompatible import type") &&
        contains(err.message, "\"a\" \"add1\""));
  CHECK(link_with(a, 0, fake_export(a, "mem")).kind == WASM_ERR_UNLINKABLE);
  /* Memory limits: want 1..4. */
  struct {
    wasm_limits have;
    bool ok;
  } mems[] = {{{1, 0, false}, false},
              {{1, 5, true}, false},
              {{0, 4, true}, false},
              {{2, 4, true}, true},
              {{1, 3, true}, true}};
  for (size_t i = 0; i < sizeof mems / sizeof *mems; i++) {
    wasmrt_memory *m = wasmrt_memory_new(mems[i].have, 0, &e2);
    err = link_with(a, 1, (wasmrt_extern){WASMRT_EXTERN_MEMORY, {.memory = m}});
    CHECK((err.kind == WASM_ERR_OK) == mems[i].ok);
    if (!mems[i].ok) {
      CHECK(contains(err.message, "\"a\" \"mem\""));
    }
    wasmrt_memory_release(m);
  }
  /* Tables: element type and size. */
  wasmrt_table *t = wasmrt_table_new(
      (wasm_tabletype){WASM_EXTERNREF, {4, 0, false}}, NULL, &e2);
  err = link_with(a, 2, (wasmrt_extern){WASMRT_EXTERN_TABLE, {.table = t}});
  CHECK(err.kind == WASM_ERR_UNLINKABLE && contains(err.message, "table"));
  wasmrt_table_release(t);
  t = wasmrt_table_new((wasm_tabletype){WASM_FUNCREF, {3, 0, false}}, NULL,
                       &e2);
  CHECK(link_with(a, 2, (wasmrt_extern){WASMRT_EXTERN_TABLE, {.table = t}})
            .kind == WASM_ERR_UNLINKABLE);
  CHECK(wasmrt_table_grow(t, 1, NULL) == 3); /* now matches min 4 */
  CHECK(link_with(a, 2, (wasmrt_extern){WASMRT_EXTERN_TABLE, {.table = t}})
            .kind == WASM_ERR_OK);
  wasmrt_table_release(t);
  /* Globals: mutability and type. */
  wasmrt_value v32 = {WASM_I32, {.i32 = 1}}, v64 = {WASM_I64, {.i64 = 1}};
  wasmrt_global *gi =
      wasmrt_global_new((wasm_globaltype){WASM_I32, false}, &v32, &e2);
  wasmrt_global *g64 =
      wasmrt_global_new((wasm_globaltype){WASM_I64, true}, &v64, &e2);
  err = link_with(a, 3, (wasmrt_extern){WASMRT_EXTERN_GLOBAL, {.global = gi}});
  CHECK(err.kind == WASM_ERR_UNLINKABLE &&
        contains(err.message, "\"a\" \"g\""));
  CHECK(link_with(a, 3, (wasmrt_extern){WASMRT_EXTERN_GLOBAL, {.global = g64}})
            .kind == WASM_ERR_UNLINKABLE);
  /* A missing one in the middle. */
  err = link_with(a, 2, (wasmrt_extern){WASMRT_EXTERN_NONE, {NULL}});
  CHECK(contains(err.message, "unknown import") &&
        contains(err.message, "\"a\" \"table\""));
  wasmrt_global_release(gi);
  wasmrt_global_release(g64);
  wasmrt_instance_release(a);
  wasmrt_hostfn_release(h);
}

static void test_sharing(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *a = fake_instantiate(h, NULL);
  wasm_module *m = user_desc();
  static const wasm_constexpr items[] = {
      {.op = WASM_CONST_REF_FUNC, .u.func_index = 1}};
  wasm_elem elems[] = {{.mode = WASM_SEGMENT_ACTIVE,
                        .offset = {.op = WASM_CONST_I32, .u.i32 = 3},
                        .elem_type = WASM_FUNCREF,
                        .num_items = 1,
                        .items = items}};
  wasm_data datas[] = {{.mode = WASM_SEGMENT_ACTIVE,
                        .offset = {.op = WASM_CONST_GLOBAL_GET,
                                   .u.global_index = 0}, /* a.g = 42 */
                        .bytes = (const uint8_t *)"xyz",
                        .size = 3}};
  m->num_elems = 1;
  m->elems = elems;
  m->num_datas = 1;
  m->datas = datas;
  wasmrt_extern imps[4];
  user_imports_from(a, imps);
  wasm_error err;
  wasmrt_instance *b = user_new(m, imps, NULL, &err);
  CHECK(b != NULL);
  uint64_t r;
  /* B's function through A's table, B's data in A's memory. */
  CHECK(fake_call(a, "call_table", 3, &r, NULL) == WASMRT_TRAP_NONE &&
        r == 1041);
  CHECK(fake_call(a, "load", 42, &r, NULL) == WASMRT_TRAP_NONE && r == 'x');
  CHECK(fake_call(b, "peek", 16, &r, NULL) == WASMRT_TRAP_NONE && r == 'h');
  /* A global written by B is A's. */
  CHECK(fake_call(b, "gset", 5, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(wasmrt_global_get(fake_export(a, "g").of.global).of.i32 == 5);
  /* A's function imported by B; re-exported funcrefs are the exporter's. */
  CHECK(fake_call(b, "call_import", 1, &r, NULL) == WASMRT_TRAP_NONE && r == 2);
  CHECK(wasmrt_instance_vmctx(b)->funcrefs[0] ==
        fake_export(a, "add1").of.func);
  /* Growing through A is seen by B's memory object (the same one). */
  CHECK(fake_call(a, "grow", 1, &r, NULL) == WASMRT_TRAP_NONE);
  CHECK(wasmrt_instance_vmctx(b)->memories[0]->size == 2 * 65536);
  /* Dropping B: A's table still calls B's function. */
  wasmrt_instance_release(b);
  CHECK(fake_call(a, "call_table", 3, &r, NULL) == WASMRT_TRAP_NONE &&
        r == 1041);
  /* Memory outlives the instance that created it when held. */
  wasmrt_memory *mem = fake_export(a, "mem").of.memory;
  wasmrt_memory_retain(mem);
  wasmrt_instance_release(a);
  CHECK(mem->base[42] == 'x');
  wasmrt_memory_release(mem);
  wasmrt_hostfn_release(h);
}

/* A host function imported by A, passed on to B as A's function: B's call
 * goes through A's adapter and binding, and the callback sees A as caller
 * (the instance that imported the host function). */
static wasmrt_vmctx *seen_caller;
static int host_record_caller(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                              uint64_t *slots) {
  seen_caller = caller;
  slots[0] = (uint32_t)((int32_t)slots[0] * 2);
  return 0;
}

static void test_reexported_host_function(void) {
  wasmrt_hostfn *h = fake_hostfn(host_record_caller, NULL);
  wasmrt_instance *a = fake_instantiate(h, NULL);
  wasmrt_extern imps[4];
  user_imports_from(a, imps);
  imps[0] = (wasmrt_extern){WASMRT_EXTERN_FUNC,
                            {.func = wasmrt_instance_vmctx(a)->funcrefs[0]}};
  wasm_error err;
  wasmrt_instance *b = user_new(user_desc(), imps, NULL, &err);
  CHECK(b != NULL);
  uint64_t r;
  CHECK(fake_call(b, "call_import", 5, &r, NULL) == WASMRT_TRAP_NONE &&
        r == 10);
  CHECK(seen_caller == wasmrt_instance_vmctx(a));
  wasmrt_instance_release(a); /* b keeps a alive */
  CHECK(fake_call(b, "call_import", 6, &r, NULL) == WASMRT_TRAP_NONE &&
        r == 12);
  wasmrt_instance_release(b);
  wasmrt_hostfn_release(h);
}

static void test_instantiation_traps(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *a = fake_instantiate(h, NULL);
  wasm_module *m = user_desc();
  static const wasm_constexpr items[] = {
      {.op = WASM_CONST_REF_FUNC, .u.func_index = 1},
      {.op = WASM_CONST_REF_NULL, .u.ref_type = WASM_FUNCREF}};
  wasm_elem elems[] = {
      {.mode = WASM_SEGMENT_ACTIVE,
       .offset = {.op = WASM_CONST_I32, .u.i32 = 1},
       .num_items = 1,
       .items = items},
      {.mode = WASM_SEGMENT_ACTIVE,
       .offset = {.op = WASM_CONST_I32, .u.i32 = 3},
       .num_items = 2,
       .items = items},
  };
  wasm_data datas[] = {{.mode = WASM_SEGMENT_ACTIVE,
                        .offset = {.op = WASM_CONST_I32, .u.i32 = 0},
                        .bytes = (const uint8_t *)"ok",
                        .size = 2}};
  m->num_elems = 2;
  m->elems = elems;
  m->num_datas = 1;
  m->datas = datas;
  wasmrt_extern imps[4];
  user_imports_from(a, imps);
  wasm_error err;
  wasmrt_trap trap;
  CHECK(user_new(m, imps, &trap, &err) == NULL);
  CHECK(err.kind == WASM_ERR_TRAP &&
        strcmp(err.message, "out of bounds table access") == 0);
  CHECK(trap.code == WASMRT_TRAP_TABLE_OOB);
  /* The first segment's write stays, and its function works; data segments
   * after a failed element segment are not applied. */
  uint64_t r;
  CHECK(fake_call(a, "call_table", 1, &r, NULL) == WASMRT_TRAP_NONE &&
        r == 1041);
  CHECK(fake_call(a, "load", 0, &r, NULL) == WASMRT_TRAP_NONE && r == 0);

  /* Data: the first segment lands, the second is out of bounds. */
  wasm_data datas2[] = {datas[0],
                        {.mode = WASM_SEGMENT_ACTIVE,
                         .offset = {.op = WASM_CONST_I32, .u.i32 = 65535},
                         .bytes = (const uint8_t *)"no",
                         .size = 2}};
  m->num_elems = 0;
  m->num_datas = 2;
  m->datas = datas2;
  CHECK(user_new(m, imps, &trap, &err) == NULL);
  CHECK(err.kind == WASM_ERR_TRAP &&
        strcmp(err.message, "out of bounds memory access") == 0);
  CHECK(fake_call(a, "load", 1, &r, NULL) == WASMRT_TRAP_NONE && r == 'k');
  CHECK(fake_call(a, "load", 65535, &r, NULL) == WASMRT_TRAP_NONE && r == 0);
  /* A zero-length segment exactly at the end is fine; one past is not. */
  wasm_data edge[] = {{.mode = WASM_SEGMENT_ACTIVE,
                       .offset = {.op = WASM_CONST_I32, .u.i32 = 65536},
                       .bytes = (const uint8_t *)"",
                       .size = 0}};
  m->num_datas = 1;
  m->datas = edge;
  wasmrt_instance *b = user_new(m, imps, NULL, &err);
  CHECK(b != NULL);
  wasmrt_instance_release(b);
  edge[0].offset.u.i32 = 65537;
  CHECK(user_new(m, imps, NULL, &err) == NULL && err.kind == WASM_ERR_TRAP);
  wasmrt_instance_release(a);
  wasmrt_hostfn_release(h);
}

static void test_start_function(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *a = fake_instantiate(h, NULL);
  wasm_module *m = user_desc();
  m->has_start = true;
  m->start = 5; /* start_array */
  wasmrt_extern imps[4];
  user_imports_from(a, imps);
  wasmrt_global *g = fake_export(a, "g").of.global;
  wasmrt_value zero = {WASM_I32, {.i32 = 0}};
  wasmrt_global_set(g, &zero, NULL);
  wasm_error err;
  wasmrt_trap trap;
  CHECK(user_new(m, imps, &trap, &err) == NULL);
  CHECK(err.kind == WASM_ERR_TRAP && strcmp(err.message, "unreachable") == 0);
  CHECK(trap.code == WASMRT_TRAP_UNREACHABLE);
  CHECK(wasmrt_global_get(g).of.i32 == 77); /* its effect stays */
  wasmrt_instance *b = user_new(m, imps, &trap, &err);
  CHECK(b != NULL && trap.code == WASMRT_TRAP_NONE);
  wasmrt_instance_release(b);
  wasmrt_instance_release(a);
  wasmrt_hostfn_release(h);
}

static const wasm_valtype vt_pair[] = {WASM_I64, WASM_F32};

static void *intern_many(void *out) {
  uint32_t *ids = out;
  wasm_valtype params[3];
  for (int i = 0; i < 200; i++) {
    params[0] = WASM_I32;
    params[1] = (wasm_valtype)(0x7C + i % 4);
    params[2] = (wasm_valtype)(0x7C + i / 4 % 4);
    wasm_functype t = {(uint32_t)(1 + i / 16 % 3), (uint32_t)(i % 2), params,
                       vt_pair};
    ids[i] = wasmrt_type_intern(&t);
  }
  return NULL;
}

static void test_type_interning(void) {
  wasm_valtype p1[] = {WASM_I32}, p2[] = {WASM_I32};
  wasm_functype a = {1, 1, p1, p1}, b = {1, 1, p2, p2};
  wasm_functype c = {1, 0, p1, NULL}, d = {0, 1, NULL, p1};
  uint32_t ia = wasmrt_type_intern(&a), ib = wasmrt_type_intern(&b);
  uint32_t ic = wasmrt_type_intern(&c), id = wasmrt_type_intern(&d);
  CHECK(ia == ib && ia != ic && ic != id && ia != id);
  const wasm_functype *back = wasmrt_type_get(ic);
  CHECK(back && back->nparams == 1 && back->nresults == 0 &&
        back->params[0] == WASM_I32);
  CHECK(wasmrt_type_get(UINT32_MAX - 5) == NULL);
  uint32_t ids[4][200];
  pthread_t th[4];
  for (int i = 0; i < 4; i++) {
    pthread_create(&th[i], NULL, intern_many, ids[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
  }
  CHECK(memcmp(ids[0], ids[1], sizeof ids[0]) == 0 &&
        memcmp(ids[0], ids[3], sizeof ids[0]) == 0);
  CHECK(ids[0][0] != ids[0][1] && ids[0][0] == ids[0][96]);
  /* Instances agree with the interner. */
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  CHECK(wasmrt_instance_vmctx(inst)->type_ids[1] == ia);
  CHECK(fake_export(inst, "add1").of.func->type_id == ia);
  CHECK(h->type_id == ia);
  const wasm_functype *ft =
      wasmrt_funcref_type(fake_export(inst, "spin").of.func);
  CHECK(ft && ft->nparams == 0 && ft->nresults == 0);
  wasmrt_instance_release(inst);
  wasmrt_hostfn_release(h);
}

static void test_object_apis(void) {
  wasm_error err;
  wasmrt_value v32 = {WASM_I32, {.i32 = 1}};
  CHECK(wasmrt_global_new((wasm_globaltype){WASM_I64, false}, &v32, &err) ==
        NULL);
  wasmrt_global *g =
      wasmrt_global_new((wasm_globaltype){WASM_F64, false},
                        &(wasmrt_value){WASM_F64, {.f64 = 2.5}}, &err);
  CHECK(wasmrt_global_get(g).of.f64 == 2.5 && g->f64 == 2.5);
  CHECK(!wasmrt_global_set(g, &(wasmrt_value){WASM_F64, {.f64 = 1}}, &err));
  CHECK(contains(err.message, "immutable"));
  wasmrt_global_release(g);
  wasmrt_value vv = {WASM_V128, {.v128 = {1, 2, 3}}};
  g = wasmrt_global_new((wasm_globaltype){WASM_V128, true}, &vv, &err);
  CHECK(!wasmrt_global_set(g, &v32, &err) &&
        contains(err.message, "type mismatch"));
  CHECK(wasmrt_global_get(g).of.v128[2] == 3);
  wasmrt_global_release(g);

  int marker;
  wasmrt_table *t = wasmrt_table_new(
      (wasm_tabletype){WASM_EXTERNREF, {1, 3, true}}, &marker, &err);
  void *e = NULL;
  CHECK(wasmrt_table_get(t, 0, &e) && e == &marker);
  CHECK(!wasmrt_table_get(t, 1, &e) && !wasmrt_table_set(t, 1, NULL));
  CHECK(wasmrt_table_grow(t, 2, NULL) == 1 && wasmrt_table_size(t) == 3);
  CHECK(wasmrt_table_grow(t, 1, NULL) == -1);
  CHECK(wasmrt_table_get(t, 2, &e) && e == NULL);
  wasm_tabletype tt = wasmrt_table_type(t);
  CHECK(tt.elem == WASM_EXTERNREF && tt.limits.min == 3 && tt.limits.max == 3);
  wasmrt_table_release(t);
  /* Tables with no maximum still refuse absurd sizes. */
  CHECK(
      wasmrt_table_new((wasm_tabletype){WASM_FUNCREF, {0xffffffffu, 0, false}},
                       NULL, &err) == NULL);

  /* Exports. */
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  wasmrt_extern x;
  CHECK(!wasmrt_instance_export(inst, "nope", 4, &x));
  x = wasmrt_instance_export_at(inst, 8);
  CHECK(x.kind == WASMRT_EXTERN_MEMORY);
  CHECK(wasmrt_instance_module(inst) == fake_main());
  wasmrt_instance_release(inst);
  wasmrt_hostfn_release(h);
}

int main(void) {
  RUN(test_two_instances_independent);
  RUN(test_memory_growth);
  RUN(test_link_errors);
  RUN(test_sharing);
  RUN(test_reexported_host_function);
  RUN(test_instantiation_traps);
  RUN(test_start_function);
  RUN(test_type_interning);
  RUN(test_object_apis);
  return failures ? 1 : 0;
}
