/* cli_compile.h — private to the `wasmc` command: the compiler as the
 * subcommands see it (absent when the project is built without LLVM). */
#ifndef WASMC_CLI_COMPILE_H
#define WASMC_CLI_COMPILE_H

#include "wasm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Compiles binary module bytes to artifact bytes (malloc'd); `polls`:
 * wasmc_options.interrupt_polls. Without libwasmc it fails with an
 * INTERNAL error saying so. */
bool wasmc_cli_compile(const uint8_t *wasm, size_t len, unsigned opt,
                       const char *cpu, bool polls, uint8_t **so,
                       size_t *so_len, wasm_error *err);

/* "-O0".."-O3" → *opt; false if `arg` is not one of them. */
bool wasmc_cli_parse_opt(const char *arg, unsigned *opt);

#endif /* WASMC_CLI_COMPILE_H */
