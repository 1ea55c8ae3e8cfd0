/* Unit tests of the text front end: lexer, literals, module translation
 * (byte-exact), error reporting, scripts and hostile input. */
#include "wat.h"
#include "wat_internal.h"

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

/* ---------------------------------------------------------------- lexer */

static void test_lexer(void) {
  const char *src = "(module ;; line comment\n"
                    "  (; nested (; inner ;) ;) $a.b \"s\\n\\u{e9}\\41\"\n"
                    "  0x1F (@custom \"x\" (y)) )";
  wat_token *t;
  size_t n;
  wasm_error err;
  CHECK(wat_lex(src, strlen(src), &t, &n, &err));
  if (failures)
    return;
  CHECK(n == 7); /* ( module $a.b "..." 0x1F ) EOF */
  CHECK(t[0].kind == WAT_LPAREN && t[1].kind == WAT_ATOM);
  CHECK(t[2].kind == WAT_ID && t[2].line == 2 && t[2].col == 28);
  CHECK(t[3].kind == WAT_STRING);
  uint8_t buf[64];
  size_t len = wat_string_decode(src, &t[3], buf);
  CHECK(len == 5 && memcmp(buf,
                           "s\n\xC3\xA9"
                           "A",
                           5) == 0);
  CHECK(t[4].kind == WAT_ATOM && t[4].line == 3 && t[4].col == 3);
  CHECK(t[5].kind == WAT_RPAREN && t[6].kind == WAT_EOF);
  free(t);
}

static bool lex_fails_n(const char *src, size_t len) {
  wat_token *t;
  size_t n;
  wasm_error err;
  bool ok = wat_lex(src, len, &t, &n, &err);
  if (ok)
    free(t);
  return !ok && err.kind == WASM_ERR_MALFORMED;
}

static bool lex_fails(const char *src) {
  return lex_fails_n(src, strlen(src));
}

static void test_lexer_errors(void) {
  CHECK(lex_fails("(; unclosed"));
  CHECK(lex_fails("(; (; ;)"));
  CHECK(lex_fails("\"unterminated"));
  CHECK(lex_fails("\"bad \\q escape\""));
  /* A NUL after the backslash is no escape (fuzzing found the lexer
   * accepting it, after which the decoder read past the string). */
  CHECK(lex_fails_n("\"\\\0\\\\u\"", 7));
  CHECK(lex_fails("\"\\u{d800}\""));
  CHECK(lex_fails("\"\\u{110000}\""));
  CHECK(lex_fails("\"\xff\""));
  CHECK(lex_fails("$"));
  CHECK(lex_fails("\"a\"\"b\""));
  CHECK(lex_fails("$x\"y\""));
  CHECK(lex_fails("(@ x)"));
  CHECK(lex_fails("{"));
  CHECK(!lex_fails("(@a (@b \")\")) x"));
}

/* ------------------------------------------------------------- literals */

static bool f32_is(const char *s, uint32_t bits) {
  uint32_t v = 0;
  return wat_parse_f32(s, strlen(s), &v) && v == bits;
}

static bool f64_is(const char *s, uint64_t bits) {
  uint64_t v = 0;
  return wat_parse_f64(s, strlen(s), &v) && v == bits;
}

static bool int_is(const char *s, unsigned bits, uint64_t want) {
  uint64_t v = 0;
  return wat_parse_int(s, strlen(s), bits, &v) && v == want;
}

static bool int_bad(const char *s, unsigned bits) {
  uint64_t v;
  return !wat_parse_int(s, strlen(s), bits, &v);
}

static void test_integers(void) {
  CHECK(int_is("4294967295", 32, 0xFFFFFFFF));
  CHECK(int_is("-2147483648", 32, 0x80000000));
  CHECK(int_is("+0x7fff_ffff", 32, 0x7FFFFFFF));
  CHECK(int_is("1_000", 32, 1000));
  CHECK(int_is("-1", 64, UINT64_MAX));
  CHECK(int_is("18446744073709551615", 64, UINT64_MAX));
  CHECK(int_is("-9223372036854775808", 64, UINT64_C(1) << 63));
  CHECK(int_bad("4294967296", 32));
  CHECK(int_bad("-2147483649", 32));
  CHECK(int_bad("18446744073709551616", 64));
  CHECK(int_bad("-9223372036854775809", 64));
  CHECK(int_bad("1__0", 32));
  CHECK(int_bad("_1", 32));
  CHECK(int_bad("1_", 32));
  CHECK(int_bad("0x", 32));
  CHECK(int_bad("1.0", 32));
  uint64_t v;
  CHECK(!wat_parse_uint("-1", 2, UINT32_MAX, &v));
}

