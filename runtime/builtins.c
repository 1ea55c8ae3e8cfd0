/* The runtime services compiled code reaches through vmctx->builtins, with
 * the spec's bounds rules: every bulk operation checks its whole range
 * first (in 64-bit arithmetic, so nothing wraps) and traps before writing
 * anything. Those that may take long, or lock, end at an interrupt point
 * (rt_interrupt_point). */
#include "wasmrt_internal.h"

#include <string.h>

static bool out_of(uint64_t start, uint64_t n, uint64_t size) {
  return start + n > size;
}

__attribute__((noreturn)) static void b_trap(wasmrt_vmctx *vmctx,
                                             uint32_t code) {
  rt_trap_raise((wasmrt_trap_code)code);
}

__attribute__((noreturn)) static void b_trap_host(wasmrt_vmctx *vmctx) {
  rt_trap_raise_host(WASMRT_TRAP_HOST);
}

static int32_t b_memory_grow(wasmrt_vmctx *vmctx, uint32_t mem,
                             uint32_t delta) {
  int32_t result = (int32_t)wasmrt_memory_grow(vmctx->memories[mem], delta);
  rt_interrupt_point(vmctx);
  return result;
}

static void b_memory_fill(wasmrt_vmctx *vmctx, uint32_t mem, uint32_t dst,
                          uint32_t val, uint32_t n) {
  wasmrt_memory *m = vmctx->memories[mem];
  if (out_of(dst, n, m->size)) {
    rt_trap_raise(WASMRT_TRAP_MEMORY_OOB);
  }
  memset(m->base + dst, (int)(val & 0xff), n);
  rt_interrupt_point(vmctx);
}

static void b_memory_copy(wasmrt_vmctx *vmctx, uint32_t dst_mem,
                          uint32_t src_mem, uint32_t dst, uint32_t src,
                          uint32_t n) {
  wasmrt_memory *d = vmctx->memories[dst_mem];
  wasmrt_memory *s = vmctx->memories[src_mem];
  if (out_of(dst, n, d->size) || out_of(src, n, s->size)) {
    rt_trap_raise(WASMRT_TRAP_MEMORY_OOB);
  }
  memmove(d->base + dst, s->base + src, n);
  rt_interrupt_point(vmctx);
}

static void b_memory_init(wasmrt_vmctx *vmctx, uint32_t mem, uint32_t seg,
                          uint32_t dst, uint32_t src, uint32_t n) {
  wasmrt_memory *m = vmctx->memories[mem];
  const rt_data_seg *d = &rt_inst(vmctx)->datas[seg];
  if (out_of(src, n, d->size) || out_of(dst, n, m->size)) {
    rt_trap_raise(WASMRT_TRAP_MEMORY_OOB);
  }
  if (n) {
    memcpy(m->base + dst, d->bytes + src, n);
  }
  rt_interrupt_point(vmctx);
}

static void b_data_drop(wasmrt_vmctx *vmctx, uint32_t seg) {
  rt_inst(vmctx)->datas[seg].size = 0;
}

static void *b_table_get(wasmrt_vmctx *vmctx, uint32_t table, uint32_t idx) {
  wasmrt_table *t = vmctx->tables[table];
  if (idx >= t->size) {
    rt_trap_raise(WASMRT_TRAP_TABLE_OOB);
  }
  return t->elems[idx];
}

static void b_table_set(wasmrt_vmctx *vmctx, uint32_t table, uint32_t idx,
                        void *ref) {
  wasmrt_table *t = vmctx->tables[table];
  if (idx >= t->size) {
    rt_trap_raise(WASMRT_TRAP_TABLE_OOB);
  }
  t->elems[idx] = ref;
}

static int32_t b_table_grow(wasmrt_vmctx *vmctx, uint32_t table, void *init,
                            uint32_t delta) {
  int32_t result = (int32_t)rt_table_grow(vmctx->tables[table], delta, init);
  rt_interrupt_point(vmctx);
  return result;
}

static void b_table_fill(wasmrt_vmctx *vmctx, uint32_t table, uint32_t dst,
                         void *ref, uint32_t n) {
  wasmrt_table *t = vmctx->tables[table];
  if (out_of(dst, n, t->size)) {
    rt_trap_raise(WASMRT_TRAP_TABLE_OOB);
  }
  for (uint32_t i = 0; i < n; i++) {
    t->elems[dst + i] = ref;
  }
  rt_interrupt_point(vmctx);
}

static void b_table_copy(wasmrt_vmctx *vmctx, uint32_t dst_table,
                         uint32_t src_table, uint32_t dst, uint32_t src,
                         uint32_t n) {
  wasmrt_table *d = vmctx->tables[dst_table];
  wasmrt_table *s = vmctx->tables[src_table];
  if (out_of(dst, n, d->size) || out_of(src, n, s->size)) {
    rt_trap_raise(WASMRT_TRAP_TABLE_OOB);
  }
  if (n) {
    memmove(d->elems + dst, s->elems + src, (size_t)n * sizeof(void *));
  }
  rt_interrupt_point(vmctx);
}

static void b_table_init(wasmrt_vmctx *vmctx, uint32_t table, uint32_t seg,
                         uint32_t dst, uint32_t src, uint32_t n) {
  wasmrt_table *t = vmctx->tables[table];
  const rt_elem_seg *e = &rt_inst(vmctx)->elems[seg];
  if (out_of(src, n, e->num_items) || out_of(dst, n, t->size)) {
    rt_trap_raise(WASMRT_TRAP_TABLE_OOB);
  }
  if (n) {
    memcpy(t->elems + dst, e->items + src, (size_t)n * sizeof(void *));
  }
  rt_interrupt_point(vmctx);
}

static void b_elem_drop(wasmrt_vmctx *vmctx, uint32_t seg) {
  rt_elem_seg *e = &rt_inst(vmctx)->elems[seg];
  /* Only the count: a concurrent table.init of this instance cannot run
   * (one instance, one thread), and the items are freed with it. */
  e->num_items = 0;
}

static void *b_ref_func(wasmrt_vmctx *vmctx, uint32_t func) {
  return vmctx->funcrefs[func];
}

__attribute__((noreturn)) void rt_trap_interrupted(wasmrt_vmctx *vmctx) {
  vmctx->interrupt = 0;
  rt_trap_raise(WASMRT_TRAP_INTERRUPTED);
}

__attribute__((noreturn)) static void
b_trap_index(wasmrt_vmctx *vmctx, uint32_t code, uint32_t index) {
  (void)vmctx;
  rt_trap_raise_index((wasmrt_trap_code)code, index);
}

const wasmrt_builtins rt_builtins = {
    .trap = b_trap,
    .trap_host = b_trap_host,
    .memory_grow = b_memory_grow,
    .memory_fill = b_memory_fill,
    .memory_copy = b_memory_copy,
    .memory_init = b_memory_init,
    .data_drop = b_data_drop,
    .table_get = b_table_get,
    .table_set = b_table_set,
    .table_grow = b_table_grow,
    .table_fill = b_table_fill,
    .table_copy = b_table_copy,
    .table_init = b_table_init,
    .elem_drop = b_elem_drop,
    .ref_func = b_ref_func,
    .interrupted = rt_trap_interrupted,
    .trap_index = b_trap_index,
};
