/* wasm.h — the WebAssembly module model: decoding, validation, and the
 * immutable module description every other stage shares (compiler, loader
 * metadata, text printer, runtime).
 *
 * Ownership: a wasm_module owns a private copy of the bytes it was decoded
 * from; every name, data segment and custom section points into that copy.
 * Everything is allocated in one arena and released by wasm_module_free().
 *
 * Errors are values: every fallible call fills a wasm_error and returns
 * false; nothing is kept in global state, so all of this is thread-safe.
 */
#ifndef WASM_H
#define WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

#define WASM_ERROR_KINDS(X)                                                    \
  X(OK, "ok")                                                                  \
  X(MALFORMED, "malformed module")                                             \
  X(INVALID, "invalid module")                                                 \
  X(UNLINKABLE, "unlinkable module")                                           \
  X(TRAP, "trap")                                                              \
  X(RESOURCE, "resource limit")                                                \
  X(IO, "i/o error")                                                           \
  X(INTERNAL, "internal error")

typedef enum wasm_error_kind {
#define WASM_X(id, text) WASM_ERR_##id,
  WASM_ERROR_KINDS(WASM_X)
#undef WASM_X
} wasm_error_kind;

/* The message is the spec suite's wording where it has one ("type mismatch",
 * "unexpected end", ...), optionally followed by detail after ": ". */
typedef struct wasm_error {
  wasm_error_kind kind;
  uint32_t offset; /* byte offset in the module; WASM_NO_OFFSET if none */
  char message[256];
} wasm_error;

#define WASM_NO_OFFSET UINT32_MAX

const char *wasm_error_kind_str(wasm_error_kind kind);
/* Fills err (printf-style message); always returns false so callers can
 * write `return wasm_error_set(err, ...)`. */