static void test_floats(void) {
  CHECK(f32_is("0x1p-149", 1));
  CHECK(f32_is("0x1.fffffep127", 0x7F7FFFFF));
  CHECK(!f32_is("0x1.ffffffp127", 0));       /* rounds to infinity */
  CHECK(f32_is("0x1.000001p0", 0x3F800000)); /* tie to even: down */
  CHECK(f32_is("0x1.000003p0", 0x3F800002)); /* tie to even: up */
  CHECK(f32_is("0x1.0000010000000000000001p0", 0x3F800001)); /* sticky */
  CHECK(f32_is("-0x0p0", 0x80000000));
  CHECK(f32_is("1e-45", 1));
  CHECK(f32_is("3.4028235e38", 0x7F7FFFFF));
  CHECK(!f32_is("1e39", 0));
  CHECK(f32_is("inf", 0x7F800000));
  CHECK(f32_is("-nan", 0xFFC00000));
  CHECK(f32_is("nan:0x1", 0x7F800001));
  CHECK(!f32_is("nan:0x0", 0));
  CHECK(!f32_is("nan:0x800000", 0));
  CHECK(f32_is("1_000.5", 0x447A2000));
  CHECK(!f32_is(".5", 0));
  CHECK(!f32_is("1e", 0));
  CHECK(f64_is("0x0.0000000000001p-1022", 1));
  CHECK(f64_is("0x1p-1075", 0));   /* half the smallest: to even */
  CHECK(f64_is("0x1.8p-1074", 2)); /* 1.5 ulps: tie to even (2) */
  CHECK(f64_is("0x1.fffffffffffffp1023", 0x7FEFFFFFFFFFFFFF));
  CHECK(f64_is("1.7976931348623157e308", 0x7FEFFFFFFFFFFFFF));
  CHECK(!f64_is("1.8e308", 0));
  CHECK(f64_is("nan:0xf_ffff_ffff_ffff", 0x7FFFFFFFFFFFFFFF));
  CHECK(f64_is("-inf", 0xFFF0000000000000));
  CHECK(f64_is("1", 0x3FF0000000000000));
  CHECK(f64_is("0x10", 0x4030000000000000));
}

/* ------------------------------------------------------------- modules */

static bool translates_to(const char *src, const uint8_t *want, size_t n) {
  uint8_t *out;
  size_t len;
  wasm_error err;
  if (!wat_to_wasm(src, strlen(src), &out, &len, &err)) {
    fprintf(stderr, "  %s\n", err.message);
    return false;
  }
  /* compare up to the name section, which the caller leaves out */
  bool eq = len >= n && memcmp(out, want, n) == 0 && (len == n || out[n] == 0);
  free(out);
  return eq;
}

static bool rejects(const char *src, const char *prefix, const char *part) {
  uint8_t *out;
  size_t len;
  wasm_error err;
  if (wat_to_wasm(src, strlen(src), &out, &len, &err)) {
    free(out);
    return false;
  }
  bool ok = strncmp(err.message, prefix, strlen(prefix)) == 0 &&
            strstr(err.message, part) != NULL;
  if (!ok)
    fprintf(stderr, "  got: %s\n", err.message);
  return ok;
}

