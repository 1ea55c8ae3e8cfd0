/* validate_internal.h — private interface between the module-level validator
 * (validate.c) and the function-body validator (validate_code.c). */
#ifndef WASM_VALIDATE_INTERNAL_H
#define WASM_VALIDATE_INTERNAL_H

#include "wasm.h"

/* Implementation limits. Every block, call and return moves up to this many
 * values, so bounding them keeps validation linear in the input size. */
#define WASM_VALIDATE_MAX_PARAMS 1000u
#define WASM_VALIDATE_MAX_RESULTS 1000u
/* Bound on the operand stack of one function (values). */
#define WASM_VALIDATE_MAX_OPERANDS (64u * 1024 * 1024)

/* Validates every function body of `m`. Module-level facts (type indices of
 * functions, memory/table counts) must already be validated. `declared` is a
 * bitmap over the function index space: bit i set if `ref.func i` may appear
 * in code (the spec's C.refs). */
bool wasm_validate_code(const wasm_module *m, const uint8_t *declared,
                        wasm_error *err);

#endif /* WASM_VALIDATE_INTERNAL_H */
