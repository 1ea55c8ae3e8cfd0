/* The builtins compiled code calls for bulk memory, tables, segments and
 * references: results, the spec's bounds rules (whole range checked before
 * any write, n = 0 at the very end allowed), drops. */
#include "fake.h"

enum {
  OP_FILL,
  OP_COPY,
  OP_INIT,
  OP_DDROP,
  OP_TGET,
  OP_TSET,
  OP_TGROW,
  OP_TFILL,
  OP_TCOPY,
  OP_TINIT,
  OP_EDROP,
  OP_REFFUNC,
  OP_MGROW
};

/* One "compiled" function that performs builtin op slots[0] with the
 * arguments in slots[1..] and its result, if any, in slots[0]. */
static void bulk_array(wasmrt_vmctx *vm, uint64_t *s) {
  const wasmrt_builtins *b = vm->builtins;
  uint32_t a1 = (uint32_t)s[1], a2 = (uint32_t)s[2], a3 = (uint32_t)s[3];
  uint32_t a4 = (uint32_t)s[4], a5 = (uint32_t)s[5];
  void *ref = (void *)(uintptr_t)s[6];
  switch (s[0]) {
  case OP_FILL:
    b->memory_fill(vm, 0, a1, a2, a3);
    break;
  case OP_COPY:
    b->memory_copy(vm, 0, 0, a1, a2, a3);
    break;
  case OP_INIT:
    b->memory_init(vm, 0, a1, a2, a3, a4);
    break;
  case OP_DDROP:
    b->data_drop(vm, a1);
    break;
  case OP_TGET:
    s[0] = (uintptr_t)b->table_get(vm, a1, a2);
    break;
  case OP_TSET:
    b->table_set(vm, a1, a2, ref);
    break;
  case OP_TGROW:
    s[0] = (uint32_t)b->table_grow(vm, a1, ref, a2);
    break;
  case OP_TFILL:
    b->table_fill(vm, a1, a2, ref, a3);
    break;
  case OP_TCOPY:
    b->table_copy(vm, a1, a2, a3, a4, a5);
    break;
  case OP_TINIT:
    b->table_init(vm, a1, a2, a3, a4, a5);
    break;
  case OP_EDROP:
    b->elem_drop(vm, a1);
    break;
  case OP_REFFUNC:
    s[0] = (uintptr_t)b->ref_func(vm, a1);
    break;
  case OP_MGROW:
    s[0] = (uint32_t)b->memory_grow(vm, 0, a1);
    break;
  }
}

static void *const bulk_native[] = {NULL, (void *)fake_add1};
static void (*const bulk_arrays[])(wasmrt_vmctx *,
                                   uint64_t *) = {bulk_array, fake_add1_array};
static const wasmrt_artifact_info bulk_code = {
    WASMRT_ABI_VERSION, 0, 2, 0, bulk_native, bulk_arrays, NULL, NULL};

static const wasm_func bulk_funcs[] = {{.type_index = 0}, {.type_index = 1}};
static const wasm_tabletype bulk_tables[] = {{WASM_FUNCREF, {4, 6, true}},
                                             {WASM_FUNCREF, {2, 0, false}}};
static const wasm_memtype bulk_memories[] = {{{1, 2, true}}};
static const wasm_constexpr bulk_items[] = {
    {.op = WASM_CONST_REF_FUNC, .u.func_index = 1},
    {.op = WASM_CONST_REF_NULL, .u.ref_type = WASM_FUNCREF},
    {.op = WASM_CONST_REF_FUNC, .u.func_index = 1}};
static const wasm_elem bulk_elems[] = {
    {.mode = WASM_SEGMENT_PASSIVE, .num_items = 3, .items = bulk_items},
    {.mode = WASM_SEGMENT_DECLARATIVE, .num_items = 1, .items = bulk_items},
};
static const wasm_data bulk_datas[] = {
    {.mode = WASM_SEGMENT_PASSIVE,
     .bytes = (const uint8_t *)"abcdef",
     .size = 6},
};
static const wasm_export bulk_exports[] = {
    {{"bulk", 4}, WASM_EXTERN_FUNC, 0},
    {{"mem", 3}, WASM_EXTERN_MEMORY, 0},
    {{"t0", 2}, WASM_EXTERN_TABLE, 0},
    {{"t1", 2}, WASM_EXTERN_TABLE, 1},
};
static const wasm_module bulk_module = {
    .num_types = 2,
    .types = fake_types,
    .num_funcs = 2,
    .funcs = bulk_funcs,
    .num_tables = 2,
    .tables = bulk_tables,
    .num_memories = 1,
    .memories = bulk_memories,
    .num_exports = 4,
    .exports = bulk_exports,
    .num_elems = 2,
    .elems = bulk_elems,
    .num_datas = 1,
    .datas = bulk_datas,
};

