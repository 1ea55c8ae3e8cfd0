/* Error values and the small name tables of the module model. */
#include "wasm.h"

#include <stdarg.h>
#include <stdio.h>

const char *wasm_error_kind_str(wasm_error_kind kind) {
  switch (kind) {
#define WASM_X(id, text)                                                       \
  case WASM_ERR_##id:                                                          \
    return text;
    WASM_ERROR_KINDS(WASM_X)
#undef WASM_X
  }
  return "unknown error";
}

bool wasm_error_set(wasm_error *err, wasm_error_kind kind, uint32_t offset,
                    const char *fmt, ...) {
  if (!err)
    return false;
  err->kind = kind;
  err->offset = offset;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return false;
}

const char *wasm_valtype_str(wasm_valtype t) {
  switch (t) {
  case WASM_I32:
    return "i32";
  case WASM_I64:
    return "i64";
  case WASM_F32:
    return "f32";
  case WASM_F64:
    return "f64";
  case WASM_V128:
    return "v128";
  case WASM_FUNCREF:
    return "funcref";
  case WASM_EXTERNREF:
    return "externref";
  }
  return "?";
}

bool wasm_valtype_is_ref(wasm_valtype t) {
  return t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

const char *wasm_externkind_str(wasm_externkind k) {
  switch (k) {
  case WASM_EXTERN_FUNC:
    return "func";
  case WASM_EXTERN_TABLE:
    return "table";
  case WASM_EXTERN_MEMORY:
    return "memory";
  case WASM_EXTERN_GLOBAL:
    return "global";
  }
  return "?";
}