bool wasm_error_set(wasm_error *err, wasm_error_kind kind, uint32_t offset,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ----------------------------------------------------------------- types */

typedef enum wasm_valtype {
  WASM_I32 = 0x7F,
  WASM_I64 = 0x7E,
  WASM_F32 = 0x7D,
  WASM_F64 = 0x7C,
  WASM_V128 = 0x7B,
  WASM_FUNCREF = 0x70,
  WASM_EXTERNREF = 0x6F,
} wasm_valtype;

const char *wasm_valtype_str(wasm_valtype t); /* "i32", "funcref", ... */
bool wasm_valtype_is_ref(wasm_valtype t);

typedef struct wasm_name { /* UTF-8, validated; not NUL-terminated */
  const char *data;
  uint32_t len;
} wasm_name;

typedef struct wasm_functype {
  uint32_t nparams, nresults;
  const wasm_valtype *params, *results;
} wasm_functype;

typedef struct wasm_limits {
  uint32_t min;
  uint32_t max; /* meaningful only if has_max */
  bool has_max;
} wasm_limits;

typedef struct wasm_tabletype {
  wasm_valtype elem; /* WASM_FUNCREF or WASM_EXTERNREF */
  wasm_limits limits;
} wasm_tabletype;

typedef struct wasm_memtype {
  wasm_limits limits; /* in 64 KiB pages, max 65536 */
} wasm_memtype;

typedef struct wasm_globaltype {
  wasm_valtype type;
  bool mut;
} wasm_globaltype;

typedef enum wasm_externkind {
  WASM_EXTERN_FUNC = 0,
  WASM_EXTERN_TABLE = 1,
  WASM_EXTERN_MEMORY = 2,
  WASM_EXTERN_GLOBAL = 3,
} wasm_externkind;

const char *wasm_externkind_str(wasm_externkind k); /* "func", "table", ... */

/* A constant expression. WebAssembly 2.0 allows exactly one instruction
 * (followed by `end`), so it is stored decoded. */
typedef enum wasm_const_op {
  WASM_CONST_I32,
  WASM_CONST_I64,
  WASM_CONST_F32,
  WASM_CONST_F64,
  WASM_CONST_V128,
  WASM_CONST_GLOBAL_GET,
  WASM_CONST_REF_NULL,
  WASM_CONST_REF_FUNC,
  /* Not a valid constant expression; the decoder keeps it so the validator
   * reports it (offset = the offending instruction, or the expression's
   * start for ARITY). INVALID: an instruction other than the eight above
   * ("constant expression required"). ARITY: zero or several constant
   * instructions ("type mismatch"). */
  WASM_CONST_INVALID,
  WASM_CONST_ARITY,
} wasm_const_op;

typedef struct wasm_constexpr {
  wasm_const_op op;
  uint32_t offset; /* byte offset of the instruction */
  union {
    int32_t i32;
    int64_t i64;
    uint32_t f32_bits;
    uint64_t f64_bits;
    uint8_t v128[16]; /* little-endian lane bytes */
    uint32_t global_index;
    uint32_t func_index;
    wasm_valtype ref_type; /* for REF_NULL */
  } u;
} wasm_constexpr;

/* ---------------------------------------------------------------- module */

typedef struct wasm_import {
  wasm_name module, name;
  wasm_externkind kind;
  union {
    uint32_t func_type; /* type index */
    wasm_tabletype table;
    wasm_memtype memory;
    wasm_globaltype global;
  } u;
} wasm_import;

typedef struct wasm_export {
  wasm_name name;
  wasm_externkind kind;
  uint32_t index; /* in the index space of its kind (imports first) */
} wasm_export;

typedef struct wasm_local_decl {
  uint32_t count;
  wasm_valtype type;
} wasm_local_decl;

/* A function defined in the module (imports are not here). */
typedef struct wasm_func {
  uint32_t type_index;
  uint32_t num_local_decls;
  const wasm_local_decl *local_decls;
  uint64_t num_locals;  /* sum of the counts, params excluded */
  uint32_t code_offset; /* first instruction, after the local declarations */
  uint32_t code_end;    /* one past the final `end` */
  uint32_t body_offset; /* start of the body entry (its size LEB) */
} wasm_func;

typedef struct wasm_global {
  wasm_globaltype type;
  wasm_constexpr init;
} wasm_global;

typedef enum wasm_segment_mode {
  WASM_SEGMENT_ACTIVE,
  WASM_SEGMENT_PASSIVE,
  WASM_SEGMENT_DECLARATIVE, /* element segments only */
} wasm_segment_mode;

typedef struct wasm_elem {
  wasm_segment_mode mode;
  uint32_t table_index;   /* active only */
  wasm_constexpr offset;  /* active only */
  wasm_valtype elem_type; /* funcref or externref */
  uint32_t num_items;
  const wasm_constexpr *items; /* ref.func / ref.null / global.get */
  uint32_t offset_in_module;   /* where the segment starts */
} wasm_elem;

typedef struct wasm_data {
  wasm_segment_mode mode;
  uint32_t memory_index; /* active only */
  wasm_constexpr offset; /* active only */
  const uint8_t *bytes;
  uint32_t size;
  uint32_t offset_in_module;
} wasm_data;

typedef struct wasm_custom {
  wasm_name name;
  const uint8_t *data;
  uint32_t size;
  uint32_t offset; /* of the section's payload */
} wasm_custom;

/* Contents of the `name` custom section; absent entries have len 0.
 * Parsed leniently: a malformed name section is ignored entirely. */
typedef struct wasm_local_name {
  uint32_t func_index, local_index;
  wasm_name name;
} wasm_local_name;

typedef struct wasm_names {
  wasm_name module;
  wasm_name *funcs; /* indexed by function index (imports first) */
  uint32_t num_funcs;
  wasm_local_name *locals; /* sorted by (func_index, local_index) */
  uint32_t num_locals;
} wasm_names;

typedef struct wasm_module {
  const uint8_t *bytes; /* the module's own copy */
  uint32_t size;

  uint32_t num_types;
  const wasm_functype *types;

  uint32_t num_imports;
  const wasm_import *imports;
  /* imports per kind, so index spaces can be computed */
  uint32_t num_imported_funcs, num_imported_tables;
  uint32_t num_imported_memories, num_imported_globals;

  uint32_t num_funcs; /* defined functions; index = num_imported_funcs + i */
  const wasm_func *funcs;

  uint32_t num_tables; /* defined tables */
  const wasm_tabletype *tables;
  uint32_t num_memories; /* defined memories */
  const wasm_memtype *memories;
  uint32_t num_globals; /* defined globals */
  const wasm_global *globals;

  uint32_t num_exports;
  const wasm_export *exports;

  bool has_start;
  uint32_t start;

  uint32_t num_elems;
  const wasm_elem *elems;

  bool has_data_count;
  uint32_t data_count;
  uint32_t num_datas;
  const wasm_data *datas;

  uint32_t num_customs; /* in module order, `name` included */
  const wasm_custom *customs;

  wasm_names names;

  struct wasm_arena *arena; /* private */
} wasm_module;

typedef enum wasm_decode_flags {
  WASM_DECODE_DEFAULT = 0,
  /* Accept a module whose code section is absent although functions are
   * declared (artifact metadata keeps the description, not the code). */
  WASM_DECODE_NO_CODE = 1 << 0,
} wasm_decode_flags;

/* Decodes a binary module: structure, LEB128 limits, UTF-8 names, section
 * order, and every instruction's encoding (so a malformed body is reported
 * here, not by the validator). Does not check types or indices. */
bool wasm_module_decode(const uint8_t *bytes, size_t size, unsigned flags,
                        wasm_module **out, wasm_error *err);
void wasm_module_free(wasm_module *m);

/* Full validation per the spec's appendix algorithm. */
bool wasm_module_validate(const wasm_module *m, wasm_error *err);

/* decode + validate in one call; on failure *out is NULL. */
bool wasm_module_load(const uint8_t *bytes, size_t size, wasm_module **out,
                      wasm_error *err);

/* Index-space helpers (imports first, then definitions); they assume the
 * index is in range, which validation guarantees. */
uint32_t wasm_module_num_all_funcs(const wasm_module *m);
uint32_t wasm_module_num_all_tables(const wasm_module *m);
uint32_t wasm_module_num_all_memories(const wasm_module *m);
uint32_t wasm_module_num_all_globals(const wasm_module *m);
const wasm_functype *wasm_module_func_type(const wasm_module *m,
                                           uint32_t func_index);
wasm_tabletype wasm_module_table_type(const wasm_module *m, uint32_t index);
wasm_memtype wasm_module_memory_type(const wasm_module *m, uint32_t index);
wasm_globaltype wasm_module_global_type(const wasm_module *m, uint32_t index);
/* The i-th import of a kind, or NULL. */
const wasm_import *wasm_module_import_of_kind(const wasm_module *m,
                                              wasm_externkind kind,
                                              uint32_t index);
const wasm_custom *wasm_module_custom(const wasm_module *m, const char *name);
bool wasm_functype_equal(const wasm_functype *a, const wasm_functype *b);

/* ---------------------------------------------------------- instructions */

typedef enum wasm_opcode {
#define WASM_OPCODE(id, prefix, code, name, imm, sig, extra) WASM_OP_##id,
#include "wasm_opcodes.def"
#undef WASM_OPCODE
  WASM_OP_COUNT
} wasm_opcode;

typedef enum wasm_imm_kind {
  WASM_IMM_NONE,
  WASM_IMM_BLOCKTYPE,
  WASM_IMM_LABEL,
  WASM_IMM_BR_TABLE,
  WASM_IMM_FUNC,
  WASM_IMM_CALL_INDIRECT,
  WASM_IMM_LOCAL,
  WASM_IMM_GLOBAL,
  WASM_IMM_TABLE,
  WASM_IMM_MEMARG,
  WASM_IMM_MEMIDX,
  WASM_IMM_I32,
  WASM_IMM_I64,
  WASM_IMM_F32,
  WASM_IMM_F64,
  WASM_IMM_V128,
  WASM_IMM_SELECT_T,
  WASM_IMM_REFTYPE,
  WASM_IMM_MEMORY_INIT,
  WASM_IMM_DATA,
  WASM_IMM_MEMORY_COPY,
  WASM_IMM_TABLE_INIT,
  WASM_IMM_ELEM,
  WASM_IMM_TABLE_COPY,
  WASM_IMM_MEMARG_LANE,
  WASM_IMM_LANE,
  WASM_IMM_SHUFFLE,
} wasm_imm_kind;

/* Static facts about an opcode, from wasm_opcodes.def. */
typedef struct wasm_opcode_info {
  const char *name;           /* text-format name */
  uint8_t prefix;             /* 0, 0xFC or 0xFD */
  uint32_t code;              /* byte, or sub-opcode after the prefix */
  wasm_imm_kind imm;          /* immediate shape */
  const char *sig;            /* "params:results" in i I f F v, or "*" */
  uint8_t natural_align_log2; /* memory instructions */
  uint8_t lanes;              /* lane instructions */
} wasm_opcode_info;

const wasm_opcode_info *wasm_opcode_get(wasm_opcode op);
/* Opcode from its encoding; false if there is none. */
bool wasm_opcode_lookup(uint8_t prefix, uint32_t code, wasm_opcode *out);
/* Opcode from its text name ("i32.add"); false if unknown. */
bool wasm_opcode_from_name(const char *name, size_t len, wasm_opcode *out);

typedef enum wasm_blocktype_kind {
  WASM_BLOCK_EMPTY,
  WASM_BLOCK_VALUE,   /* one result of type .value */
  WASM_BLOCK_TYPEIDX, /* multi-value: params/results of types[.type_index] */
} wasm_blocktype_kind;

typedef struct wasm_blocktype {
  wasm_blocktype_kind kind;
  wasm_valtype value;
  uint32_t type_index;
} wasm_blocktype;

typedef struct wasm_memarg {
  uint32_t align_log2;
  uint32_t offset;
  uint32_t memory; /* always 0 in WebAssembly 2.0 */
} wasm_memarg;

/* One decoded instruction. Pointers inside stay valid until the next
 * wasm_code_reader_next() on the same reader. */
typedef struct wasm_instr {
  wasm_opcode op;
  uint32_t offset; /* of the first opcode byte */
  union {
    wasm_blocktype block;
    uint32_t index; /* LABEL, FUNC, LOCAL, GLOBAL, TABLE, MEMIDX, DATA,
                       ELEM */
    struct {
      uint32_t num_targets; /* excluding the default */
      const uint32_t *targets;
      uint32_t default_target;
    } br_table;
    struct {
      uint32_t type_index, table_index;
    } call_indirect;
    wasm_memarg memarg;
    int32_t i32;
    int64_t i64;
    uint32_t f32_bits;
    uint64_t f64_bits;
    uint8_t v128[16];
    uint8_t shuffle[16];
    struct {
      uint32_t count; /* 1 in WebAssembly 2.0 */
      wasm_valtype type;
    } select;
    wasm_valtype ref_type;
    struct {
      uint32_t segment, target; /* memory.init: data, memory;
                                   table.init: elem, table */
    } init;
    struct {
      uint32_t dst, src; /* memory.copy / table.copy */
    } copy;
    struct {
      wasm_memarg memarg;
      uint8_t lane;
    } mem_lane;
    uint8_t lane;
  } imm;
} wasm_instr;

/* Iterates over one function body's instructions. */
typedef struct wasm_code_reader {
  const uint8_t *base; /* module bytes */
  uint32_t pos, end;
  uint32_t *targets; /* br_table scratch, owned */
  uint32_t targets_cap;
} wasm_code_reader;

/* Reads the body of defined function `func` (0-based among m->funcs). */
void wasm_code_reader_init(wasm_code_reader *r, const wasm_module *m,
                           uint32_t func);
/* Reads any instruction sequence [pos, end) of the module's bytes. */
void wasm_code_reader_init_range(wasm_code_reader *r, const wasm_module *m,
                                 uint32_t pos, uint32_t end);
bool wasm_code_reader_done(const wasm_code_reader *r);
/* Decodes the next instruction; false with err set on malformed input. */
bool wasm_code_reader_next(wasm_code_reader *r, wasm_instr *out,
                           wasm_error *err);
void wasm_code_reader_free(wasm_code_reader *r);

/* ------------------------------------------------------------- utilities */

/* LEB128 and UTF-8 primitives, shared with the text front end. */
bool wasm_utf8_valid(const uint8_t *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* WASM_H */
