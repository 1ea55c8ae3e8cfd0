/* spec_script.h — the commands of one wast2json script, parsed into
 * structs. A command whose JSON is odd is kept with `error` set, so the
 * runner reports it as a failure instead of losing the whole file. */
#ifndef SPEC_SCRIPT_H
#define SPEC_SCRIPT_H

#include "json.h"
#include "spec_values.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPEC_COMMAND_KINDS(X)                                                  \
  X(MODULE, "module")                                                          \
  X(REGISTER, "register")                                                      \
  X(ACTION, "action")                                                          \
  X(ASSERT_RETURN, "assert_return")                                            \
  X(ASSERT_TRAP, "assert_trap")                                                \
  X(ASSERT_EXHAUSTION, "assert_exhaustion")                                    \
  X(ASSERT_MALFORMED, "assert_malformed")                                      \
  X(ASSERT_INVALID, "assert_invalid")                                          \
  X(ASSERT_UNLINKABLE, "assert_unlinkable")                                    \
  X(ASSERT_UNINSTANTIABLE, "assert_uninstantiable")                            \
  X(UNKNOWN, "unknown")

typedef enum spec_command_kind {
#define SPEC_X(id, text) SPEC_CMD_##id,
  SPEC_COMMAND_KINDS(SPEC_X)
#undef SPEC_X
} spec_command_kind;

const char *spec_command_kind_str(spec_command_kind k);

typedef enum spec_module_type {
  SPEC_MODULE_BINARY, /* a .wasm file */
  SPEC_MODULE_TEXT,   /* text to translate: a .wat file wast2json could not
                         encode, or (own front end) a `module quote` */
} spec_module_type;

typedef enum spec_action_kind {
  SPEC_ACTION_INVOKE,
  SPEC_ACTION_GET,
} spec_action_kind;

typedef struct spec_action {
  spec_action_kind kind;
  const json_string *module; /* NULL: the most recent module */
  const json_string *field;  /* export name, may contain NUL bytes */
  spec_value *args;
  size_t num_args;
} spec_action;

typedef struct spec_command {
  spec_command_kind kind;
  uint32_t line;
  const char *error; /* non-NULL: the command could not be parsed */
  /* module-carrying commands */
  const char *filename; /* relative to the json's folder */
  spec_module_type module_type;
  /* Own front end (spec_wast.h): the module is in memory, not in a file;
   * bytes are binary or, for SPEC_MODULE_TEXT, text. text_error is set
   * instead when the script's text module did not translate (only inside
   * assert_malformed). */
  const uint8_t *module_bytes;
  size_t module_size;
  const char *text_error;
  const json_string *name; /* module: "$name"; register: source module */
  const json_string *as;   /* register: the import name */
  const char *text;        /* expected failure message */
  bool has_action;
  spec_action action;
  spec_value *expected;
  size_t num_expected;
  char error_buf[160];
} spec_command;

typedef struct spec_script {
  json_value *root; /* owns every string the commands point to */
  void *own;        /* or, from the own front end, this; freed by own_free */
  void (*own_free)(void *own);
  const char *source_filename;
  spec_command *commands;
  size_t num_commands;
} spec_script;

/* Takes ownership of root (also on failure). False only if the document is
 * not a script at all (no "commands" array); err then says why. */
bool spec_script_init(spec_script *s, json_value *root, char *err,
                      size_t errlen);
/* Reads and parses a wast2json .json file. */
bool spec_script_load(spec_script *s, const char *path, char *err,
                      size_t errlen);
void spec_script_free(spec_script *s);

/* Reads a whole file (at most about `max` bytes) into malloc'ed memory. */
char *spec_read_file(const char *path, size_t max, size_t *len, char *err,
                     size_t errlen);

#endif /* SPEC_SCRIPT_H */
