/* fake_runtime.c — see fake_runtime.h. Deliberately simple: one thread,
 * one entry at a time, traps via siglongjmp (also out of SIGSEGV). */
#include "fake_runtime.h"

#include <dlfcn.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define RESERVE ((size_t)8 << 30)
#define PAGE 65536u

struct fake_instance {
  void *dl;
  wasm_module *m;
  const wasmrt_artifact_info *info;
  wasmrt_vmctx vm;
  wasmrt_memory mem, *mems[1];
  wasmrt_table table[FAKE_MAX_TABLES], *tables[FAKE_MAX_TABLES];
  void *elems[FAKE_MAX_TABLES][64];
  wasmrt_global *globals_cells, **globals;
  wasmrt_func_import *imports;
  wasmrt_host_binding *bindings;
  uint32_t *type_ids;
  wasmrt_funcref *funcrefs, **funcref_ptrs;
};

static sigjmp_buf *current_jb;

__attribute__((noreturn)) static void fake_trap(wasmrt_vmctx *vm,
                                                uint32_t code) {
  (void)vm;
  siglongjmp(*current_jb, (int)code);
}

__attribute__((noreturn)) static void fake_trap_host(wasmrt_vmctx *vm) {
  (void)vm;
  siglongjmp(*current_jb, WASMRT_TRAP_HOST);
}

__attribute__((noreturn)) static void fake_interrupted(wasmrt_vmctx *vm) {
  vm->interrupt = 0;
  siglongjmp(*current_jb, WASMRT_TRAP_INTERRUPTED);
}

__attribute__((noreturn)) static void
fake_trap_index(wasmrt_vmctx *vm, uint32_t code, uint32_t index) {
  (void)index;
  fake_trap(vm, code);
}

static fake_instance *of(wasmrt_vmctx *vm) {
  return (fake_instance *)vm->instance;
}

static int32_t fake_memory_grow(wasmrt_vmctx *vm, uint32_t mem, uint32_t d) {
  wasmrt_memory *m = of(vm)->vm.memories[mem];
  uint64_t old = m->size / PAGE;
  if (old + d > m->max_pages)
    return -1;
  if (d && mprotect(m->base + m->size, (size_t)d * PAGE,
                    PROT_READ | PROT_WRITE) != 0)
    return -1;
  m->size += (uint64_t)d * PAGE;
  return (int32_t)old;
}

static void fake_memory_fill(wasmrt_vmctx *vm, uint32_t mem, uint32_t dst,
                             uint32_t val, uint32_t n) {
  wasmrt_memory *m = vm->memories[mem];
  if ((uint64_t)dst + n > m->size)
    fake_trap(vm, WASMRT_TRAP_MEMORY_OOB);
  memset(m->base + dst, (int)val, n);
}

static void *fake_ref_func(wasmrt_vmctx *vm, uint32_t func) {
  return vm->funcrefs[func];
}

/* Builtins these tests never reach trap loudly instead. */
static void fake_unused(void) {
  fake_trap(NULL, WASMRT_TRAP_EXIT);
}

static wasmrt_builtins fake_builtins = {
    .trap = fake_trap,
    .trap_host = fake_trap_host,
    .memory_grow = fake_memory_grow,
    .memory_fill = fake_memory_fill,
    .ref_func = fake_ref_func,
    .interrupted = fake_interrupted,
    .trap_index = fake_trap_index,
};

static void fill_unused_builtins(void) {
  void **slots = (void **)&fake_builtins;
  for (size_t i = 0; i < sizeof fake_builtins / sizeof(void *); i++)
    if (!slots[i])
      slots[i] = (void *)fake_unused;
}

static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si, (void)uc;
  if (current_jb)
    siglongjmp(*current_jb, WASMRT_TRAP_MEMORY_OOB);
  abort();
}

static int host_dispatch(wasmrt_hostfn *fn, wasmrt_vmctx *x, uint64_t *s) {
  (void)x;
  return ((fake_host_fn)fn->env)(s);
}