static wasmrt_instance *inst;
static uint8_t *mem;

/* Runs op with up to five arguments (and a ref); returns the trap code. */
static wasmrt_trap_code op(uint64_t code, uint64_t a1, uint64_t a2, uint64_t a3,
                           uint64_t a4, uint64_t a5, void *ref,
                           uint64_t *result) {
  uint64_t s[7] = {code, a1, a2, a3, a4, a5, (uintptr_t)ref};
  wasmrt_trap_code c = wasmrt_call(fake_export(inst, "bulk").of.func, s, NULL);
  if (result) {
    *result = s[0];
  }
  return c;
}

static void setup(void) {
  wasm_error err;
  inst =
      wasmrt_instance_new(&bulk_module, &bulk_code, NULL, 0, NULL, NULL, &err);
  CHECK(inst != NULL);
  mem = fake_export(inst, "mem").of.memory->base;
}

static void test_memory_fill_copy(void) {
  setup();
  CHECK(op(OP_FILL, 10, 0x1AB, 5, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(mem[9] == 0 && mem[10] == 0xAB && mem[14] == 0xAB && mem[15] == 0);
  CHECK(op(OP_FILL, 65530, 1, 6, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(op(OP_FILL, 65530, 2, 7, 0, 0, NULL, NULL) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(mem[65530] == 1); /* nothing written by the failed fill */
  CHECK(op(OP_FILL, 65536, 2, 0, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(op(OP_FILL, 65537, 2, 0, 0, 0, NULL, NULL) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(op(OP_FILL, 0xffffffff, 2, 2, 0, 0, NULL, NULL) ==
        WASMRT_TRAP_MEMORY_OOB);
  /* Overlapping copies move like memmove, both directions. */
  memcpy(mem + 100, "0123456789", 10);
  CHECK(op(OP_COPY, 102, 100, 5, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(memcmp(mem + 100, "0101234789", 10) == 0);
  CHECK(op(OP_COPY, 100, 102, 5, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(memcmp(mem + 100, "0123434789", 10) == 0);
  CHECK(op(OP_COPY, 65535, 100, 2, 0, 0, NULL, NULL) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(op(OP_COPY, 100, 65535, 2, 0, 0, NULL, NULL) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(mem[65535] == 1 && mem[100] == '0');
  /* After growth the new page is in bounds. */
  uint64_t r;
  CHECK(op(OP_MGROW, 1, 0, 0, 0, 0, NULL, &r) == WASMRT_TRAP_NONE && r == 1);
  CHECK(op(OP_FILL, 65535, 3, 2, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(mem[65536] == 3);
  CHECK(op(OP_MGROW, 1, 0, 0, 0, 0, NULL, &r) == WASMRT_TRAP_NONE &&
        r == 0xffffffffu);
  wasmrt_instance_release(inst);
}

static void test_memory_init_drop(void) {
  setup();
  CHECK(op(OP_INIT, 0, 50, 1, 3, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(memcmp(mem + 50, "bcd", 3) == 0);
  CHECK(op(OP_INIT, 0, 60, 4, 3, 0, NULL, NULL) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(mem[60] == 0);
  CHECK(op(OP_INIT, 0, 65535, 0, 2, 0, NULL, NULL) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(op(OP_INIT, 0, 65536, 6, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(op(OP_DDROP, 0, 0, 0, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(op(OP_INIT, 0, 70, 0, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(op(OP_INIT, 0, 70, 0, 1, 0, NULL, NULL) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(op(OP_DDROP, 0, 0, 0, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  wasmrt_instance_release(inst);
}

static void test_tables(void) {
  setup();
  wasmrt_funcref *add = NULL;
  uint64_t r;
  CHECK(op(OP_REFFUNC, 1, 0, 0, 0, 0, NULL, &r) == WASMRT_TRAP_NONE);
  add = (wasmrt_funcref *)(uintptr_t)r;
  CHECK(add && add->native == (void *)fake_add1 &&
        add->type_id == wasmrt_type_intern(&fake_types[1]));
  /* get/set bounds */
  CHECK(op(OP_TSET, 0, 3, 0, 0, 0, add, NULL) == WASMRT_TRAP_NONE);
  CHECK(op(OP_TGET, 0, 3, 0, 0, 0, NULL, &r) == WASMRT_TRAP_NONE &&
        r == (uintptr_t)add);
  CHECK(op(OP_TGET, 0, 4, 0, 0, 0, NULL, NULL) == WASMRT_TRAP_TABLE_OOB);
  CHECK(op(OP_TSET, 1, 2, 0, 0, 0, add, NULL) == WASMRT_TRAP_TABLE_OOB);
  /* grow to the maximum, not past it */
  CHECK(op(OP_TGROW, 0, 2, 0, 0, 0, add, &r) == WASMRT_TRAP_NONE && r == 4);
  CHECK(op(OP_TGROW, 0, 1, 0, 0, 0, add, &r) == WASMRT_TRAP_NONE &&
        r == 0xffffffffu);
  CHECK(op(OP_TGET, 0, 5, 0, 0, 0, NULL, &r) == WASMRT_TRAP_NONE &&
        r == (uintptr_t)add);
  /* fill: table 1 has 2 slots */
  CHECK(op(OP_TFILL, 1, 0, 2, 0, 0, add, NULL) == WASMRT_TRAP_NONE);
  CHECK(op(OP_TFILL, 1, 1, 2, 0, 0, NULL, NULL) == WASMRT_TRAP_TABLE_OOB);
  CHECK(op(OP_TGET, 1, 1, 0, 0, 0, NULL, &r) == WASMRT_TRAP_NONE &&
        r == (uintptr_t)add);
  CHECK(op(OP_TFILL, 1, 2, 0, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  /* copy between tables: t0[0..1] = t1[0..1] */
  CHECK(op(OP_TCOPY, 0, 1, 0, 0, 2, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(op(OP_TGET, 0, 1, 0, 0, 0, NULL, &r) == WASMRT_TRAP_NONE &&
        r == (uintptr_t)add);
  CHECK(op(OP_TCOPY, 1, 0, 1, 0, 2, NULL, NULL) == WASMRT_TRAP_TABLE_OOB);
  /* init from the passive segment [add, null, add] */
  wasmrt_table *t1 = fake_export(inst, "t1").of.table;
  CHECK(op(OP_TINIT, 1, 0, 0, 1, 2, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(t1->elems[0] == NULL && t1->elems[1] == add);
  CHECK(op(OP_TINIT, 1, 0, 1, 1, 2, NULL, NULL) == WASMRT_TRAP_TABLE_OOB);
  CHECK(op(OP_TINIT, 1, 0, 0, 2, 2, NULL, NULL) == WASMRT_TRAP_TABLE_OOB);
  CHECK(op(OP_TINIT, 1, 0, 2, 3, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  /* the declarative segment is dropped at instantiation */
  CHECK(op(OP_TINIT, 1, 1, 0, 0, 1, NULL, NULL) == WASMRT_TRAP_TABLE_OOB);
  CHECK(op(OP_TINIT, 1, 1, 0, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(op(OP_EDROP, 0, 0, 0, 0, 0, NULL, NULL) == WASMRT_TRAP_NONE);
  CHECK(op(OP_TINIT, 1, 0, 0, 0, 1, NULL, NULL) == WASMRT_TRAP_TABLE_OOB);
  /* A funcref from the table is callable through the host entry. */
  uint64_t s[1] = {41};
  CHECK(wasmrt_call(add, s, NULL) == WASMRT_TRAP_NONE && s[0] == 42);
  wasmrt_instance_release(inst);
}

static void test_artifact_mismatch(void) {
  wasmrt_artifact_info bad = bulk_code;
  bad.num_defined_funcs = 3;
  wasm_error err;
  CHECK(wasmrt_instance_new(&bulk_module, &bad, NULL, 0, NULL, NULL, &err) ==
        NULL);
  CHECK(err.kind == WASM_ERR_INTERNAL);
  bad = bulk_code;
  bad.abi_version = WASMRT_ABI_VERSION + 1;
  CHECK(wasmrt_instance_new(&bulk_module, &bad, NULL, 0, NULL, NULL, &err) ==
        NULL);
}

int main(void) {
  RUN(test_memory_fill_copy);
  RUN(test_memory_init_drop);
  RUN(test_tables);
  RUN(test_artifact_mismatch);
  return failures ? 1 : 0;
}
