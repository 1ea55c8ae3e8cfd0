/* Unit tests: command semantics and the skip table, driven through a fake
 * engine whose "modules" are text files naming the outcome they produce. */
#include "spec_check.h"
#include "spec_run.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Module file contents: "ok", or "<letter>:<message>" with M(alformed),
 * I(nvalid), L (unlinkable), U(ninstantiable). */
static void fake_outcome(const uint8_t *bytes, size_t size, spec_result *r) {
  static const struct {
    char letter;
    spec_outcome outcome;
  } map[] = {{'M', SPEC_OUT_MALFORMED},
             {'I', SPEC_OUT_INVALID},
             {'L', SPEC_OUT_UNLINKABLE},
             {'U', SPEC_OUT_UNINSTANTIABLE}};
  r->outcome = SPEC_OUT_OK;
  r->message[0] = '\0';
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    if (size >= 2 && bytes[0] == map[i].letter && bytes[1] == ':') {
      r->outcome = map[i].outcome;
      snprintf(r->message, sizeof r->message, "%.*s", (int)(size - 2),
               (const char *)bytes + 2);
    }
  }
}

static void *fake_create(int opt) {
  (void)opt;
  static int handle;
  return &handle;
}

static void fake_destroy(void *self) {
  (void)self;
}

static void fake_check(void *self, const uint8_t *bytes, size_t size,
                       spec_result *r) {
  (void)self;
  fake_outcome(bytes, size, r);
}

static void fake_load(void *self, const char *name, const uint8_t *bytes,
                      size_t size, spec_result *r) {
  (void)self, (void)name;
  fake_outcome(bytes, size, r);
}

static void fake_register(void *self, const char *name, const char *as,
                          spec_result *r) {
  (void)self, (void)name, (void)as;
  r->outcome = SPEC_OUT_OK;
}

/* "add" returns args[0] + args[1] as i32; "trap" traps; "nan" returns a
 * negative quiet NaN; "unsupported" is unsupported. */
static void fake_invoke(void *self, const char *module, const char *field,
                        size_t field_len, const spec_value *args, size_t n,
                        spec_value *results, size_t *num_results,
                        spec_result *r) {
  (void)self, (void)module, (void)field_len;
  r->outcome = SPEC_OUT_OK;
  *num_results = 0;
  if (strcmp(field, "add") == 0 && n == 2) {
    results[0] = (spec_value){.type = SPEC_I32, .has_value = true};
    results[0].u.i32 = args[0].u.i32 + args[1].u.i32;
    *num_results = 1;
  } else if (strcmp(field, "nan") == 0) {
    results[0] = (spec_value){.type = SPEC_F32, .has_value = true};
    results[0].u.i32 = 0xffc00000;
    *num_results = 1;
  } else if (strcmp(field, "trap") == 0) {
    r->outcome = SPEC_OUT_TRAP;
    snprintf(r->message, sizeof r->message, "integer divide by zero");
  } else {
    r->outcome = SPEC_OUT_UNSUPPORTED;
    snprintf(r->message, sizeof r->message, "SIMD not supported yet (fake)");
  }
}

static void fake_get(void *self, const char *module, const char *field,
                     size_t field_len, spec_value *out, spec_result *r) {
  (void)self, (void)module, (void)field, (void)field_len, (void)out;
  r->outcome = SPEC_OUT_ERROR;
  snprintf(r->message, sizeof r->message, "no such global");
}

static spec_engine_ops fake_engine(unsigned caps) {
  return (spec_engine_ops){
      .name = "fake",
      .caps = caps,
      .create = fake_create,
      .destroy = fake_destroy,
      .check_module = fake_check,
      .load_module = fake_load,
      .register_module = fake_register,
      .invoke = fake_invoke,
      .get = fake_get,
  };
}

static char dir[] = "/tmp/spec_run_testXXXXXX";

static void write_module(const char *name, const char *contents) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) {
    fputs(contents, f);
    fclose(f);
  }
}

static void remove_module(const char *name) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  unlink(path);
}

#define MOD(line, file)                                                        \
  "{\"type\": \"module\", \"line\": " #line ", \"filename\": \"" file "\"},"
#define ASSERT_MOD(kind, line, file, text)                                     \
  "{\"type\": \"" kind "\", \"line\": " #line ", \"filename\": \"" file        \
  "\", \"text\": \"" text "\", \"module_type\": \"binary\"},"
#define I32(v) "{\"type\": \"i32\", \"value\": \"" #v "\"}"
#define INVOKE(kind, line, field, args, expected)                              \
  "{\"type\": \"" kind "\", \"line\": " #line                                  \
  ", \"text\": \"integer divide\", \"action\": {\"type\": \"invoke\", "        \
  "\"field\": \"" field "\", \"args\": [" args "]}, \"expected\": [" expected  \
  "]},"

