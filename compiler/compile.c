/* compile.c — wasmc_compile(), the driver: decode and validate, split the
 * defined functions into partitions, build and optimise each partition in
 * its own LLVM context (partitions run side by side on up to one thread per
 * CPU), and link the objects into one shared object.
 *
 * Partitions call each other's functions through protected-visibility
 * declarations, which lld binds directly (no PLT), so splitting costs no
 * run-time speed; it only forgoes inlining across partition borders, which
 * is why small modules stay in one piece. */
#include "codegen_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Below this much function-body code a module is compiled on one thread:
 * the second context and the extra object cost more than they save. */
#define PARALLEL_MIN_BYTES (96u * 1024u)
/* Each partition gets at least this much code. */
#define PART_MIN_BYTES (48u * 1024u)
#define MAX_PARTS 4u
/* LLVM recurses over large functions; do not depend on the default. */
#define PART_STACK_BYTES ((size_t)16 << 20)

typedef struct cg_part {
  const wasm_module *m;
  const uint8_t *wasm;
  size_t len;
  const wasmc_options *opts;
  const uint8_t *part_of;        /* shared by all partitions */
  uint32_t *const *known_tables; /* shared too */
  uint8_t index;
  uint8_t *obj;
  size_t obj_len;
  wasm_error err;
  bool ok;
} cg_part;

void cg_init_types(cg_module *cm) {
  LLVMContextRef c = cm->ctx;
  cm->t_void = LLVMVoidTypeInContext(c);
  cm->t_i1 = LLVMInt1TypeInContext(c);
  cm->t_i8 = LLVMInt8TypeInContext(c);
  cm->t_i32 = LLVMInt32TypeInContext(c);
  cm->t_i64 = LLVMInt64TypeInContext(c);
  cm->t_f32 = LLVMFloatTypeInContext(c);
  cm->t_f64 = LLVMDoubleTypeInContext(c);
  cm->t_ptr = LLVMPointerTypeInContext(c, 0);
  cm->t_v128 = LLVMVectorType(cm->t_i64, 2);
  cm->md_invariant = LLVMGetMDKindIDInContext(c, "invariant.load", 14);
  cm->md_nonnull = LLVMGetMDKindIDInContext(c, "nonnull", 7);
  cm->md_align = LLVMGetMDKindIDInContext(c, "align", 5);
  cm->md_deref = LLVMGetMDKindIDInContext(c, "dereferenceable", 15);
  cm->md_scope = LLVMGetMDKindIDInContext(c, "alias.scope", 11);
  cm->md_noalias = LLVMGetMDKindIDInContext(c, "noalias", 7);
  cm->md_empty = LLVMMetadataAsValue(c, LLVMMDNodeInContext2(c, NULL, 0));
}

static bool build_and_emit(cg_part *p, cg_target *tgt) {
  cg_module cm = {.m = p->m,
                  .err = &p->err,
                  .tune_cpu = tgt->tune_cpu,
                  .opt_level = p->opts->opt_level,
                  .interrupt_polls = p->opts->interrupt_polls,
                  .part_of = p->part_of,
                  .known_tables = p->known_tables,
                  .part = p->index};
  cm.ctx = LLVMContextCreate();
  cm.mod = LLVMModuleCreateWithNameInContext("wasm", cm.ctx);
  cm.b = LLVMCreateBuilderInContext(cm.ctx);
  cg_init_types(&cm);
  uint8_t *blob = NULL;
  size_t blob_len = 0;
  bool ok = cg_module_build(&cm);
  if (ok && p->index == 0) {
    ok = cg_artifact_section(p->wasm, p->len, tgt, &blob, &blob_len, &p->err);
    if (ok)
      cg_add_metadata(&cm, blob, blob_len);
  }
  if (ok)
    ok = cg_emit_object(&cm, tgt, p->opts->opt_level, &p->obj, &p->obj_len,
                        &p->err);
  free(blob);
  free(cm.sig_types);
  free(cm.funcs);
  LLVMDisposeBuilder(cm.b);
  LLVMDisposeModule(cm.mod);
  LLVMContextDispose(cm.ctx);
  return ok;
}

/* A target machine is not shared between threads: each partition makes
 * its own (cheap next to code generation). */
static void *compile_part(void *arg) {
  cg_part *p = arg;
  cg_target tgt;
  p->ok = cg_target_create(p->opts, &tgt, &p->err);
  if (p->ok) {
    p->ok = build_and_emit(p, &tgt);
    cg_target_dispose(&tgt);
  }
  return NULL;
}

static uint64_t body_bytes(const wasm_module *m, uint32_t i) {
  const wasm_func *f = &m->funcs[i];
  return f->code_end > f->body_offset ? f->code_end - f->body_offset : 0;
}

/* The number of partitions depends on the module and the options only,
 * never on the machine, so an artifact is the same bytes wherever it is
 * compiled (a 2-core CI runner and a 16-core workstation used to split
 * sqlite3 in 2 and in 4). Automatic: modules with at least
 * PARALLEL_MIN_BYTES of code get one partition per PART_MIN_BYTES, at most
 * MAX_PARTS; they then run on at most one thread per online CPU
 * (choose_threads). */
static unsigned choose_parts(const wasm_module *m, const wasmc_options *opts,
                             uint64_t total) {
  uint64_t want = opts->threads;
  if (want == 0)
    want = total < PARALLEL_MIN_BYTES ? 1 : total / PART_MIN_BYTES;
  if (want > MAX_PARTS)
    want = MAX_PARTS;
  if (want > m->num_funcs)
    want = m->num_funcs > 0 ? m->num_funcs : 1;
  return (unsigned)want;
}

/* Explicit threads: one per partition, as asked. Automatic: one per online
 * CPU, at most one per partition. */
