/* The one place the command reaches libwasmc (the LLVM-based compiler). It
 * is opened on the first compile (wasmc_dlopen.h), from beside the wasmc
 * executable first, so every command that does not compile starts without
 * LLVM. */
#include "cli_compile.h"

#ifdef WASMC_HAVE_COMPILER
#include "wasmc_dlopen.h"

bool wasmc_cli_compile(const uint8_t *wasm, size_t len, unsigned opt,
                       const char *cpu, bool polls, uint8_t **so,
                       size_t *so_len, wasm_error *err) {
  *so = NULL;
  *so_len = 0;
  const wasmc_library *lib = wasmc_library_open_beside_exe(err);
  if (!lib)
    return false;
  wasmc_options opts;
  lib->options_init(&opts);
  opts.opt_level = opt;
  opts.cpu = cpu;
  opts.interrupt_polls = polls;
  return lib->compile(wasm, len, &opts, so, so_len, err);
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
