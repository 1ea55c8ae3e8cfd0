/* wat.h — the WebAssembly text format front end: .wat text to binary
 * module bytes, and .wast scripts to a list of commands a runner executes.
 *
 * Errors are values: messages read "LINE:COL: message" and err->offset is
 * the byte offset in the text. Malformed input never crashes or hangs.
 */
#ifndef WAT_H
#define WAT_H

#include "wasm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Translates a text module (`(module ...)` or bare fields) to binary.
 * On success *out is malloc'd (free() it); a `name` section with the
 * symbolic names is appended after the standard sections. */
bool wat_to_wasm(const char *text, size_t len, uint8_t **out, size_t *out_len,
                 wasm_error *err);

/* Prints a decoded module as text (flat instructions, numeric indices
 * except for the module, functions and locals the `name` section names,
 * which are printed as `$ids`) that wat_to_wasm translates back to the
 * same binary, custom sections aside. *out is malloc'd and NUL-terminated. */
bool wasm_to_wat(const wasm_module *m, char **out, size_t *out_len,
                 wasm_error *err);

/* ------------------------------------------------------------ scripts */

typedef enum wast_module_form {
  WAST_MODULE_TEXT,   /* (module ...): bytes hold the encoded binary */
  WAST_MODULE_BINARY, /* (module binary "..."): bytes hold those bytes */
  WAST_MODULE_QUOTE,  /* (module quote "..."): bytes hold the text; the
                         runner translates it (it may be malformed) */
} wast_module_form;

typedef struct wast_module {
  wast_module_form form;
  char *name; /* "$id" (NUL-terminated) or NULL */
  uint8_t *bytes;
  size_t len;
  /* TEXT form only: false if the text did not translate; error says why.
   * (Only assert_malformed may hold such a module.) */
  bool ok;
  wasm_error error;
} wast_module;

/* Kinds of argument/expected values. NAN_* and REF_ANY are result
 * patterns only. */
typedef enum wast_value_kind {
  WAST_VAL_I32,
  WAST_VAL_I64,
  WAST_VAL_F32,
  WAST_VAL_F64,
  WAST_VAL_V128,
  WAST_VAL_REF_NULL,   /* u.ref_type says func or extern */
  WAST_VAL_REF_EXTERN, /* (ref.extern N): host reference number N */
  WAST_VAL_REF_FUNC,   /* (ref.func): any non-null funcref */
} wast_value_kind;

typedef enum wast_nan_pattern {
  WAST_NAN_NONE,       /* compare bits exactly */
  WAST_NAN_CANONICAL,  /* nan:canonical */
  WAST_NAN_ARITHMETIC, /* nan:arithmetic */
} wast_nan_pattern;

typedef struct wast_value {
  wast_value_kind kind;
  wast_nan_pattern nan; /* scalar f32/f64 results */
  union {
    uint32_t i32, f32_bits;
    uint64_t i64, f64_bits;
    uint8_t v128[16]; /* little-endian lanes */
    wasm_valtype ref_type;
    uint32_t extern_ref;
  } u;
  /* v128: lane shape, and for float shapes a per-lane NaN pattern. */
  uint8_t lane_bits; /* 8, 16, 32 or 64 */
  bool lane_float;   /* f32x4 / f64x2 */
  wast_nan_pattern lane_nan[4];
} wast_value;

typedef enum wast_action_kind {
  WAST_ACTION_INVOKE,
  WAST_ACTION_GET,
} wast_action_kind;

typedef struct wast_action {
  wast_action_kind kind;
  char *module; /* "$id" or NULL for the most recent module */
  char *field;  /* export name (UTF-8, NUL-terminated; may contain NUL,
                   see field_len) */
  size_t field_len;
  wast_value *args;
  uint32_t nargs;
} wast_action;

typedef enum wast_command_kind {
  WAST_CMD_MODULE,
  WAST_CMD_REGISTER,
  WAST_CMD_ACTION,
  WAST_CMD_ASSERT_RETURN,
  WAST_CMD_ASSERT_TRAP, /* action or module */
  WAST_CMD_ASSERT_EXHAUSTION,
  WAST_CMD_ASSERT_MALFORMED,
  WAST_CMD_ASSERT_INVALID,
  WAST_CMD_ASSERT_UNLINKABLE,
  WAST_CMD_ASSERT_UNINSTANTIABLE,
} wast_command_kind;

typedef struct wast_command {
  wast_command_kind kind;
  uint32_t line;   /* of the command's opening parenthesis */
  bool has_module; /* module, assert_{malformed,invalid,unlinkable,
                      uninstantiable}, assert_trap on a module */
  wast_module module;
  bool has_action; /* action, assert_return/trap/exhaustion */
  wast_action action;
  wast_value *expected; /* assert_return */
  uint32_t nexpected;
  /* assert_return may list alternatives `(either v1 v2 ...)`: not in
   * WebAssembly 2.0's suite, so not supported. */
  char *message;       /* assert_* text, NUL-terminated */
  char *register_as;   /* register: the import name */
  char *register_from; /* register: "$id" or NULL for the last module */
} wast_command;

typedef struct wast_script {
  wast_command *commands;
  uint32_t ncommands;
} wast_script;

/* Parses a whole script. Text modules are translated eagerly (failures are
 * only allowed inside assert_malformed). */
bool wast_parse_script(const char *text, size_t len, wast_script *out,
                       wasm_error *err);
void wast_script_free(wast_script *s);

#ifdef __cplusplus
}
#endif
#endif /* WAT_H */
