/* test_ownership.c — the store model of wasmrt.h with real compiled code:
 * groups that reference each other in cycles are freed as a whole (the
 * ASan tree's leak checker sees any leak), a group lives while any handle
 * reaches it, unrelated instances stay in separate groups, and the
 * embedder's keep data is dropped exactly once, after the group. */
#include "wasmc.h"
#include "wasmrt.h"
#include "wasmrt_loader.h"
#include "wat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(c)                                                               \
  do {                                                                         \
    if (!(c)) {                                                                \
      failures++;                                                              \
      fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #c);          \
    }                                                                          \
  } while (0)

/* Exports table "t" and "call": call_indirect () -> i32 through it. */
static const char *const wat_caller =
    "(module (type $r (func (result i32)))"
    " (table (export \"t\") 2 funcref)"
    " (func (export \"call\") (param i32) (result i32)"
    "   (call_indirect (type $r) (local.get 0))))";
/* Imports a table and puts its own function in it (a cycle with the
 * table's owner under plain refcounts). */
static const char *const wat_filler =
    "(module (import \"a\" \"t\" (table 2 funcref))"
    " (func $f (result i32) (i32.const 7))"
    " (elem (i32.const 0) $f))";
static const char *const wat_const42 =
    "(module (func (export \"f\") (result i32) (i32.const 42)))";
static const char *const wat_mem_user =
    "(module (import \"m\" \"mem\" (memory 1))"
    " (func (export \"size\") (result i32) (memory.size)))";

static wasmrt_artifact *build(const char *wat) {
  uint8_t *wasm = NULL, *so = NULL;
  size_t wasm_len = 0, so_len = 0;
  wasm_error err;
  wasmrt_artifact *a = NULL;
  wasmc_options o;
  wasmc_options_init(&o);
  o.opt_level = 0;
  if (!wat_to_wasm(wat, strlen(wat), &wasm, &wasm_len, &err) ||
      !wasmc_compile(wasm, wasm_len, &o, &so, &so_len, &err) ||
      !wasmrt_artifact_open_bytes(so, so_len, &a, &err)) {
    fprintf(stderr, "build failed: %s\n", err.message);
    a = NULL;
  }
  free(wasm);
  free(so);
  return a;
}

static void count_drop(void *counter) {
  (*(int *)counter)++;
}

/* An instance whose group drops (counts) `*counter` when freed. */
static wasmrt_instance *instantiate(wasmrt_artifact *a,
                                    const wasmrt_extern *imports, uint32_t n,
                                    int *counter) {
  wasmrt_options o;
  memset(&o, 0, sizeof o);
  o.keep = counter;
  o.keep_drop = count_drop;
  wasm_error err;
  wasmrt_instance *inst =
      wasmrt_instance_new(wasmrt_artifact_module(a), wasmrt_artifact_code(a),
                          imports, n, &o, NULL, &err);
  if (!inst) {
    fprintf(stderr, "instantiate: %s\n", err.message);
  }
  return inst;
}

static wasmrt_extern export_of(wasmrt_instance *inst, const char *name) {
  wasmrt_extern e = {WASMRT_EXTERN_NONE, {NULL}};
  wasmrt_instance_export(inst, name, strlen(name), &e);
  return e;
}

static int64_t call_i32(const wasmrt_funcref *fn, int64_t arg) {
  uint64_t slots[1] = {(uint64_t)arg};
  wasmrt_trap trap;
  if (!fn || wasmrt_call(fn, slots, &trap) != WASMRT_TRAP_NONE) {
    return -1;
  }
  return (int32_t)slots[0];
}

/* B's elem segment puts B's function in A's table: A and B form one
 * group, which lives while either handle does and is freed with the
 * last one (keep data after both instances). */
static void test_table_cycle(wasmrt_artifact *caller, wasmrt_artifact *filler) {
  int dropped_a = 0, dropped_b = 0;
  wasmrt_instance *a = instantiate(caller, NULL, 0, &dropped_a);
  wasmrt_extern t = export_of(a, "t");
  wasmrt_instance *b = instantiate(filler, &t, 1, &dropped_b);
  CHECK(a && b);
  if (!a || !b) {
    return;
  }
  CHECK(wasmrt_instance_store(a) != wasmrt_instance_store(b));
  wasmrt_instance_release(b); /* A's table still holds B's function */
  CHECK(dropped_b == 0);
  CHECK(call_i32(export_of(a, "call").of.func, 0) == 7);
  wasmrt_instance_release(a);
  CHECK(dropped_a == 1 && dropped_b == 1);
}

/* The same group reached only through a table handle. */
static void test_table_handle(wasmrt_artifact *caller,
                              wasmrt_artifact *filler) {
  int dropped_a = 0, dropped_b = 0;
  wasmrt_instance *a = instantiate(caller, NULL, 0, &dropped_a);
  wasmrt_extern t = export_of(a, "t");
  wasmrt_instance *b = instantiate(filler, &t, 1, &dropped_b);
  if (!a || !b) {
    CHECK(!"instantiate");
    return;
  }
  wasmrt_table_retain(t.of.table);
  wasmrt_instance_release(a);
  wasmrt_instance_release(b);
  CHECK(dropped_a == 0 && dropped_b == 0);
  void *ref = NULL;
  CHECK(wasmrt_table_get(t.of.table, 0, &ref) && call_i32(ref, 0) == 7);
  wasmrt_table_release(t.of.table);
  CHECK(dropped_a == 1 && dropped_b == 1);
}

