/* json_writer.h — a small streaming JSON writer (private to the wasmc
 * command). It handles commas, indentation and string escaping; the caller
 * supplies the structure. Strings may hold any bytes: valid UTF-8 passes
 * through, control characters, quotes and backslashes are escaped, and
 * bytes that are not valid UTF-8 become U+FFFD, so the output is always
 * valid JSON. */
#ifndef WASMC_JSON_WRITER_H
#define WASMC_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WASMC_JSON_MAX_DEPTH 32

typedef struct wasmc_json {
  FILE *out;
  int depth;
  bool has_items[WASMC_JSON_MAX_DEPTH]; /* per open container */
} wasmc_json;

void wasmc_json_init(wasmc_json *w, FILE *out);
/* `key` is the member name inside an object and NULL inside an array or at
 * the top level. */
void wasmc_json_begin_object(wasmc_json *w, const char *key);
void wasmc_json_end_object(wasmc_json *w);
void wasmc_json_begin_array(wasmc_json *w, const char *key);
void wasmc_json_end_array(wasmc_json *w);
void wasmc_json_string(wasmc_json *w, const char *key, const char *s,
                       size_t len);
void wasmc_json_cstring(wasmc_json *w, const char *key, const char *s);
void wasmc_json_uint(wasmc_json *w, const char *key, uint64_t v);
void wasmc_json_bool(wasmc_json *w, const char *key, bool v);
void wasmc_json_null(wasmc_json *w, const char *key);
/* Finishes the document with a newline. */
void wasmc_json_finish(wasmc_json *w);

/* Writes `s` as a quoted, escaped JSON string literal. */
void wasmc_json_write_escaped(FILE *out, const char *s, size_t len);

#endif /* WASMC_JSON_WRITER_H */
