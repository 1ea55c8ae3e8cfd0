/* libFuzzer target: decode -> validate -> compile -> load ->
 * instantiate with dummy imports -> call every exported function with
 * arguments derived from the input. Rejections and traps are fine; a
 * crash, sanitizer report, leak or hang is a bug.
 *
 * Guest code may loop forever, so a watchdog thread interrupts a call that
 * runs longer than CALL_BUDGET_MS; created memories and tables are capped
 * so a guest cannot exhaust the fuzzer's RSS limit. Modules with a start
 * function are not instantiated (nothing could interrupt it). */
#include "wasm.h"
#include "wasmc.h"
#include "wasmrt.h"
#include "wasmrt_loader.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CALL_BUDGET_MS 50
#define MAX_EXPORT_CALLS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ------------------------------------------------------------ watchdog */

static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t wd_once = PTHREAD_ONCE_INIT;
static wasmrt_instance *wd_inst; /* being called, under wd_lock */
static struct timespec wd_deadline;

static bool past(const struct timespec *t) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > t->tv_sec ||
         (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void *watchdog(void *arg) {
  (void)arg;
  for (;;) {
    struct timespec nap = {0, 5 * 1000 * 1000};
    nanosleep(&nap, NULL);
    pthread_mutex_lock(&wd_lock);
    if (wd_inst && past(&wd_deadline))
      wasmrt_interrupt(wd_inst);
    pthread_mutex_unlock(&wd_lock);
  }
  return NULL;
}

static void start_watchdog(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, watchdog, NULL) == 0)
    pthread_detach(t);
}

static void arm(wasmrt_instance *inst) {
  pthread_mutex_lock(&wd_lock);
  clock_gettime(CLOCK_MONOTONIC, &wd_deadline);
  wd_deadline.tv_nsec += CALL_BUDGET_MS * 1000 * 1000L;
  wd_deadline.tv_sec += wd_deadline.tv_nsec / 1000000000L;
  wd_deadline.tv_nsec %= 1000000000L;
  wd_inst = inst;
  pthread_mutex_unlock(&wd_lock);
}

static void disarm(void) {
  pthread_mutex_lock(&wd_lock);
  wd_inst = NULL;
  pthread_mutex_unlock(&wd_lock);
}

/* ------------------------------------------------------- dummy imports */

/* Host function for every imported function: results are zeros. */
static int zero_results(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                        uint64_t *slots) {
  (void)caller;
  const wasm_functype *t = wasmrt_hostfn_type(fn);
  uint32_t n = t->nparams > t->nresults ? t->nparams : t->nresults;
  for (uint32_t i = 0; i < t->nresults; i++)
    n += t->results[i] == WASM_V128;
  memset(slots, 0, n * sizeof *slots);
  return 0;
}

/* A fresh object matching import `imp`; kind NONE if it cannot be made. */
static wasmrt_extern dummy_import(const wasm_module *m,
                                  const wasm_import *imp) {
  wasmrt_extern e = {WASMRT_EXTERN_NONE, {NULL}};
  wasm_error err = {0};
  wasmrt_value zero;
  memset(&zero, 0, sizeof zero);
  switch (imp->kind) {
  case WASM_EXTERN_FUNC:
    e.of.hostfn = wasmrt_hostfn_new(&m->types[imp->u.func_type], zero_results,
                                    NULL, NULL, &err);
    e.kind = e.of.hostfn ? WASMRT_EXTERN_HOSTFN : WASMRT_EXTERN_NONE;
    break;
  case WASM_EXTERN_TABLE:
    if (imp->u.table.limits.min <= 4096)
      e.of.table = wasmrt_table_new(imp->u.table, NULL, &err);
    e.kind = e.of.table ? WASMRT_EXTERN_TABLE : WASMRT_EXTERN_NONE;
    break;
  case WASM_EXTERN_MEMORY:
    if (imp->u.memory.limits.min <= 64)
      e.of.memory = wasmrt_memory_new(imp->u.memory.limits, 64, &err);
    e.kind = e.of.memory ? WASMRT_EXTERN_MEMORY : WASMRT_EXTERN_NONE;
    break;
  case WASM_EXTERN_GLOBAL:
    zero.type = imp->u.global.type;
    e.of.global = wasmrt_global_new(imp->u.global, &zero, &err);
    e.kind = e.of.global ? WASMRT_EXTERN_GLOBAL : WASMRT_EXTERN_NONE;
    break;
  }
  return e;
}