static bool setup_memory(fake_instance *in) {
  const wasm_module *m = in->m;
  if (m->num_memories == 0)
    return true;
  uint8_t *base = mmap(NULL, RESERVE, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED)
    return false;
  wasm_limits l = m->memories[0].limits;
  in->mem = (wasmrt_memory){base, 0, l.has_max ? l.max : 65536};
  in->mems[0] = &in->mem;
  in->vm.mem0_base = base;
  in->vm.memories = in->mems;
  in->vm.instance = in;
  if (fake_memory_grow(&in->vm, 0, l.min) < 0)
    return false;
  for (uint32_t i = 0; i < m->num_datas; i++) {
    const wasm_data *d = &m->datas[i];
    if (d->mode == WASM_SEGMENT_ACTIVE)
      memcpy(base + (uint32_t)d->offset.u.i32, d->bytes, d->size);
  }
  return true;
}

static void setup_types(fake_instance *in) {
  const wasm_module *m = in->m;
  in->type_ids = calloc(m->num_types + 1, sizeof *in->type_ids);
  for (uint32_t i = 0; i < m->num_types; i++) {
    in->type_ids[i] = i;
    for (uint32_t j = 0; j < i; j++)
      if (wasm_functype_equal(&m->types[i], &m->types[j])) {
        in->type_ids[i] = in->type_ids[j];
        break;
      }
  }
  in->vm.type_ids = in->type_ids;
}

static uint32_t func_type_index(const wasm_module *m, uint32_t fi) {
  if (fi < m->num_imported_funcs)
    return wasm_module_import_of_kind(m, WASM_EXTERN_FUNC, fi)->u.func_type;
  return m->funcs[fi - m->num_imported_funcs].type_index;
}

static void setup_funcs(fake_instance *in, fake_host_fn *hosts) {
  const wasm_module *m = in->m;
  uint32_t ni = m->num_imported_funcs, n = wasm_module_num_all_funcs(m);
  in->bindings = calloc(ni + 1, sizeof *in->bindings);
  in->imports = calloc(ni + 1, sizeof *in->imports);
  in->funcrefs = calloc(n + 1, sizeof *in->funcrefs);
  in->funcref_ptrs = calloc(n + 1, sizeof *in->funcref_ptrs);
  for (uint32_t i = 0; i < ni; i++) {
    wasmrt_host_binding *b = &in->bindings[i];
    b->header.callback = host_dispatch;
    b->header.env = (void *)(hosts ? hosts[i] : NULL);
    b->caller = &in->vm;
    b->builtins = &fake_builtins;
    in->imports[i].native = in->info->import_adapters[i];
    in->imports[i].vmctx = (wasmrt_vmctx *)b;
  }
  for (uint32_t fi = 0; fi < n; fi++) {
    wasmrt_funcref *r = &in->funcrefs[fi];
    r->type_id = in->type_ids[func_type_index(m, fi)];
    if (fi < ni) {
      r->native = in->imports[fi].native;
      r->vmctx = in->imports[fi].vmctx;
    } else {
      r->native = in->info->native[fi - ni];
      r->array = in->info->array[fi - ni];
      r->vmctx = &in->vm;
    }
    in->funcref_ptrs[fi] = r;
  }
  in->vm.func_imports = in->imports;
  in->vm.funcrefs = in->funcref_ptrs;
}

static void setup_table_globals(fake_instance *in) {
  const wasm_module *m = in->m;
  for (uint32_t t = 0; t < m->num_tables && t < FAKE_MAX_TABLES; t++) {
    in->table[t] = (wasmrt_table){in->elems[t], m->tables[t].limits.min, 64};
    in->tables[t] = &in->table[t];
  }
  in->vm.tables = in->tables;
  for (uint32_t i = 0; i < m->num_elems; i++) {
    const wasm_elem *e = &m->elems[i];
    if (e->mode != WASM_SEGMENT_ACTIVE || e->table_index >= FAKE_MAX_TABLES)
      continue;
    for (uint32_t k = 0; k < e->num_items; k++)
      in->elems[e->table_index][(uint32_t)e->offset.u.i32 + k] =
          in->funcref_ptrs[e->items[k].u.func_index];
  }
  uint32_t ng = m->num_globals;
  in->globals_cells = calloc(ng + 1, sizeof *in->globals_cells);
  in->globals = calloc(ng + 1, sizeof *in->globals);
  for (uint32_t i = 0; i < ng; i++) {
    const wasm_constexpr *c = &m->globals[i].init;
    in->globals_cells[i].i64 = c->op == WASM_CONST_I32 ? c->u.i32 : c->u.i64;
    if (c->op == WASM_CONST_V128)
      memcpy(in->globals_cells[i].v128, c->u.v128, 16);
    in->globals[i] = &in->globals_cells[i];
  }
  in->vm.globals = in->globals;
}

