/* wat_parse.h — private state of the text-to-binary translation, shared by
 * the module-field parser, the instruction parser and the encoder. */
#ifndef WAT_PARSE_H
#define WAT_PARSE_H

#include "wat_internal.h"

/* One index space: the optional $name of every index, hashed for lookup. */
typedef struct wat_space {
  uint32_t *name_off, *name_len; /* per index; len 0 = unnamed */
  uint32_t count, cap;
  uint32_t *slots; /* open addressing: index + 1, 0 = empty */
  uint32_t nslots;
} wat_space;

typedef struct wat_functype {
  uint32_t nparams, nresults;
  uint8_t *v; /* params then results */
} wat_functype;

typedef struct wat_label {
  uint32_t name_off, name_len;
} wat_label;

/* A (func, local) -> name entry of the name section. */
typedef struct wat_local_name {
  uint32_t func, local, name_off, name_len;
} wat_local_name;

enum { WAT_SEC_COUNT = 13 }; /* binary section ids 0..12 */

typedef struct wat_ctx {
  const char *text;
  const wat_token *t;
  size_t ntoks, pos;
  wasm_error *err;
  uint8_t *strbuf; /* scratch for decoded strings, text-sized */

  wat_space types, funcs, tables, mems, globals, elems, datas;
  wat_functype *ftypes;
  uint32_t nftypes, ftypes_cap;
  uint32_t *type_slots; /* signature hash: first index + 1, 0 = empty */
  uint32_t type_nslots;

  /* current function */
  wat_space locals;
  wat_label *labels;
  uint32_t nlabels, labels_cap;
  unsigned depth; /* recursion guard for folded instructions */

  /* counters while emitting (pass 2) */
  uint32_t cur_func, cur_table, cur_mem, cur_global, cur_elem, cur_data;
  bool seen_definition; /* imports must precede definitions */
  bool uses_data_count;
  bool has_start;

  wat_buf sec[WAT_SEC_COUNT];
  uint32_t sec_count[WAT_SEC_COUNT];
  uint32_t module_name_off, module_name_len;
  wat_local_name *lnames;
  uint32_t nlnames, lnames_cap;

  uint16_t *op_slots; /* opcode name hash: opcode + 1, 0 = empty */
  uint32_t op_nslots;
} wat_ctx;

/* Section ids used as indices into sec[]. */
enum {
  SEC_TYPE = 1,
  SEC_IMPORT = 2,
  SEC_FUNC = 3,
  SEC_TABLE = 4,
  SEC_MEMORY = 5,
  SEC_GLOBAL = 6,
  SEC_EXPORT = 7,
  SEC_START = 8,
  SEC_ELEM = 9,
  SEC_CODE = 10,
  SEC_DATA = 11,
  SEC_DATACOUNT = 12,
};

/* token helpers (wat_parse.c) */
const wat_token *wat_tok(wat_ctx *c);
bool wat_is_atom(wat_ctx *c, const char *kw);
bool wat_is_field(wat_ctx *c, const char *kw); /* `(` kw */
bool wat_expect_lparen(wat_ctx *c);
bool wat_expect_rparen(wat_ctx *c);
bool wat_error_here(wat_ctx *c, const char *what);
bool wat_oom(wat_ctx *c);

/* index spaces */
bool wat_space_add(wat_ctx *c, wat_space *s, const wat_token *id);
bool wat_space_find(wat_ctx *c, const wat_space *s, uint32_t off, uint32_t len,
                    uint32_t *index);
void wat_space_free(wat_space *s);
/* Index operand: $name in space s, or a u32 literal. */
bool wat_parse_index(wat_ctx *c, const wat_space *s, uint32_t *out);
bool wat_at_index(wat_ctx *c); /* next token is an id or a number */

/* types */
bool wat_parse_valtype(wat_ctx *c, uint8_t *out);
bool wat_parse_reftype(wat_ctx *c, uint8_t *out); /* funcref/externref */
/* Type use: (type x)? (param ...)* (result ...)*; param names are
 * recorded as locals when names != NULL. Which forms may name their
 * parameters: */
typedef enum {
  WAT_PARAM_IDS_NO,  /* call_indirect: the spec forbids bound identifiers */
  WAT_PARAM_IDS_YES, /* function definitions and imports */
} wat_param_ids;
bool wat_parse_typeuse(wat_ctx *c, uint32_t *type_index, wat_space *names,
                       wat_param_ids ids);
bool wat_find_or_add_type(wat_ctx *c, const uint8_t *params, uint32_t np,
                          const uint8_t *results, uint32_t nr, uint32_t *index);

bool wat_parse_functype_def(wat_ctx *c); /* `(func ...)` of a type def */
bool wat_parse_blocktype(wat_ctx *c, wat_buf *out);

/* instructions (wat_parse_instr.c) */
bool wat_ops_init(wat_ctx *c);
/* Instructions up to `)`, `end` or `else`. */
bool wat_parse_instrs(wat_ctx *c, wat_buf *out);
/* v128 literal pieces: shape keyword, then one lane. */
bool wat_parse_shape(wat_ctx *c, unsigned *bits, unsigned *lanes,
                     bool *is_float);
bool wat_parse_lane(wat_ctx *c, unsigned shape_bits, bool is_float, wat_buf *b);
/* A constant expression up to `)`, with its terminating end. */
bool wat_parse_expr(wat_ctx *c, wat_buf *out);

/* segments (wat_parse_segments.c) */
bool wat_parse_elem(wat_ctx *c); /* at `(elem` */
bool wat_parse_data(wat_ctx *c); /* at `(data` */
/* Element items up to `)`: expressions when exprs, else function indices.
 * idx gets the function indices (valid when *all_funcs), ex the
 * expressions. */
bool wat_parse_elem_items(wat_ctx *c, uint8_t elem_type, bool exprs,
                          uint32_t *count, wat_buf *idx, wat_buf *ex,
                          bool *all_funcs);
/* Appends one element segment, choosing its binary flags as wabt does. */
void wat_write_elem(wat_ctx *c, wasm_segment_mode mode, uint32_t table,
                    const wat_buf *offset, uint8_t elem_type, uint32_t count,
                    const wat_buf *idx, const wat_buf *ex, bool all_funcs);
/* One folded instruction `( ... )` as a whole expression, with its end. */
bool wat_parse_folded_expr(wat_ctx *c, wat_buf *out);

/* encoder (wat_encode.c) */
bool wat_encode_module(wat_ctx *c, uint8_t **out, size_t *out_len);

#endif /* WAT_PARSE_H */
