/* codegen_block_map.c — an open-addressing map from basic blocks to
 * their index in an array, for the passes that walk optimized IR
 * (codegen_poll.c, codegen_switch.c) in linear time. */
#include "codegen_internal.h"

#include <stdlib.h>

static size_t hash_ptr(const void *p) {
  uintptr_t x = (uintptr_t)p;
  x ^= x >> 17;
  x *= 0x9E3779B97F4A7C15ull;
  return (size_t)(x ^ (x >> 29));
}

bool cg_block_map_init(cg_block_map *m, LLVMBasicBlockRef *blocks, uint32_t n) {
  size_t cap = 16;
  while (cap < 2 * (size_t)n)
    cap *= 2;
  m->keys = calloc(cap, sizeof *m->keys);
  m->vals = calloc(cap, sizeof *m->vals);
  m->mask = cap - 1;
  if (!m->keys || !m->vals)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    size_t h = hash_ptr(blocks[i]) & m->mask;
    while (m->keys[h])
      h = (h + 1) & m->mask;
    m->keys[h] = blocks[i];
    m->vals[h] = i;
  }
  return true;
}

uint32_t cg_block_map_get(const cg_block_map *m, LLVMBasicBlockRef b) {
  for (size_t h = hash_ptr(b) & m->mask; m->keys[h]; h = (h + 1) & m->mask)
    if (m->keys[h] == b)
      return m->vals[h];
  return UINT32_MAX;
}

void cg_block_map_free(cg_block_map *m) {
  free(m->keys);
  free(m->vals);
}
