/* spec_engine.h — what the runner needs from a WebAssembly implementation.
 *
 * The runner drives scripts through these function pointers only, so a
 * compiling/executing engine can replace the decode+validate one without
 * touching command handling. An engine states what it can do in `caps`;
 * commands needing more are skipped (see the skip table in spec_runner.c).
 */
#ifndef SPEC_ENGINE_H
#define SPEC_ENGINE_H

#include "spec_values.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How an engine operation ended. */
typedef enum spec_outcome {
  SPEC_OUT_OK,
  SPEC_OUT_MALFORMED,      /* rejected by the decoder */
  SPEC_OUT_INVALID,        /* decoded, rejected by the validator */
  SPEC_OUT_UNLINKABLE,     /* imports could not be resolved */
  SPEC_OUT_UNINSTANTIABLE, /* trapped while instantiating */
  SPEC_OUT_TRAP,           /* invoke trapped */
  SPEC_OUT_EXHAUSTION,     /* call stack exhausted */
  SPEC_OUT_UNSUPPORTED,    /* this engine cannot do that (yet) */
  SPEC_OUT_ERROR,          /* anything else: no such module/export, OOM */
} spec_outcome;

const char *spec_outcome_str(spec_outcome o);

typedef struct spec_result {
  spec_outcome outcome;
  char message[256]; /* the error message when outcome != OK */
} spec_result;

/* Capabilities, or-ed into spec_engine_ops.caps. */
enum {
  SPEC_CAP_INSTANTIATE = 1 << 0, /* link imports, run start, segments */
  SPEC_CAP_INVOKE = 1 << 1,      /* invoke exports, read globals */
};

#define SPEC_MAX_RESULTS 64

typedef struct spec_engine_ops {
  const char *name;
  unsigned caps;
  /* Creates one engine instance per script; opt is the optimisation level
   * requested with --opt (engines without a compiler ignore it). */
  void *(*create)(int opt);
  void (*destroy)(void *self);
  /* Decodes and validates only (assert_malformed / assert_invalid). */
  void (*check_module)(void *self, const uint8_t *bytes, size_t size,
                       spec_result *res);
  /* Defines and instantiates a module, which becomes the current one; name
   * (may be NULL) lets later actions refer to it. */
  void (*load_module)(void *self, const char *name, const uint8_t *bytes,
                      size_t size, spec_result *res);
  /* Makes module `name` (NULL: current) importable as `as`. */
  void (*register_module)(void *self, const char *name, const char *as,
                          spec_result *res);
  /* Calls an export of module `module` (NULL: current). On OK, results
   * holds *num_results (<= SPEC_MAX_RESULTS) concrete values. */
  void (*invoke)(void *self, const char *module, const char *field,
                 size_t field_len, const spec_value *args, size_t num_args,
                 spec_value *results, size_t *num_results, spec_result *res);
  /* Reads an exported global. */
  void (*get)(void *self, const char *module, const char *field,
              size_t field_len, spec_value *out, spec_result *res);
} spec_engine_ops;

/* The engine of this issue: decode + validate with the `wasm` library. */
extern const spec_engine_ops spec_engine_validator;
/* Compiles with libwasmc, loads and runs (spec_engine_exec.c; only in
 * builds with the compiler, where WASMC_SPEC_HAVE_EXEC is defined). */
extern const spec_engine_ops spec_engine_exec;

#endif /* SPEC_ENGINE_H */