fake_instance *fake_instantiate(const char *so_path, const uint8_t *wasm,
                                size_t len, fake_host_fn *hosts, char *errbuf,
                                size_t errcap) {
  fill_unused_builtins();
  struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  fake_instance *in = calloc(1, sizeof *in);
  wasm_error err;
  if (!wasm_module_decode(wasm, len, 0, &in->m, &err)) {
    snprintf(errbuf, errcap, "decode: %s", err.message);
    free(in);
    return NULL;
  }
  if (in->m->num_imported_tables > 0 || in->m->num_tables > FAKE_MAX_TABLES) {
    snprintf(errbuf, errcap, "the fake runtime has at most %d own tables",
             FAKE_MAX_TABLES);
    fake_free(in);
    return NULL;
  }
  in->dl = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
  in->info = in->dl ? dlsym(in->dl, WASMRT_ARTIFACT_INFO_SYMBOL) : NULL;
  if (!in->info) {
    snprintf(errbuf, errcap, "dlopen: %s", dlerror());
    fake_free(in);
    return NULL;
  }
  in->vm.builtins = &fake_builtins;
  in->vm.instance = in;
  setup_types(in);
  if (!setup_memory(in)) {
    snprintf(errbuf, errcap, "memory setup failed");
    fake_free(in);
    return NULL;
  }
  setup_funcs(in, hosts);
  setup_table_globals(in);
  return in;
}

void fake_free(fake_instance *in) {
  if (!in)
    return;
  if (in->mem.base)
    munmap(in->mem.base, RESERVE);
  if (in->dl)
    dlclose(in->dl);
  wasm_module_free(in->m);
  free(in->type_ids);
  free(in->bindings);
  free(in->imports);
  free(in->funcrefs);
  free(in->funcref_ptrs);
  free(in->globals_cells);
  free(in->globals);
  free(in);
}

uint8_t *fake_memory(fake_instance *in) {
  return in->mem.base;
}

wasmrt_table *fake_table(fake_instance *in, uint32_t t) {
  return t < FAKE_MAX_TABLES ? &in->table[t] : NULL;
}

static int export_func(fake_instance *in, const char *name) {
  for (uint32_t i = 0; i < in->m->num_exports; i++) {
    const wasm_export *e = &in->m->exports[i];
    if (e->kind == WASM_EXTERN_FUNC && e->name.len == strlen(name) &&
        memcmp(e->name.data, name, e->name.len) == 0)
      return (int)e->index;
  }
  return -1;
}

uint32_t fake_call(fake_instance *in, const char *name, uint64_t *slots) {
  int fi = export_func(in, name);
  if (fi < (int)in->m->num_imported_funcs) {
    fprintf(stderr, "no exported defined function %s\n", name);
    return WASMRT_TRAP_COUNT;
  }
  void (*entry)(wasmrt_vmctx *, uint64_t *) =
      in->info->array[fi - (int)in->m->num_imported_funcs];
  /* 1 MiB of native stack for wasm, then the prologue check traps. */
  char here;
  in->vm.stack_limit = (uintptr_t)&here - (1u << 20);
  sigjmp_buf jb;
  volatile uint32_t code = WASMRT_TRAP_NONE;
  current_jb = &jb;
  int r = sigsetjmp(jb, 1);
  if (r == 0)
    entry(&in->vm, slots);
  else
    code = (uint32_t)r;
  current_jb = NULL;
  return code;
}