/* One entry per case: expectations are in the comments' order. */
static const char script_text[] = "{\"commands\": ["
    /* passes with any engine */
    MOD(1, "ok.wasm")                                          /* pass */
    ASSERT_MOD("assert_malformed", 2, "m.wasm", "unexpected")  /* pass */
    ASSERT_MOD("assert_malformed", 3, "i.wasm", "type mis")    /* pass */
    ASSERT_MOD("assert_invalid", 4, "i.wasm", "type mismatch") /* pass */
    /* failures */
    MOD(5, "m.wasm")                                         /* fail */
    ASSERT_MOD("assert_malformed", 6, "ok.wasm", "whatever") /* fail */
    ASSERT_MOD("assert_malformed", 7, "m.wasm", "unexpected end of")
    /* ^ fail: expected text longer than the message */
    ASSERT_MOD("assert_invalid", 8, "m.wasm", "unexpected") /* fail: decode */
    MOD(9, "absent.wasm")                                   /* fail */
    MOD(10, "../ok.wasm")                                   /* fail */
    "{\"type\": \"nonsense\", \"line\": 11},"               /* fail */
    /* skipped with a validate-only engine, run with an executing one */
    INVOKE("assert_return", 12, "add", I32(1) "," I32(2),
           I32(3)) INVOKE("assert_return", 13, "add", I32(1) "," I32(2),
                          I32(4)) INVOKE("assert_trap", 14, "trap", "", "")
        INVOKE("assert_trap", 15, "add", I32(1) "," I32(2),
               "") INVOKE("assert_return", 16, "nan", "",
                          "{\"type\": \"f32\", \"value\": \"nan:canonical\"}")
            INVOKE("assert_return", 17, "unsupported", "", "") ASSERT_MOD(
                "assert_unlinkable", 18, "l.wasm", "unknown import")
                ASSERT_MOD(
                    "assert_uninstantiable", 19, "ok.wasm",
                    "out of bounds") "{\"type\": \"register\", \"line\": 20, "
                                     "\"as\": \"x\"},"
                                     /* text format, run through the own text
                                        front end with any engine */
                                     "{\"type\": \"assert_malformed\", "
                                     "\"line\": 21, \"filename\": "
                                     "\"t.wat\", \"text\": \"x\", "
                                     "\"module_type\": \"text\"}," /* pass */
                                     "{\"type\": \"assert_malformed\", "
                                     "\"line\": 22, \"filename\": "
                                     "\"tv.wat\", \"text\": \"x\", "
                                     "\"module_type\": \"text\"}" /* fail */
                                     "]}";

static spec_counts run(unsigned caps, char *log, size_t loglen) {
  json_error jerr;
  char err[128];
  spec_script s;
  json_value *root = json_parse(script_text, strlen(script_text), &jerr);
  CHECK(root != NULL);
  CHECK(spec_script_init(&s, root, err, sizeof err));
  FILE *out = fmemopen(log, loglen, "w");
  spec_engine_ops ops = fake_engine(caps);
  spec_run_options opts = {
      .dir = dir, .display_name = "t.wast", .out = out, .list_skipped = true};
  spec_counts c = spec_run_script(&s, &ops, &opts);
  fclose(out);
  spec_script_free(&s);
  return c;
}

static void test_validate_only(void) {
  static char log[16384];
  spec_counts c = run(0, log, sizeof log);
  CHECK(c.passed == 5);  /* lines 1-4, 21 */
  CHECK(c.failed == 8);  /* lines 5-11, 22 */
  CHECK(c.skipped == 9); /* lines 12-20 */
  /* failures say both what was expected and what happened */
  CHECK(strstr(log, "t.wast:7: assert_malformed failed: expected message "
                    "\"unexpected end of\", got \"unexpected end\"") != NULL);
  CHECK(strstr(log, "t.wast:8: assert_invalid failed: expected invalid") !=
        NULL);
  CHECK(strstr(log, "t.wast:6: assert_malformed failed") != NULL);
  CHECK(strstr(log, "t.wast:22: assert_malformed failed: expected malformed "
                    "\"x\", but it translated and validated") != NULL);
  CHECK(strstr(log, "t.wast:12: assert_return \u2014 execution not") != NULL);
}

static void test_executing(void) {
  static char log[16384];
  spec_counts c = run(SPEC_CAP_INSTANTIATE | SPEC_CAP_INVOKE, log, sizeof log);
  /* 5 + line 12, 14, 16 (canonical NaN ignores the sign), 18, 20 */
  CHECK(c.passed == 10);
  /* 8 + line 13 (3 != 4), 15 (no trap), 19 (instantiated fine) */
  CHECK(c.failed == 11);
  /* line 17 (engine says unsupported) */
  CHECK(c.skipped == 1);
  CHECK(strstr(log, "t.wast:13: assert_return failed: result 0: expected "
                    "i32:0x00000004, got i32:0x00000003") != NULL);
  CHECK(strstr(log, "t.wast:17: assert_return \u2014 SIMD not supported") !=
        NULL);
}

static void test_skip_table(void) {
  spec_command c = {.kind = SPEC_CMD_ASSERT_MALFORMED,
                    .module_type = SPEC_MODULE_BINARY};
  CHECK(spec_skip_reason(&c, 0) == NULL);
  c.module_type = SPEC_MODULE_TEXT; /* run by the own text front end */
  CHECK(spec_skip_reason(&c, 0) == NULL);
  c.kind = SPEC_CMD_ASSERT_RETURN;
  CHECK(spec_skip_reason(&c, SPEC_CAP_INSTANTIATE) != NULL);
  CHECK(spec_skip_reason(&c, SPEC_CAP_INVOKE) == NULL);
  CHECK(spec_engine_gap("SIMD not supported yet: i8x16.add") != NULL);
  CHECK(spec_engine_gap("invoke needs execution") == NULL);
  c.error = "broken";
  CHECK(spec_skip_reason(&c, 0) == NULL);
}

int main(void) {
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  write_module("ok.wasm", "ok");
  write_module("m.wasm", "M:unexpected end");
  write_module("i.wasm", "I:type mismatch");
  write_module("l.wasm", "L:unknown import: spectest.f");
  write_module("t.wat", "(module (func i32.const 0x1_0000_0000_0))");
  write_module("tv.wat", "(module)");
  test_validate_only();
  test_executing();
  test_skip_table();
  remove_module("ok.wasm");
  remove_module("m.wasm");
  remove_module("i.wasm");
  remove_module("l.wasm");
  remove_module("t.wat");
  remove_module("tv.wat");
  rmdir(dir);
  return spec_check_report("test_spec_run");
}
