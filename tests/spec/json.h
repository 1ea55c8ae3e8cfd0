/* json.h — a small, strict JSON reader for the spec runner.
 *
 * It builds a tree from a complete document held in memory. Strings keep
 * their byte length because wast2json field names may contain "\u0000".
 * Hostile input is bounded: nesting depth is limited and every node consumes
 * at least one input byte, so memory use is linear in the input size.
 */
#ifndef SPEC_JSON_H
#define SPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum json_kind {
  JSON_NULL,
  JSON_BOOL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT,
} json_kind;

typedef struct json_value json_value;

typedef struct json_string {
  char *data; /* NUL-terminated copy; may also contain NUL bytes */
  size_t len;
} json_string;

typedef struct json_member {
  json_string key;
  json_value *value;
} json_member;

struct json_value {
  json_kind kind;
  union {
    bool boolean;
    double number;
    json_string string;
    struct {
      json_value **items;
      size_t count;
    } array;
    struct {
      json_member *members;
      size_t count;
    } object;
  } u;
};

typedef struct json_error {
  size_t offset; /* byte offset of the problem in the input */
  char message[128];
} json_error;

#define JSON_MAX_DEPTH 128

/* Parses one JSON document (surrounding whitespace allowed). Returns NULL
 * and fills err on malformed input or allocation failure. */
json_value *json_parse(const char *text, size_t len, json_error *err);
void json_free(json_value *v);

/* Lookups return NULL (or false) when the key is absent or has another
 * kind, so callers can treat "missing" and "wrong type" alike. */
const json_value *json_object_get(const json_value *obj, const char *key);
const json_string *json_object_get_string(const json_value *obj,
                                          const char *key);
const json_value *json_object_get_array(const json_value *obj, const char *key);
/* A non-negative integral number that fits in uint32_t. */
bool json_object_get_u32(const json_value *obj, const char *key, uint32_t *out);
size_t json_array_count(const json_value *arr);
const json_value *json_array_at(const json_value *arr, size_t index);

#endif /* SPEC_JSON_H */
