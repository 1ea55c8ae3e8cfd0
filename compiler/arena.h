/* arena.h — private bump allocator owning everything a wasm_module points
 * to. One malloc per chunk; wasm_arena_free releases them all at once. */
#ifndef WASM_ARENA_H
#define WASM_ARENA_H

#include <stddef.h>

typedef struct wasm_arena wasm_arena;

wasm_arena *wasm_arena_new(void);
void wasm_arena_free(wasm_arena *a);
/* Zeroed, 16-byte aligned; NULL when out of memory. */
void *wasm_arena_alloc(wasm_arena *a, size_t size);
/* count * size bytes, NULL on overflow or out of memory. A count of zero
 * returns a valid (non-NULL) pointer so callers need no special case. */
void *wasm_arena_array(wasm_arena *a, size_t count, size_t size);
/* A copy of [src, src + size) in the arena. */
void *wasm_arena_dup(wasm_arena *a, const void *src, size_t size);

#endif /* WASM_ARENA_H */