static void release_extern(wasmrt_extern *e) {
  switch (e->kind) {
  case WASMRT_EXTERN_HOSTFN:
    wasmrt_hostfn_release(e->of.hostfn);
    break;
  case WASMRT_EXTERN_TABLE:
    wasmrt_table_release(e->of.table);
    break;
  case WASMRT_EXTERN_MEMORY:
    wasmrt_memory_release(e->of.memory);
    break;
  case WASMRT_EXTERN_GLOBAL:
    wasmrt_global_release(e->of.global);
    break;
  default:
    break;
  }
}

/* -------------------------------------------------------------- calls */

/* Arguments come from the input's bytes (cycled), so the fuzzer steers
 * them. References are always null: the fuzzer cannot forge pointers. */
static void fill_args(const wasm_functype *t, uint64_t *slots,
                      const uint8_t *data, size_t size, size_t *pos) {
  for (uint32_t i = 0, k = 0; i < t->nparams; i++) {
    unsigned width = t->params[i] == WASM_V128 ? 2 : 1;
    for (unsigned w = 0; w < width; w++, k++) {
      uint64_t v = 0;
      for (int b = 0; b < 8 && size; b++)
        v |= (uint64_t)data[(*pos)++ % size] << (8 * b);
      slots[k] = wasm_valtype_is_ref(t->params[i]) ? 0 : v;
    }
  }
}

static void call_exports(wasmrt_instance *inst, const wasm_module *m,
                         const uint8_t *data, size_t size) {
  size_t pos = 0;
  uint64_t slots[2 * 1024];
  for (uint32_t i = 0; i < m->num_exports && i < MAX_EXPORT_CALLS; i++) {
    wasmrt_extern e = wasmrt_instance_export_at(inst, i);
    if (e.kind != WASMRT_EXTERN_FUNC || !e.of.func)
      continue;
    const wasm_functype *t = wasmrt_funcref_type(e.of.func);
    if (t->nparams > 512 || t->nresults > 512)
      continue;
    fill_args(t, slots, data, size, &pos);
    arm(inst);
    wasmrt_call(e.of.func, slots, NULL);
    disarm();
  }
}

static void run_artifact(const wasm_module *m, const wasmrt_artifact_info *code,
                         const uint8_t *data, size_t size) {
  wasmrt_extern *imports = calloc(m->num_imports + 1, sizeof *imports);
  if (!imports)
    return;
  for (uint32_t i = 0; i < m->num_imports; i++)
    imports[i] = dummy_import(m, &m->imports[i]);
  wasmrt_options opts = {.max_memory_pages = 64, .max_table_elems = 4096};
  wasm_error err = {0};
  /* A start function runs before there is an instance to interrupt, so
   * it could hang the fuzzer: such modules are compiled and loaded only. */
  wasmrt_instance *inst =
      m->has_start ? NULL
                   : wasmrt_instance_new(m, code, imports, m->num_imports,
                                         &opts, NULL, &err);
  for (uint32_t i = 0; i < m->num_imports; i++)
    release_extern(&imports[i]);
  free(imports);
  if (!inst)
    return;
  call_exports(inst, m, data, size);
  wasmrt_instance_release(inst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pthread_once(&wd_once, start_watchdog);
  wasmc_options o;
  wasmc_options_init(&o);
  /* Mostly -O0, which is fast; one input in four (by size, so the same
   * input always compiles the same way) at -O2, which also runs the
   * passes that edit optimized IR by hand (codegen_switch.c,
   * codegen_poll.c, codegen_tuning.c). */
  o.opt_level = size % 4 == 0 ? 2 : 0;
  uint8_t *so = NULL;
  size_t so_len = 0;
  wasm_error err = {0};
  if (!wasmc_compile(data, size, &o, &so, &so_len, &err)) {
    if (err.kind == WASM_ERR_OK)
      __builtin_trap(); /* a failure must say why */
    return 0;
  }
  wasmrt_artifact *art = NULL;
  if (!wasmrt_artifact_open_bytes(so, so_len, &art, &err))
    __builtin_trap(); /* the compiler's output must always load */
  free(so);
  run_artifact(wasmrt_artifact_module(art), wasmrt_artifact_code(art), data,
               size);
  wasmrt_artifact_close(art);
  return 0;
}
