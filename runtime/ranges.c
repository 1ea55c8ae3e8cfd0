/* ranges.c — sets of address ranges that signal handlers consult: the
 * linear-memory reservations (is a fault an out-of-bounds access?) and
 * the compiled code of live instances (may an interrupt unwind from this
 * instruction?). */
#include "wasmrt_internal.h"

#include <stdlib.h>

/* Nodes are never freed, only recycled, so a signal handler can walk the
 * list at any time without locks. Writers are serialised by the set's
 * lock. */
struct rt_range {
  _Atomic uintptr_t lo, hi; /* lo == 0: free */
  struct rt_range *_Atomic next;
};

rt_range_set rt_memory_ranges = RT_RANGE_SET_INIT;
rt_range_set rt_code_ranges = RT_RANGE_SET_INIT;

rt_range *rt_range_add(rt_range_set *set, uintptr_t lo, uintptr_t hi) {
  pthread_mutex_lock(&set->lock);
  rt_range *n = atomic_load(&set->head);
  while (n && atomic_load(&n->lo) != 0) {
    n = atomic_load(&n->next);
  }
  if (!n) {
    n = calloc(1, sizeof *n);
    if (n) {
      atomic_store(&n->next, atomic_load(&set->head));
      atomic_store(&set->head, n);
    }
  }
  if (n) {
    /* hi before lo: a reader that sees the new lo also sees the new hi. */
    atomic_store(&n->hi, hi);
    atomic_store(&n->lo, lo);
  }
  pthread_mutex_unlock(&set->lock);
  return n;
}

void rt_range_remove(rt_range_set *set, rt_range *n) {
  if (!n) {
    return;
  }
  pthread_mutex_lock(&set->lock);
  atomic_store(&n->lo, 0);
  atomic_store(&n->hi, 0);
  pthread_mutex_unlock(&set->lock);
}

bool rt_range_contains(rt_range_set *set, uintptr_t addr) {
  for (rt_range *n = atomic_load(&set->head); n; n = atomic_load(&n->next)) {
    uintptr_t lo = atomic_load(&n->lo);
    if (lo != 0 && addr >= lo && addr < atomic_load(&n->hi)) {
      return true;
    }
  }
  return false;
}
