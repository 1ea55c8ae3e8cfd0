/* The one place the command reaches libwasmc (the LLVM-based compiler). */
#include "cli_compile.h"

#ifdef WASMC_HAVE_COMPILER
#include "wasmc.h"

bool wasmc_cli_compile(const uint8_t *wasm, size_t len, unsigned opt,
                       const char *cpu, bool polls, uint8_t **so,
                       size_t *so_len, wasm_error *err) {
  wasmc_options opts;
  wasmc_options_init(&opts);
  opts.opt_level = opt;
  opts.cpu = cpu;
  opts.interrupt_polls = polls;
  return wasmc_compile(wasm, len, &opts, so, so_len, err);
}
#else
bool wasmc_cli_compile(const uint8_t *wasm, size_t len, unsigned opt,
                       const char *cpu, bool polls, uint8_t **so,
                       size_t *so_len, wasm_error *err) {
  (void)polls;
  *so = NULL;
  *so_len = 0;
  return wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET,
                        "wasmc was built without the compiler (LLVM)");
}
#endif
