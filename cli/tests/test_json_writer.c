/* Unit test of the JSON writer: escaping of every byte class and the
 * comma/indentation logic, checked against exact expected output. */
#include "json_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

/* Runs `emit` into a memory stream and compares with `want`. */
static void check_escaped(const char *in, size_t len, const char *want) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (!f) {
    perror("open_memstream");
    exit(1);
  }
  wasmc_json_write_escaped(f, in, len);
  fclose(f);
  if (strcmp(buf, want) != 0) {
    fprintf(stderr, "escape: got %s, want %s\n", buf, want);
    failures++;
  }
  free(buf);
}

static void test_escaping(void) {
  check_escaped("abc", 3, "\"abc\"");
  check_escaped("", 0, "\"\"");
  check_escaped("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
  check_escaped("\n\r\t", 3, "\"\\n\\r\\t\"");
  check_escaped("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
  check_escaped("\0x", 2, "\"\\u0000x\"");
  /* Valid multi-byte UTF-8 passes through unchanged. */
  check_escaped("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
                "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
  /* Invalid: lone continuation, overlong, surrogate, truncated, > U+10FFFF */
  check_escaped("\x80", 1, "\"\\ufffd\"");
  check_escaped("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");
  check_escaped("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");
  check_escaped("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");
  check_escaped("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

static void test_structure(void) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (!f) {
    perror("open_memstream");
    exit(1);
  }
  wasmc_json w;
  wasmc_json_init(&w, f);
  wasmc_json_begin_object(&w, NULL);
  wasmc_json_uint(&w, "n", 18446744073709551615ull);
  wasmc_json_begin_array(&w, "empty");
  wasmc_json_end_array(&w);
  wasmc_json_begin_array(&w, "a");
  wasmc_json_bool(&w, NULL, true);
  wasmc_json_null(&w, NULL);
  wasmc_json_string(&w, NULL, "x\"", 2);
  wasmc_json_end_array(&w);
  wasmc_json_end_object(&w);
  wasmc_json_finish(&w);
  fclose(f);
  const char *want = "{\n"
                     "  \"n\": 18446744073709551615,\n"
                     "  \"empty\": [],\n"
                     "  \"a\": [\n"
                     "    true,\n"
                     "    null,\n"
                     "    \"x\\\"\"\n"
                     "  ]\n"
                     "}\n";
  if (strcmp(buf, want) != 0) {
    fprintf(stderr, "structure: got\n%s\nwant\n%s\n", buf, want);
    failures++;
  }
  free(buf);
}

int main(void) {
  test_escaping();
  test_structure();
  if (failures) {
    fprintf(stderr, "%d failure(s)\n", failures);
    return 1;
  }
  puts("json writer: all checks passed");
  return 0;
}
