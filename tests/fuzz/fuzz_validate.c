/* libFuzzer target: decode + validate arbitrary bytes, then free. Any
 * crash, sanitizer report, leak or hang is a bug; a rejection is not. */
#include "wasm.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wasm_module *m = NULL;
  wasm_error err = {0};
  if (wasm_module_decode(data, size, WASM_DECODE_DEFAULT, &m, &err)) {
    /* Accepting or rejecting is fine; the error must be well formed. */
    if (!wasm_module_validate(m, &err) && err.kind == WASM_ERR_OK)
      __builtin_trap();
    wasm_module_free(m);
  } else if (m != NULL || err.kind == WASM_ERR_OK) {
    __builtin_trap(); /* a failed decode returns no module and an error */
  }
  return 0;
}