/* Unlinked instances are separate groups: each dies with its handle. */
static void test_separate_groups(wasmrt_artifact *c42) {
  int d1 = 0, d2 = 0;
  wasmrt_instance *x = instantiate(c42, NULL, 0, &d1);
  wasmrt_instance *y = instantiate(c42, NULL, 0, &d2);
  CHECK(x && y);
  wasmrt_instance_release(x);
  CHECK(d1 == 1 && d2 == 0);
  CHECK(y && call_i32(export_of(y, "f").of.func, 0) == 42);
  wasmrt_instance_release(y);
  CHECK(d2 == 1);
}

/* An embedder storing a funcref in a standalone table or global ties the
 * instance to that object's group. */
static void test_embedder_refs(wasmrt_artifact *c42) {
  int dropped = 0;
  wasm_error err;
  wasmrt_instance *x = instantiate(c42, NULL, 0, &dropped);
  wasmrt_table *t = wasmrt_table_new(
      (wasm_tabletype){WASM_FUNCREF, {1, 0, false}}, NULL, &err);
  wasmrt_value v = {.type = WASM_FUNCREF};
  wasmrt_global *g =
      wasmrt_global_new((wasm_globaltype){WASM_FUNCREF, true}, &v, &err);
  if (!x || !t || !g) {
    CHECK(!"setup");
    return;
  }
  wasmrt_funcref *f = export_of(x, "f").of.func;
  CHECK(wasmrt_funcref_instance(f) == x);
  CHECK(wasmrt_table_set(t, 0, f));
  v.of.ref = f;
  CHECK(wasmrt_global_set(g, &v, &err));
  wasmrt_instance_release(x);
  wasmrt_table_release(t);
  CHECK(dropped == 0); /* the global still reaches it */
  CHECK(call_i32(wasmrt_global_get(g).of.ref, 0) == 42);
  wasmrt_global_release(g);
  CHECK(dropped == 1);
}

/* Leaves (memories) do not merge groups: an instance importing a
 * long-lived memory dies with its own handle. */
static void test_leaf_memory(wasmrt_artifact *user) {
  wasm_error err;
  wasmrt_memory *mem = wasmrt_memory_new((wasm_limits){1, 0, false}, 0, &err);
  CHECK(mem != NULL);
  for (int i = 0; mem && i < 3; i++) {
    int dropped = 0;
    wasmrt_extern e = {WASMRT_EXTERN_MEMORY, {.memory = mem}};
    wasmrt_instance *x = instantiate(user, &e, 1, &dropped);
    CHECK(x && call_i32(export_of(x, "size").of.func, 0) == 1);
    wasmrt_instance_release(x);
    CHECK(dropped == 1);
  }
  wasmrt_memory_release(mem);
}

/* A failed instantiation drops keep exactly once: before the instance
 * exists (code that does not match the description) or after (a missing
 * import, found while linking). */
static void test_failed_instantiation(wasmrt_artifact *filler,
                                      wasmrt_artifact *c42) {
  int dropped = 0;
  wasm_error err;
  wasmrt_options o;
  memset(&o, 0, sizeof o);
  o.keep = &dropped;
  o.keep_drop = count_drop;
  wasmrt_instance *x =
      wasmrt_instance_new(wasmrt_artifact_module(filler),
                          wasmrt_artifact_code(c42), NULL, 0, &o, NULL, &err);
  CHECK(x == NULL && dropped == 1);
  x = wasmrt_instance_new(wasmrt_artifact_module(filler),
                          wasmrt_artifact_code(filler), NULL, 0, &o, NULL,
                          &err);
  CHECK(x == NULL && dropped == 2 && err.kind == WASM_ERR_UNLINKABLE);
}

static void test_store_keep_find(void) {
  wasm_error err;
  int dropped = 0;
  wasmrt_table *t = wasmrt_table_new(
      (wasm_tabletype){WASM_EXTERNREF, {1, 0, false}}, NULL, &err);
  if (!t) {
    CHECK(!"table");
    return;
  }
  wasmrt_store *s = wasmrt_table_store(t);
  CHECK(wasmrt_store_find(s, count_drop) == NULL);
  CHECK(wasmrt_store_keep(s, &dropped, count_drop));
  CHECK(wasmrt_store_find(s, count_drop) == &dropped);
  wasmrt_table *u = wasmrt_table_new(
      (wasm_tabletype){WASM_EXTERNREF, {1, 0, false}}, NULL, &err);
  wasmrt_store_join(wasmrt_table_store(u), s); /* keep data moves along */
  CHECK(wasmrt_store_find(wasmrt_table_store(u), count_drop) == &dropped);
  wasmrt_table_release(t);
  CHECK(dropped == 0);
  wasmrt_table_release(u);
  CHECK(dropped == 1);
}

int main(void) {
  wasmrt_artifact *caller = build(wat_caller), *filler = build(wat_filler);
  wasmrt_artifact *c42 = build(wat_const42), *user = build(wat_mem_user);
  if (!caller || !filler || !c42 || !user) {
    return 1;
  }
  test_table_cycle(caller, filler);
  test_table_handle(caller, filler);
  test_separate_groups(c42);
  test_embedder_refs(c42);
  test_leaf_memory(user);
  test_failed_instantiation(filler, c42);
  test_store_keep_find();
  wasmrt_artifact_close(caller);
  wasmrt_artifact_close(filler);
  wasmrt_artifact_close(c42);
  wasmrt_artifact_close(user);
  printf("%s\n", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