static void test_modules(void) {
  static const uint8_t empty[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  CHECK(translates_to("(module)", empty, 8));
  CHECK(translates_to("", empty, 8));
  /* implicit types come after explicit ones, in order of use */
  static const uint8_t implicit[] = {
      0,    'a', 's', 'm', 1, 0, 0, 0,  1, 8, 2, 0x60, 0,    0, 0x60, 1,
      0x7F, 0,   3,   3,   2, 1, 1, 10, 7, 2, 2, 0,    0x0B, 2, 0,    0x0B};
  CHECK(translates_to("(module (func (param i32)) (func (param $x i32)) "
                      "(type $t (func)))",
                      implicit, sizeof implicit));
  /* flat form, labels resolved by name */
  static const uint8_t code[] = {
      0,    'a',  's',  'm',  1,    0,    0, 0,    1,   5,    1,
      0x60, 0,    1,    0x7F, 3,    2,    1, 0,    7,   5,    1,
      1,    'f',  0,    0,    10,   14,   1, 12,   0,   0x02, 0x7F,
      0x41, 0x7F, 0x0C, 0,    0x0B, 0x41, 2, 0x6A, 0x0B};
  CHECK(translates_to("(module (func (export \"f\") (result i32)"
                      " block $b (result i32) i32.const -1 br $b end"
                      " i32.const 2 i32.add))",
                      code, sizeof code));
  /* the folded form encodes the same bytes */
  CHECK(translates_to("(module (func (export \"f\") (result i32)"
                      " (i32.add (block $b (result i32) (br $b (i32.const "
                      "-1))) (i32.const 2))))",
                      code, sizeof code));
  /* an inline signature must repeat the referenced type */
  CHECK(rejects("(module (type $t (func)) (func (type $t) (param i32)))",
                "1:32:", "type mismatch"));
  /* memory abbreviation with inline data: 1 page, active segment */
  static const uint8_t mem[] = {0, 'a', 's',  'm', 1,    0, 0,   0,
                                5, 4,   1,    1,   1,    1, 11,  8,
                                1, 0,   0x41, 0,   0x0B, 2, 'h', 'i'};
  CHECK(translates_to("(module (memory (data \"h\" \"i\")))", mem, sizeof mem));
}

static void test_errors(void) {
  CHECK(rejects("(module (func (i32.add2)))", "1:16:", "unknown operator"));
  CHECK(rejects("(module\n  (func (br $nope)))", "2:13:", "unknown label"));
  CHECK(rejects("(module (func $f) (func $f))", "1:25:", "duplicate"));
  CHECK(rejects("(module (func (i32.const 4294967296)))", "1:26:", "constant"));
  CHECK(rejects("(module (func (f32.const 1e39)))", "1:26:", "constant"));
  CHECK(rejects("(module (func $f) (import \"a\" \"b\" (func)))",
                "1:19:", "import after"));
  CHECK(rejects("(module (func block $a end $b))", "1:28:", "label"));
  CHECK(rejects("(module (memory 1) (func (i32.load align=3 (i32.const 0))))",
                "1:36:", "power of two"));
  CHECK(rejects("(module (func)", "1:15:", "end of input"));
  CHECK(rejects("(module) (module)", "1:10:", "end of input"));
  CHECK(rejects("(module (local i32))", "1:10:", "unknown module field"));
  uint8_t *out;
  size_t len;
  wasm_error err;
  CHECK(!wat_to_wasm("(module (func (nop", 18, &out, &len, &err));
  CHECK(err.offset == 18 && err.kind == WASM_ERR_MALFORMED);
}

/* -------------------------------------------------------------- scripts */

static void test_script(void) {
  const char *src =
      "(module $M (func (export \"f\") (param i32) (result f32)\n"
      "  (f32.const nan)))\n"
      "(register \"m\" $M)\n"
      "(assert_return (invoke $M \"f\" (i32.const -1)) (f32.const "
      "nan:canonical))\n"
      "(assert_return (invoke \"v\" (v128.const i16x8 1 2 3 4 5 6 7 -1))\n"
      "  (v128.const f32x4 nan:arithmetic 1.0 -0 inf))\n"
      "(assert_trap (invoke \"f\" (i32.const 0)) \"unreachable\")\n"
      "(assert_malformed (module quote \"(func\" \" nop\") \"unexpected\")\n"
      "(assert_invalid (module (func (result i32))) \"type mismatch\")\n"
      "(assert_return (get \"g\") (ref.null extern) (ref.extern 7) "
      "(ref.func))\n"
      "(module binary \"\\00asm\" \"\\01\\00\\00\\00\")\n"
      "(assert_exhaustion (invoke \"loop\") \"call stack exhausted\")\n";
  wast_script s;
  wasm_error err;
  CHECK(wast_parse_script(src, strlen(src), &s, &err));
  if (failures)
    return;
  CHECK(s.ncommands == 10);
  wast_command *c = s.commands;
  CHECK(c[0].kind == WAST_CMD_MODULE && c[0].module.ok &&
        c[0].module.form == WAST_MODULE_TEXT && c[0].line == 1 &&
        strcmp(c[0].module.name, "$M") == 0 && c[0].module.len > 8);
  CHECK(c[1].kind == WAST_CMD_REGISTER && strcmp(c[1].register_as, "m") == 0 &&
        strcmp(c[1].register_from, "$M") == 0);
  CHECK(c[2].kind == WAST_CMD_ASSERT_RETURN && c[2].line == 4 &&
        c[2].action.nargs == 1 && c[2].action.args[0].u.i32 == 0xFFFFFFFF &&
        strcmp(c[2].action.module, "$M") == 0 && c[2].nexpected == 1 &&
        c[2].expected[0].kind == WAST_VAL_F32 &&
        c[2].expected[0].nan == WAST_NAN_CANONICAL);
  const wast_value *a = &c[3].action.args[0], *e = &c[3].expected[0];
  CHECK(a->kind == WAST_VAL_V128 && a->lane_bits == 16 && a->u.v128[0] == 1 &&
        a->u.v128[14] == 0xFF && a->u.v128[15] == 0xFF);
  CHECK(e->lane_float && e->lane_nan[0] == WAST_NAN_ARITHMETIC &&
        e->lane_nan[1] == WAST_NAN_NONE && e->u.v128[7] == 0x3F &&
        e->u.v128[15] == 0x7F);
  CHECK(c[4].kind == WAST_CMD_ASSERT_TRAP && c[4].has_action &&
        strcmp(c[4].message, "unreachable") == 0);
  CHECK(c[5].kind == WAST_CMD_ASSERT_MALFORMED &&
        c[5].module.form == WAST_MODULE_QUOTE &&
        strcmp((char *)c[5].module.bytes, "(func nop") == 0);
  CHECK(c[6].kind == WAST_CMD_ASSERT_INVALID && c[6].module.ok);
  CHECK(c[7].action.kind == WAST_ACTION_GET && c[7].nexpected == 3 &&
        c[7].expected[0].kind == WAST_VAL_REF_NULL &&
        c[7].expected[0].u.ref_type == WASM_EXTERNREF &&
        c[7].expected[1].u.extern_ref == 7 &&
        c[7].expected[2].kind == WAST_VAL_REF_FUNC);
  CHECK(c[8].module.form == WAST_MODULE_BINARY && c[8].module.len == 8);
  CHECK(c[9].kind == WAST_CMD_ASSERT_EXHAUSTION);
  wast_script_free(&s);

  CHECK(!wast_parse_script("(assert_return (module))", 24, &s, &err));
  CHECK(!wast_parse_script("(module (func (i32.add2)))", 26, &s, &err));
  CHECK(strncmp(err.message, "1:16:", 5) == 0);
  CHECK(!wast_parse_script("(invoke \"f\" (f32.const nan:canonical))", 38, &s,
                           &err));
}

/* -------------------------------------------------------- hostile input */

static void test_hostile(void) {
  size_t n = 100000;
  char *deep = malloc(n * 10 + 32);
  strcpy(deep, "(module (func ");
  size_t p = strlen(deep);
  for (size_t i = 0; i < n; i++)
    p += (size_t)sprintf(deep + p, "block ");
  for (size_t i = 0; i < n; i++)
    p += (size_t)sprintf(deep + p, "end ");
  p += (size_t)sprintf(deep + p, "))");
  uint8_t *out;
  size_t len;
  wasm_error err;
  /* Flat blocks take no stack (real modules nest thousands deep): this
   * one translates, with every block and end encoded. */
  CHECK(wat_to_wasm(deep, p, &out, &len, &err));
  if (!failures) {
    CHECK(len > 2 * n);
    free(out);
  }
  /* Folded ones recurse, so their depth is limited. */
  strcpy(deep, "(module (func ");
  p = strlen(deep);
  for (size_t i = 0; i < n; i++)
    p += (size_t)sprintf(deep + p, "(block ");
  for (size_t i = 0; i < n; i++)
    deep[p++] = ')';
  p += (size_t)sprintf(deep + p, "))");
  CHECK(!wat_to_wasm(deep, p, &out, &len, &err));
  CHECK(strstr(err.message, "nesting too deep") != NULL);
  p = 0;
  for (size_t i = 0; i < n; i++)
    deep[p++] = '(';
  CHECK(!wat_to_wasm(deep, p, &out, &len, &err));
  wast_script s;
  CHECK(!wast_parse_script(deep, p, &s, &err));
  /* pseudo-random bytes and token soup must fail cleanly */
  static const char *const words[] = {
      "(",         ")",        "module", "func",  "block",   "end",
      "i32.const", "0x",       "$a",     "\"s\"", "if",      "then",
      "else",      "br_table", "(;",     ";)",    "nan:0x1", "v128.const",
      "i8x16",     "memory",   "data",   "elem",  "table",   "offset=1"};
  uint32_t seed = 12345;
  for (int round = 0; round < 2000; round++) {
    p = 0;
    for (int i = 0; i < 60; i++) {
      seed = seed * 1103515245 + 12345;
      const char *w = words[(seed >> 16) % (sizeof words / sizeof *words)];
      p += (size_t)sprintf(deep + p, "%s ", w);
    }
    if (wat_to_wasm(deep, p, &out, &len, &err))
      free(out);
    if (wast_parse_script(deep, p, &s, &err))
      wast_script_free(&s);
    for (size_t i = 0; i < p; i++) {
      seed = seed * 1103515245 + 12345;
      deep[i] = (char)(seed >> 16);
    }
    if (wat_to_wasm(deep, p, &out, &len, &err))
      free(out);
  }
  free(deep);
}

/* -------------------------------------------------------------- printer */

static void test_printer(void) {
  const char *src =
      "(module (type (func (param i32) (result i32)))\n"
      "  (import \"m\" \"g\" (global (mut i64)))\n"
      "  (memory 1 2) (table 2 funcref)\n"
      "  (func $f (export \"f\") (param i32) (result f32) (local i64 i64)\n"
      "    (block (result f32) (f32.const 0x1p-149)) (drop)\n"
      "    (if (local.get 0) (then (br 0)))\n"
      "    (f32.const -inf) (f32.const nan:0x123) (f32.add))\n"
      "  (elem (i32.const 1) $f)\n"
      "  (data (i32.const 8) \"a\\00\\ff\"))";
  uint8_t *bin, *again = NULL;
  size_t len, alen;
  wasm_error err;
  CHECK(wat_to_wasm(src, strlen(src), &bin, &len, &err));
  if (failures)
    return;
  wasm_module *m;
  CHECK(wasm_module_decode(bin, len, WASM_DECODE_DEFAULT, &m, &err));
  if (failures) {
    free(bin);
    return;
  }
  char *text;
  size_t tlen;
  CHECK(wasm_to_wat(m, &text, &tlen, &err));
  if (!failures) {
    CHECK(strlen(text) == tlen);
    CHECK(strstr(text, "f32.const 0x0.000002p-126") != NULL);
    CHECK(strstr(text, "f32.const -inf") != NULL);
    CHECK(strstr(text, "f32.const nan:0x123") != NULL);
    CHECK(strstr(text, "(import \"m\" \"g\" (global (mut i64)))") != NULL);
    CHECK(strstr(text, "(local i64) (local i64)") != NULL);
    CHECK(strstr(text, "\"a\\00\\ff\"") != NULL);
    CHECK(wat_to_wasm(text, tlen, &again, &alen, &err));
    /* same bytes up to our name section, which the printer drops */
    CHECK(again && alen <= len && memcmp(again, bin, alen) == 0);
  }
  free(again);
  free(text);
  wasm_module_free(m);
  free(bin);
}

/* Many distinct implicit signatures stay fast (hashed, not scanned). */
static void test_many_types(void) {
  static const char *const vt[] = {"i32", "i64", "f32", "f64"};
  size_t n = 40000, cap = n * 80 + 32, p = 0;
  char *src = malloc(cap);
  p += (size_t)sprintf(src + p, "(module");
  for (size_t i = 0; i < n; i++) {
    p += (size_t)sprintf(src + p, "(func (param");
    for (int k = 0; k < 8; k++)
      p += (size_t)sprintf(src + p, " %s", vt[(i >> (2 * k)) & 3]);
    p += (size_t)sprintf(src + p, "))");
  }
  p += (size_t)sprintf(src + p, ")");
  uint8_t *out;
  size_t len;
  wasm_error err;
  CHECK(wat_to_wasm(src, p, &out, &len, &err));
  if (!failures)
    free(out);
  free(src);
}

int main(void) {
  test_lexer();
  test_lexer_errors();
  test_integers();
  test_floats();
  test_modules();
  test_errors();
  test_script();
  test_hostile();
  test_printer();
  test_many_types();
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("all text front end tests passed\n");
  return 0;
}
