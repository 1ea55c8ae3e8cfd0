/* codegen_ptr_map.c — an open-addressing map from pointers (basic
 * blocks, instructions) to their index in an array, for the passes that
 * walk IR (codegen_poll.c, codegen_switch.c, codegen_nowrap.c,
 * codegen_keep_loads.c) in linear time. */
#include "codegen_internal.h"

#include <stdlib.h>

static size_t hash_ptr(const void *p) {
  uintptr_t x = (uintptr_t)p;
  x ^= x >> 17;
  x *= 0x9E3779B97F4A7C15ull;
  return (size_t)(x ^ (x >> 29));
}

bool cg_ptr_map_init(cg_ptr_map *m, uint32_t n) {
  size_t cap = 16;
  while (cap < 2 * (size_t)n)
    cap *= 2;
  m->keys = calloc(cap, sizeof *m->keys);
  m->vals = calloc(cap, sizeof *m->vals);
  m->mask = cap - 1;
  return m->keys && m->vals;
}

void cg_ptr_map_put(cg_ptr_map *m, const void *key, uint32_t val) {
  size_t h = hash_ptr(key) & m->mask;
  while (m->keys[h]) {
    if (m->keys[h] == key)
      return;
    h = (h + 1) & m->mask;
  }
  m->keys[h] = key;
  m->vals[h] = val;
}

uint32_t cg_ptr_map_get(const cg_ptr_map *m, const void *key) {
  for (size_t h = hash_ptr(key) & m->mask; m->keys[h]; h = (h + 1) & m->mask)
    if (m->keys[h] == key)
      return m->vals[h];
  return UINT32_MAX;
}

void cg_ptr_map_free(cg_ptr_map *m) {
  free(m->keys);
  free(m->vals);
}

bool cg_ptr_map_of_blocks(cg_ptr_map *m, LLVMBasicBlockRef *blocks,
                          uint32_t n) {
  if (!cg_ptr_map_init(m, n))
    return false;
  for (uint32_t i = 0; i < n; i++)
    cg_ptr_map_put(m, blocks[i], i);
  return true;
}
