/* A chunked bump allocator: modules are built once and freed as a whole,
 * so individual frees are never needed. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_CHUNK (64 * 1024)

typedef struct arena_chunk {
  struct arena_chunk *next;
  size_t used, cap;
  /* payload follows, aligned to ARENA_ALIGN */
  _Alignas(ARENA_ALIGN) unsigned char data[];
} arena_chunk;

struct wasm_arena {
  arena_chunk *head;
};

wasm_arena *wasm_arena_new(void) {
  return calloc(1, sizeof(wasm_arena));
}

void wasm_arena_free(wasm_arena *a) {
  if (!a)
    return;
  arena_chunk *c = a->head;
  while (c) {
    arena_chunk *next = c->next;
    free(c);
    c = next;
  }
  free(a);
}

/* A new chunk big enough for `size`; large requests get their own chunk
 * so the common small allocations keep filling the current one. */
static arena_chunk *arena_grow(wasm_arena *a, size_t size) {
  size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
  if (cap > SIZE_MAX - sizeof(arena_chunk))
    return NULL;
  arena_chunk *c = malloc(sizeof(arena_chunk) + cap);
  if (!c)
    return NULL;
  c->used = 0;
  c->cap = cap;
  if (size > ARENA_CHUNK && a->head) {
    /* keep the partly used chunk in front */
    c->next = a->head->next;
    a->head->next = c;
  } else {
    c->next = a->head;
    a->head = c;
  }
  return c;
}

void *wasm_arena_alloc(wasm_arena *a, size_t size) {
  if (size > SIZE_MAX - ARENA_ALIGN)
    return NULL;
  size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if (size == 0)
    size = ARENA_ALIGN;
  arena_chunk *c = a->head;
  if (!c || c->cap - c->used < size) {
    c = arena_grow(a, size);
    if (!c)
      return NULL;
  }
  void *p = c->data + c->used;
  c->used += size;
  memset(p, 0, size);
  return p;
}

void *wasm_arena_array(wasm_arena *a, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size)
    return NULL;
  return wasm_arena_alloc(a, count * size);
}

void *wasm_arena_dup(wasm_arena *a, const void *src, size_t size) {
  void *p = wasm_arena_alloc(a, size);
  if (p && size)
    memcpy(p, src, size);
  return p;
}
