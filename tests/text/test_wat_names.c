/* Unit tests of the printer's use of the `name` section: ids for the
 * module, functions and locals, at definitions and uses; names that are no
 * valid id, or taken, are rewritten; the binary round-trips. */
#include "strip_custom.h"
#include "wat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

/* The text of a binary module, NULL (with a failed check) if it fails. */
static char *print(const uint8_t *bin, size_t len, size_t *tlen) {
  wasm_module *m = NULL;
  wasm_error err;
  char *text = NULL;
  CHECK(wasm_module_decode(bin, len, WASM_DECODE_DEFAULT, &m, &err));
  if (m)
    CHECK(wasm_to_wat(m, &text, tlen, &err));
  wasm_module_free(m);
  return text;
}

static void test_names_from_text(void) {
  const char *src =
      "(module $my_mod\n"
      "  (import \"env\" \"log\" (func $log (param i32)))\n"
      "  (func $add (export \"add\") (param $a i32) (param $b i32)\n"
      "    (result i32) (local $tmp i32)\n"
      "    (local.tee $tmp (i32.add (local.get $a) (local.get $b)))\n"
      "    (call $log) (local.get $tmp))\n"
      "  (func $init)\n"
      "  (func (param i32) (local $x i64) (drop (ref.func $add)))\n"
      "  (elem declare func $add)\n"
      "  (start $init))";
  uint8_t *bin = NULL, *again = NULL;
  size_t len = 0, alen = 0, tlen = 0;
  wasm_error err;
  CHECK(wat_to_wasm(src, strlen(src), &bin, &len, &err));
  char *text = bin ? print(bin, len, &tlen) : NULL;
  if (!text) {
    free(bin);
    return;
  }
  CHECK(strncmp(text, "(module $my_mod\n", 16) == 0);
  CHECK(strstr(text, "(import \"env\" \"log\" (func $log (type 0)))"));
  CHECK(strstr(text, "(func $add (type 1) (param $a i32) (param $b i32) "
                     "(result i32) (local $tmp i32)"));
  CHECK(strstr(text, "local.get $a\n    local.get $b\n    i32.add\n"
                     "    local.tee $tmp\n    call $log"));
  CHECK(strstr(text, "(func $init (type 2)\n") ||
        strstr(text, "(func $init (type 2))"));
  /* an unnamed function with one named local: the param gets no id */
  CHECK(strstr(text, "(param i32) (local $x i64)"));
  CHECK(strstr(text, "ref.func $add"));
  CHECK(strstr(text, "(export \"add\" (func $add))"));
  CHECK(strstr(text, "(start $init)"));
  CHECK(strstr(text, "(ref.func $add)"));
  /* the same ids give the same name section: the whole binary is equal */
  CHECK(wat_to_wasm(text, tlen, &again, &alen, &err));
  CHECK(again && alen == len && memcmp(again, bin, len) == 0);
  free(again);
  free(text);
  free(bin);
}

/* Three functions named "a b", "a_b", "a_b" and locals "x" twice, "(y)". */
static const uint8_t odd_names[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    /* type 0: [i32] -> [] */
    0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00,
    /* three functions of type 0 */
    0x03, 0x04, 0x03, 0x00, 0x00, 0x00,
    /* bodies: function 0 has two i32 locals */
    0x0a, 0x0c, 0x03, 0x04, 0x01, 0x02, 0x7f, 0x0b, 0x02, 0x00, 0x0b, 0x02,
    0x00, 0x0b,
    /* name section */
    0x00, 0x27, 0x04, 'n', 'a', 'm', 'e',
    /* function names */
    0x01, 0x10, 0x03, 0x00, 0x03, 'a', ' ', 'b', 0x01, 0x03, 'a', '_', 'b',
    0x02, 0x03, 'a', '_', 'b',
    /* local names of function 0: 0 "x", 1 "x", 2 "(y)" */
    0x02, 0x0e, 0x01, 0x00, 0x03, 0x00, 0x01, 'x', 0x01, 0x01, 'x', 0x02, 0x03,
    '(', 'y', ')'};

static void test_odd_names(void) {
  size_t tlen = 0, alen = 0;
  uint8_t *again = NULL;
  wasm_error err;
  char *text = print(odd_names, sizeof odd_names, &tlen);
  if (!text)
    return;
  CHECK(strstr(text, "(func $a_b (type 0) (param $x i32) (local $x.1 i32) "
                     "(local $_y_ i32)"));
  CHECK(strstr(text, "(func $a_b.1 (type 0))"));
  CHECK(strstr(text, "(func $a_b.2 (type 0))"));
  CHECK(wat_to_wasm(text, tlen, &again, &alen, &err));
  if (again) {
    uint8_t want[sizeof odd_names];
    memcpy(want, odd_names, sizeof want);
    size_t wlen = strip_custom(want, sizeof want);
    alen = strip_custom(again, alen);
    CHECK(alen == wlen && memcmp(again, want, wlen) == 0);
  }
  free(again);
  free(text);
}

int main(void) {
  test_names_from_text();
  test_odd_names();
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("all printer name tests passed\n");
  return 0;
}