static unsigned choose_threads(const wasmc_options *opts, unsigned parts) {
  if (opts->threads != 0)
    return parts;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned n = cpus > 0 ? (unsigned)cpus : 1;
  return n < parts ? n : parts;
}

/* Optimisation time grows faster than linearly with a function's size
 * (one 66 KiB function of sqlite3 takes a good part of the whole compile),
 * so balance on size^1.5 rather than on bytes. */
static double cost_of(const wasm_module *m, uint32_t i) {
  double b = (double)body_bytes(m, i);
  return b * sqrt(b) + 64.0;
}

typedef struct sized {
  double cost;
  uint32_t index;
} sized;

static int by_cost_desc(const void *a, const void *b) {
  const sized *x = a, *y = b;
  if (x->cost != y->cost)
    return x->cost < y->cost ? 1 : -1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Longest-processing-time-first: each function, largest first, goes to
 * the partition with the least work so far. */
static bool assign_parts(const wasm_module *m, unsigned n, uint8_t *part_of) {
  sized *v = malloc((m->num_funcs ? m->num_funcs : 1) * sizeof *v);
  if (!v)
    return false;
  for (uint32_t i = 0; i < m->num_funcs; i++)
    v[i] = (sized){cost_of(m, i), i};
  qsort(v, m->num_funcs, sizeof *v, by_cost_desc);
  double load[MAX_PARTS] = {0};
  for (uint32_t k = 0; k < m->num_funcs; k++) {
    unsigned best = 0;
    for (unsigned p = 1; p < n; p++)
      if (load[p] < load[best])
        best = p;
    load[best] += v[k].cost;
    part_of[v[k].index] = (uint8_t)best;
  }
  free(v);
  return true;
}

static unsigned plan_parts(const wasm_module *m, const wasmc_options *opts) {
  uint64_t total = 0;
  for (uint32_t i = 0; i < m->num_funcs; i++)
    total += body_bytes(m, i);
  return choose_parts(m, opts, total);
}

/* Workers take the next partition not yet started until none is left. */
typedef struct part_queue {
  cg_part *parts;
  unsigned n;
  unsigned next; /* atomic */
} part_queue;

static void *compile_queued(void *arg) {
  part_queue *q = arg;
  unsigned k;
  while ((k = __atomic_fetch_add(&q->next, 1, __ATOMIC_RELAXED)) < q->n)
    compile_part(&q->parts[k]);
  return NULL;
}

/* The calling thread works too, so the queue drains even when no thread
 * could be started. */
static void run_parts(cg_part *parts, unsigned n, unsigned threads) {
  part_queue q = {.parts = parts, .n = n, .next = 0};
  pthread_t th[MAX_PARTS];
  bool started[MAX_PARTS] = {false};
  pthread_attr_t attr;
  bool have_attr = pthread_attr_init(&attr) == 0;
  if (have_attr)
    pthread_attr_setstacksize(&attr, PART_STACK_BYTES);
  for (unsigned k = 1; k < threads; k++)
    started[k] = pthread_create(&th[k], have_attr ? &attr : NULL,
                                compile_queued, &q) == 0;
  if (have_attr)
    pthread_attr_destroy(&attr);
  compile_queued(&q);
  for (unsigned k = 1; k < threads; k++)
    if (started[k])
      pthread_join(th[k], NULL);
}

static bool compile_parts(const wasm_module *m, const uint8_t *wasm, size_t len,
                          const wasmc_options *opts, uint8_t **so_bytes,
                          size_t *so_len, wasm_error *err) {
  cg_part parts[MAX_PARTS];
  memset(parts, 0, sizeof parts);
  unsigned n = plan_parts(m, opts);
  uint8_t *part_of = NULL;
  if (n > 1) {
    part_of = calloc(m->num_funcs, 1);
    if (!part_of || !assign_parts(m, n, part_of)) {
      free(part_of);
      return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                            "out of memory");
    }
  }
  uint32_t **known_tables = cg_find_known_tables(m, opts->opt_level);
  for (unsigned k = 0; k < n; k++)
    parts[k] = (cg_part){.m = m,
                         .wasm = wasm,
                         .len = len,
                         .opts = opts,
                         .part_of = part_of,
                         .known_tables = known_tables,
                         .index = (uint8_t)k};
  run_parts(parts, n, choose_threads(opts, n));
  bool ok = true;
  for (unsigned k = 0; k < n && ok; k++)
    if (!parts[k].ok) {
      *err = parts[k].err;
      ok = false;
    }
  uint8_t *objs[MAX_PARTS];
  size_t lens[MAX_PARTS];
  for (unsigned k = 0; k < n; k++) {
    objs[k] = parts[k].obj;
    lens[k] = parts[k].obj_len;
  }
  if (ok)
    ok = cg_link_shared(objs, lens, n, so_bytes, so_len, err);
  for (unsigned k = 0; k < n; k++)
    free(parts[k].obj);
  cg_free_known_tables(m, known_tables);
  free(part_of);
  return ok;
}

void wasmc_options_init(wasmc_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->opt_level = 2;
  opts->cpu = "generic";
}

bool wasmc_compile(const uint8_t *wasm, size_t len, const wasmc_options *opts,
                   uint8_t **so_bytes, size_t *so_len, wasm_error *err) {
  wasmc_options defaults;
  wasmc_options_init(&defaults);
  if (!opts)
    opts = &defaults;
  *so_bytes = NULL;
  *so_len = 0;
  wasm_module *m = NULL;
  if (!wasm_module_load(wasm, len, &m, err))
    return false;
  bool ok = compile_parts(m, wasm, len, opts, so_bytes, so_len, err);
  wasm_module_free(m);
  return ok;
}
