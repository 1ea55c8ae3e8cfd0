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
/* The compile form gets the whole argv (argv[0] = "wasmc" or "compile"). */
int wasmc_cmd_compile(int argc, char **argv);
int wasmc_cmd_wat2wasm(int argc, char **argv);
int wasmc_cmd_wasm2wat(int argc, char **argv);
int wasmc_cmd_run(int argc, char **argv);
int wasmc_cmd_wast(int argc, char **argv);

/* Reads a whole regular file (at most 4 GiB, the largest module size) into
 * a malloc'd buffer; on failure fills err (kind IO or RESOURCE). */
bool wasmc_cli_read_file(const char *path, uint8_t **bytes, size_t *size,
                         wasm_error *err);

/* What an input file holds, by extension (.wasm, .wat/.wast, .so) or,
 * for any other name, by its first bytes (`\0asm`, ELF, else text). */
typedef enum wasmc_input_kind {
  WASMC_INPUT_WASM,
  WASMC_INPUT_WAT,
  WASMC_INPUT_ARTIFACT,
} wasmc_input_kind;
wasmc_input_kind wasmc_cli_input_kind(const char *path, const uint8_t *bytes,
                                      size_t size);

/* Reads a .wasm or .wat file as binary module bytes (text is translated;
 * its errors keep their "LINE:COL: " prefix and carry no byte offset). An
 * artifact is refused (kind MALFORMED) unless *is_artifact is non-NULL, in
 * which case the raw file bytes are returned and *is_artifact set. */
bool wasmc_cli_read_wasm(const char *path, uint8_t **bytes, size_t *size,
                         bool *is_artifact, wasm_error *err);

/* Writes `bytes` to `path` atomically: a temporary file in the same
 * directory, renamed over `path` only once complete (no partial file on
 * any failure). `mode` is applied before the umask. */
bool wasmc_cli_write_file_atomic(const char *path, const void *bytes,
                                 size_t size, unsigned mode, wasm_error *err);

/* Reads (.wasm or .wat), decodes and validates a module file. */
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
