/* cli.h — private to the `wasmc` command: the subcommand table's entry
 * points and the helpers they share. */
#ifndef WASMC_CLI_H
#define WASMC_CLI_H

#include "wasm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses shared by every subcommand. */
enum {
  WASMC_EXIT_OK = 0,
  WASMC_EXIT_FAIL = 1,  /* the input was rejected or could not be read */
  WASMC_EXIT_USAGE = 2, /* bad command line */
};

/* Subcommands: each gets argv with argv[0] being the subcommand's name. */
int wasmc_cmd_validate(int argc, char **argv);
int wasmc_cmd_inspect(int argc, char **argv);

/* Reads a whole regular file (at most 4 GiB, the largest module size) into
 * a malloc'd buffer; on failure fills err (kind IO or RESOURCE). */
bool wasmc_cli_read_file(const char *path, uint8_t **bytes, size_t *size,
                         wasm_error *err);

/* Reads, decodes and validates a module file. */
bool wasmc_cli_load_module(const char *path, wasm_module **out,
                           wasm_error *err);

/* Prints `PATH:0xOFFSET: kind: message` (no offset part if there is none). */
void wasmc_cli_report(FILE *out, const char *path, const wasm_error *err);

/* Text descriptions shared by the text and JSON outputs of inspect. */
void wasmc_describe_functype(FILE *out, const wasm_functype *ft);
void wasmc_describe_limits(FILE *out, const wasm_limits *l);
void wasmc_describe_constexpr(FILE *out, const wasm_constexpr *c);
/* The same into a malloc'd NUL-terminated string (NULL if out of memory). */
char *wasmc_functype_string(const wasm_functype *ft);
char *wasmc_constexpr_string(const wasm_constexpr *c);

#endif /* WASMC_CLI_H */
