/* decode_internal.h — private to the decoder files (decode*.c and
 * wasm_module.c): the module's hidden fields and the decoding state shared
 * by the section readers. */
#ifndef WASM_DECODE_INTERNAL_H
#define WASM_DECODE_INTERNAL_H

#include "arena.h"
#include "leb.h"
#include "wasm.h"

/* An implementation limit: more declared locals than this in one function
 * is rejected as malformed ("too many locals"), so later stages never size
 * anything by an attacker's count. */
#define WASM_MAX_LOCALS 50000u

/* The public module plus per-kind import lookup tables, so the index-space
 * helpers are O(1). `pub` must stay first. */
typedef struct wasm_module_impl {
  wasm_module pub;
  const uint32_t *imports_of_kind[4]; /* kind -> import indices */
} wasm_module_impl;

static inline wasm_module_impl *wasm_impl(wasm_module *m) {
  return (wasm_module_impl *)m;
}
static inline const wasm_module_impl *wasm_impl_c(const wasm_module *m) {
  return (const wasm_module_impl *)m;
}

/* State of one decode: the module being built and facts collected for the
 * checks made after the last section. */
typedef struct wasm_decoder {
  wasm_module_impl *impl;
  wasm_module *m;
  wasm_arena *arena;
  unsigned flags;
  wasm_cursor c; /* over the whole module, end = module size */
  bool has_func_section, has_code_section;
  uint32_t num_code_bodies;
  bool has_data_section;
  bool uses_data_count;    /* memory.init / data.drop seen in code */
  wasm_code_reader reader; /* reused for every expression and body */
  wasm_custom *customs;    /* malloc'd growable, copied to the arena */
  uint32_t num_customs, cap_customs;
} wasm_decoder;

/* Out-of-memory reported as a value. */
bool wasm_decode_oom(wasm_error *err);

/* decode_sections.c: one reader per known section id (1..12); the cursor
 * starts at the payload and is checked against the size by the caller. */
bool wasm_decode_section(wasm_decoder *d, uint8_t id, uint32_t size,
                         wasm_error *err);
bool wasm_decode_custom(wasm_decoder *d, uint32_t size, wasm_error *err);

/* decode_code.c: walks one expression from the cursor up to and including
 * the `end` that closes it, reporting what the section readers need. */
typedef struct wasm_expr_info {
  uint32_t count;    /* instructions before the closing end */
  wasm_instr first;  /* the first of them, if any */
  bool non_constant; /* an instruction not allowed in a constexpr */
  uint32_t non_const_offset;
  bool uses_data_count; /* memory.init or data.drop */
} wasm_expr_info;

bool wasm_decode_expr(wasm_decoder *d, wasm_expr_info *info, wasm_error *err);
/* A constant expression, decoded into its one instruction (or a marker
 * for the validator when it is not exactly one constant instruction). */
bool wasm_decode_constexpr(wasm_decoder *d, wasm_constexpr *out,
                           wasm_error *err);

/* decode_names.c: fills m->names from the first `name` custom section;
 * any problem in it leaves the names empty. Fails only on OOM. */
bool wasm_decode_names(wasm_decoder *d, wasm_error *err);

/* decode_sections.c */
bool wasm_read_name(wasm_cursor *c, wasm_name *out, wasm_error *err);
bool wasm_read_valtype(wasm_cursor *c, wasm_valtype *out, wasm_error *err);
bool wasm_read_reftype(wasm_cursor *c, wasm_valtype *out, wasm_error *err);

#endif /* WASM_DECODE_INTERNAL_H */
