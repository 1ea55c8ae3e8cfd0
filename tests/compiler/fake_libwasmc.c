/* fake_libwasmc.c — a shared library named libwasmc.so with libwasmc's
 * exports but another version, which wasmc_library_open must refuse
 * (test_dlopen.c). */
#include "wasmc.h"

#include <stdlib.h>

void wasmc_options_init(wasmc_options *opts) {
  (void)opts;
}

bool wasmc_compile(const uint8_t *wasm, size_t len, const wasmc_options *opts,
                   uint8_t **so_bytes, size_t *so_len, wasm_error *err) {
  (void)wasm, (void)len, (void)opts, (void)err;
  abort(); /* never reached: the version check comes first */
  *so_bytes = NULL;
  *so_len = 0;
  return false;
}

const char *wasmc_version(void) {
  return "wasmc 0.0.0-fake (LLVM none)";
}
