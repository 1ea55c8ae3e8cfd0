/* spec_engine_validate.c — the decode+validate engine: modules are checked
 * by the `wasm` library; instantiation and execution are not available. */
#include "spec_engine.h"
#include "wasm.h"

#include <stdio.h>
#include <string.h>

static void *validator_create(int opt) {
  (void)opt;
  static int dummy; /* stateless: any non-NULL handle will do */
  return &dummy;
}

static void validator_destroy(void *self) {
  (void)self;
}

static void set_result(spec_result *res, spec_outcome o, const char *msg) {
  res->outcome = o;
  snprintf(res->message, sizeof res->message, "%s", msg);
}

static void validator_check(void *self, const uint8_t *bytes, size_t size,
                            spec_result *res) {
  wasm_module *m = NULL;
  wasm_error err = {0};
  (void)self;
  if (!wasm_module_decode(bytes, size, WASM_DECODE_DEFAULT, &m, &err)) {
    set_result(res, SPEC_OUT_MALFORMED, err.message);
    return;
  }
  if (!wasm_module_validate(m, &err))
    set_result(res, SPEC_OUT_INVALID, err.message);
  else
    set_result(res, SPEC_OUT_OK, "");
  wasm_module_free(m);
}

/* Without instantiation a "module" command is as good as its check. */
static void validator_load(void *self, const char *name, const uint8_t *bytes,
                           size_t size, spec_result *res) {
  (void)name;
  validator_check(self, bytes, size, res);
}

static void validator_register(void *self, const char *name, const char *as,
                               spec_result *res) {
  (void)self, (void)name, (void)as;
  set_result(res, SPEC_OUT_UNSUPPORTED, "register needs instantiation");
}

static void validator_invoke(void *self, const char *module, const char *field,
                             size_t field_len, const spec_value *args,
                             size_t num_args, spec_value *results,
                             size_t *num_results, spec_result *res) {
  (void)self, (void)module, (void)field, (void)field_len, (void)args;
  (void)num_args, (void)results;
  *num_results = 0;
  set_result(res, SPEC_OUT_UNSUPPORTED, "invoke needs execution");
}

static void validator_get(void *self, const char *module, const char *field,
                          size_t field_len, spec_value *out, spec_result *res) {
  (void)self, (void)module, (void)field, (void)field_len, (void)out;
  set_result(res, SPEC_OUT_UNSUPPORTED, "get needs instantiation");
}

const spec_engine_ops spec_engine_validator = {
    .name = "validate",
    .caps = 0,
    .create = validator_create,
    .destroy = validator_destroy,
    .check_module = validator_check,
    .load_module = validator_load,
    .register_module = validator_register,
    .invoke = validator_invoke,
    .get = validator_get,
};
