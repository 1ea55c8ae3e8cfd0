/* Linear memories: one 8 GiB + 64 KiB PROT_NONE reservation each (so
 * compiled code needs no bounds checks), grown by mprotect, each entered
 * in rt_memory_ranges, which the SIGSEGV handler reads to decide whether
 * a fault is a wasm out-of-bounds access. */
#include "wasmrt_internal.h"

#include <stdlib.h>
#include <sys/mman.h>

/* ------------------------------------------------------------ memories */

static bool commit_pages(uint8_t *base, uint64_t from, uint64_t to) {
  if (to == from) {
    return true;
  }
  return mprotect(base + from * RT_PAGE_SIZE, (to - from) * RT_PAGE_SIZE,
                  PROT_READ | PROT_WRITE) == 0;
}

wasmrt_memory *wasmrt_memory_new(wasm_limits limits, uint32_t cap_pages,
                                 wasm_error *err) {
  uint32_t limit = limits.has_max ? limits.max : RT_MAX_PAGES;
  if (limit > RT_MAX_PAGES || limits.min > limit) {
    wasm_error_set(err, WASM_ERR_INVALID, WASM_NO_OFFSET,
                   "memory size must be at most 65536 pages (4GiB)");
    return NULL;
  }
  if (limits.min > WASMRT_MAX_MEMORY_PAGES) {
    wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                   "memory of %u pages exceeds wasmc's limit of %u pages "
                   "(4 GiB - 64 KiB)",
                   limits.min, WASMRT_MAX_MEMORY_PAGES);
    return NULL;
  }
  if (limit > WASMRT_MAX_MEMORY_PAGES) {
    limit = WASMRT_MAX_MEMORY_PAGES;
  }
  if (cap_pages && cap_pages < limit) {
    limit = cap_pages;
  }
  if (limits.min > limit) {
    wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                   "memory of %u pages exceeds the cap of %u pages", limits.min,
                   limit);
    return NULL;
  }
  rt_memory *m = calloc(1, sizeof *m);
  void *base = mmap(NULL, RT_RESERVATION, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (!m || base == MAP_FAILED) {
    free(m);
    if (base != MAP_FAILED) {
      munmap(base, RT_RESERVATION);
    }
    wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                   "cannot reserve address space for a memory");
    return NULL;
  }
  m->pub.base = base;
  m->reg_node = rt_range_add(&rt_memory_ranges, (uintptr_t)base,
                             (uintptr_t)base + RT_RESERVATION);
  if (!m->reg_node || !commit_pages(base, 0, limits.min)) {
    rt_range_remove(&rt_memory_ranges, m->reg_node);
    munmap(base, RT_RESERVATION);
    free(m);
    wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                   "cannot commit %u pages of memory", limits.min);
    return NULL;
  }
  m->pub.size = (uint64_t)limits.min * RT_PAGE_SIZE;
  m->pub.max_pages = limits.has_max ? limits.max : RT_MAX_PAGES;
  m->has_max = limits.has_max;
  m->limit_pages = limit;
  atomic_init(&m->refs, 1);
  pthread_mutex_init(&m->lock, NULL);
  return &m->pub;
}

void wasmrt_memory_retain(wasmrt_memory *mem) {
  atomic_fetch_add(&rt_mem(mem)->refs, 1);
}

void wasmrt_memory_release(wasmrt_memory *mem) {
  if (!mem) {
    return;
  }
  rt_memory *m = rt_mem(mem);
  if (atomic_fetch_sub(&m->refs, 1) != 1) {
    return;
  }
  /* Unregister first so a late fault there is not taken for wasm's. */
  rt_range_remove(&rt_memory_ranges, m->reg_node);
  munmap(m->pub.base, RT_RESERVATION);
  pthread_mutex_destroy(&m->lock);
  free(m);
}

uint32_t wasmrt_memory_pages(const wasmrt_memory *mem) {
  return (uint32_t)(__atomic_load_n(&mem->size, __ATOMIC_ACQUIRE) /
                    RT_PAGE_SIZE);
}

int64_t wasmrt_memory_grow(wasmrt_memory *mem, uint32_t delta) {
  rt_memory *m = rt_mem(mem);
  pthread_mutex_lock(&m->lock);
  uint64_t old = m->pub.size / RT_PAGE_SIZE;
  int64_t result = -1;
  if ((uint64_t)delta <= m->limit_pages - old &&
      commit_pages(m->pub.base, old, old + delta)) {
    __atomic_store_n(&m->pub.size, (old + delta) * RT_PAGE_SIZE,
                     __ATOMIC_RELEASE);
    result = (int64_t)old;
  }
  pthread_mutex_unlock(&m->lock);
  return result;
}

wasm_memtype wasmrt_memory_type(const wasmrt_memory *mem) {
  const rt_memory *m = rt_mem(mem);
  return (wasm_memtype){
      {wasmrt_memory_pages(mem), (uint32_t)m->pub.max_pages, m->has_max}};
}
