/* Unit tests: the JSON reader, value parsing/matching/printing and command
 * parsing of the spec runner. */
#include "json.h"
#include "spec_check.h"
#include "spec_script.h"
#include "spec_values.h"

#include <stdlib.h>
#include <string.h>

static json_value *parse(const char *text) {
  json_error err;
  return json_parse(text, strlen(text), &err);
}

static bool rejects(const char *text) {
  json_value *v = parse(text);
  json_free(v);
  return v == NULL;
}

static void test_json_basics(void) {
  json_value *v = parse(" {\"a\": [1, -2.5e1, true, false, null], "
                        "\"b\": {\"c\": \"x\"}, \"line\": 42} ");
  CHECK(v && v->kind == JSON_OBJECT);
  const json_value *a = json_object_get_array(v, "a");
  CHECK(json_array_count(a) == 5);
  CHECK(json_array_at(a, 0)->u.number == 1);
  CHECK(json_array_at(a, 1)->u.number == -25);
  CHECK(json_array_at(a, 2)->kind == JSON_BOOL &&
        json_array_at(a, 2)->u.boolean);
  CHECK(json_array_at(a, 3)->kind == JSON_BOOL &&
        !json_array_at(a, 3)->u.boolean);
  CHECK(json_array_at(a, 4)->kind == JSON_NULL);
  CHECK(json_array_at(a, 5) == NULL);
  CHECK_STR(json_object_get_string(json_object_get(v, "b"), "c")->data, "x");
  uint32_t line = 0;
  CHECK(json_object_get_u32(v, "line", &line) && line == 42);
  CHECK(!json_object_get_u32(v, "a", &line));
  CHECK(json_object_get(v, "missing") == NULL);
  CHECK(json_object_get_string(v, "a") == NULL); /* wrong kind */
  json_free(v);
}

static void test_json_strings(void) {
  json_value *v = parse("\"a\\u0000b\\n\\\"\\\\\\/\\u00c5\\ud83d\\ude00\"");
  CHECK(v && v->kind == JSON_STRING);
  if (v) {
    const char want[] = "a\0b\n\"\\/\xc3\x85\xf0\x9f\x98\x80";
    CHECK(v->u.string.len == sizeof want - 1);
    CHECK(memcmp(v->u.string.data, want, sizeof want - 1) == 0);
  }
  json_free(v);
}

static void test_json_rejects(void) {
  CHECK(rejects(""));
  CHECK(rejects("{"));
  CHECK(rejects("[1,]"));
  CHECK(rejects("{\"a\" 1}"));
  CHECK(rejects("{\"a\": 1,}"));
  CHECK(rejects("\"unterminated"));
  CHECK(rejects("\"tab\tinside\""));
  CHECK(rejects("\"\\x\""));
  CHECK(rejects("\"\\u12\""));
  CHECK(rejects("01x"));
  CHECK(rejects("1 2"));
  CHECK(rejects("tru"));
  CHECK(rejects("-"));
  CHECK(rejects("1."));
  /* nesting far deeper than the limit must fail cleanly, not overflow */
  size_t n = 100000;
  char *deep = malloc(n + 1);
  memset(deep, '[', n);
  deep[n] = '\0';
  json_error err;
  json_value *v = json_parse(deep, n, &err);
  CHECK(v == NULL && strstr(err.message, "nesting") != NULL);
  free(deep);
  /* at the limit it still works */
  char ok[2 * JSON_MAX_DEPTH + 3];
  memset(ok, '[', JSON_MAX_DEPTH + 1);
  memset(ok + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
  ok[2 * JSON_MAX_DEPTH + 2] = '\0';
  v = parse(ok);
  CHECK(v != NULL);
  json_free(v);
}

static bool value_of(const char *text, spec_value *out) {
  char err[128];
  json_value *v = parse(text);
  bool ok = v && spec_value_parse(v, out, err, sizeof err);
  json_free(v);
  return ok;
}

static void test_uint_parsing(void) {
  uint64_t v;
  CHECK(spec_parse_uint("4294967295", 32, &v) && v == 0xffffffffu);
  CHECK(!spec_parse_uint("4294967296", 32, &v));
  CHECK(spec_parse_uint("18446744073709551615", 64, &v) && v == UINT64_MAX);
  CHECK(!spec_parse_uint("18446744073709551616", 64, &v));
  CHECK(spec_parse_uint("-1", 8, &v) && v == 0xff);
  CHECK(spec_parse_uint("-128", 8, &v) && v == 0x80);
  CHECK(!spec_parse_uint("-129", 8, &v));
  CHECK(!spec_parse_uint("", 32, &v));
  CHECK(!spec_parse_uint("12a", 32, &v));
  CHECK(!spec_parse_uint("256", 8, &v));
}

static void test_value_parsing(void) {
  spec_value v;
  CHECK(value_of("{\"type\": \"i32\", \"value\": \"4294967295\"}", &v));
  CHECK(v.type == SPEC_I32 && v.has_value && v.u.i32 == 0xffffffffu);
  CHECK(
      value_of("{\"type\": \"i64\", \"value\": \"9223372036854775808\"}", &v));
  CHECK(v.u.i64 == UINT64_C(0x8000000000000000));
  CHECK(value_of("{\"type\": \"f32\", \"value\": \"nan:canonical\"}", &v));
  CHECK(v.type == SPEC_F32 && v.nan == SPEC_NAN_CANONICAL);
  CHECK(value_of("{\"type\": \"f64\", \"value\": \"nan:arithmetic\"}", &v));
  CHECK(v.nan == SPEC_NAN_ARITHMETIC);
  CHECK(value_of("{\"type\": \"externref\", \"value\": \"42\"}", &v));
  CHECK(v.u.ref.kind == SPEC_REF_HOST && v.u.ref.host == 42);
  CHECK(value_of("{\"type\": \"funcref\", \"value\": \"null\"}", &v));
  CHECK(v.u.ref.kind == SPEC_REF_NULL);
  CHECK(value_of("{\"type\": \"funcref\"}", &v) && !v.has_value);
  CHECK(value_of("{\"type\": \"v128\", \"lane_type\": \"i16\", \"value\": "
                 "[\"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", "
                 "\"65535\"]}",
                 &v));
  CHECK(v.lane_type == SPEC_LANE_I16 && v.u.v128[0] == 1 && v.u.v128[1] == 0 &&
        v.u.v128[2] == 2 && v.u.v128[14] == 0xff && v.u.v128[15] == 0xff);
  CHECK(value_of("{\"type\": \"v128\", \"lane_type\": \"f32\", \"value\": "
                 "[\"nan:canonical\", \"1065353216\", \"nan:arithmetic\", "
                 "\"0\"]}",
                 &v));
  CHECK(v.lane_nan[0] == SPEC_NAN_CANONICAL && v.lane_nan[1] == SPEC_NAN_NONE &&
        v.lane_nan[2] == SPEC_NAN_ARITHMETIC);
  CHECK(v.u.v128[4] == 0 && v.u.v128[7] == 0x3f);
  /* rejected: bad types, overflow, wrong lane counts, NaN in int lanes */
  CHECK(!value_of("{\"type\": \"i128\", \"value\": \"1\"}", &v));
  CHECK(!value_of("{\"value\": \"1\"}", &v));
  CHECK(!value_of("{\"type\": \"i32\", \"value\": \"4294967296\"}", &v));
  CHECK(!value_of("{\"type\": \"i32\", \"value\": \"nan:canonical\"}", &v));
  CHECK(!value_of("{\"type\": \"i32\", \"value\": 1}", &v));
  CHECK(!value_of("{\"type\": \"v128\", \"lane_type\": \"i64\", \"value\": "
                  "[\"1\"]}",
                  &v));
  CHECK(!value_of("{\"type\": \"v128\", \"lane_type\": \"i64\", \"value\": "
                  "[\"nan:canonical\", \"1\"]}",
                  &v));
  CHECK(!value_of("{\"type\": \"v128\", \"lane_type\": \"i7\", \"value\": "
                  "[]}",
                  &v));
  CHECK(!value_of("{\"type\": \"funcref\", \"value\": \"3\"}", &v));
  CHECK(!value_of("[]", &v));
}

static spec_value f32(uint32_t bits) {
  spec_value v = {.type = SPEC_F32, .has_value = true};
  v.u.i32 = bits;
  return v;
}

static spec_value f64(uint64_t bits) {
  spec_value v = {.type = SPEC_F64, .has_value = true};
  v.u.i64 = bits;
  return v;
}

static void test_float_matching(void) {
  spec_value can = f32(0), ari = f32(0);
  can.nan = SPEC_NAN_CANONICAL;
  ari.nan = SPEC_NAN_ARITHMETIC;
  spec_value a = f32(0x7fc00000), neg = f32(0xffc00000);
  spec_value payload = f32(0x7fc00001), snan = f32(0x7fa00000);
  spec_value inf = f32(0x7f800000);
  CHECK(spec_value_matches(&can, &a) && spec_value_matches(&can, &neg));
  CHECK(!spec_value_matches(&can, &payload) && !spec_value_matches(&can, &inf));
  CHECK(spec_value_matches(&ari, &payload) && spec_value_matches(&ari, &neg));
  CHECK(!spec_value_matches(&ari, &snan) && !spec_value_matches(&ari, &inf));
  /* exact bits: -0 is not +0, and a NaN must match bit for bit */
  spec_value zero = f32(0), minus_zero = f32(0x80000000);
  CHECK(!spec_value_matches(&zero, &minus_zero));
  CHECK(spec_value_matches(&payload, &payload));
  CHECK(!spec_value_matches(&a, &payload));
  spec_value dcan = f64(0);
  dcan.nan = SPEC_NAN_CANONICAL;
  spec_value d = f64(UINT64_C(0xfff8000000000000));
  spec_value dp = f64(UINT64_C(0x7ff8000000000001));
  CHECK(spec_value_matches(&dcan, &d) && !spec_value_matches(&dcan, &dp));
  spec_value i = {.type = SPEC_I32, .has_value = true};
  CHECK(!spec_value_matches(&zero, &i)); /* types differ */
}

static void test_v128_and_ref_matching(void) {
  spec_value e, a;
  CHECK(value_of("{\"type\": \"v128\", \"lane_type\": \"f32\", \"value\": "
                 "[\"nan:canonical\", \"1065353216\", \"nan:arithmetic\", "
                 "\"0\"]}",
                 &e));
  a = e;
  memset(a.lane_nan, 0, sizeof a.lane_nan);
  uint32_t lanes[4] = {0xffc00000, 0x3f800000, 0x7fc12345, 0};
  memcpy(a.u.v128, lanes, 16); /* x86-64 is little-endian like wasm */
  CHECK(spec_value_matches(&e, &a));
  a.u.v128[12] = 1; /* lane 3 differs */
  CHECK(!spec_value_matches(&e, &a));
  a.u.v128[12] = 0;
  a.u.v128[0] = 1; /* lane 0 no longer canonical */
  CHECK(!spec_value_matches(&e, &a));
  spec_value any = {.type = SPEC_FUNCREF}, null = {.type = SPEC_FUNCREF};
  null.has_value = true;
  null.u.ref.kind = SPEC_REF_NULL;
  spec_value fn = null;
  fn.u.ref.kind = SPEC_REF_FUNC;
  CHECK(spec_value_matches(&any, &fn) && spec_value_matches(&any, &null));
  CHECK(!spec_value_matches(&null, &fn) && spec_value_matches(&null, &null));
  spec_value h1, h2;
  CHECK(value_of("{\"type\": \"externref\", \"value\": \"1\"}", &h1));
  CHECK(value_of("{\"type\": \"externref\", \"value\": \"2\"}", &h2));
  CHECK(!spec_value_matches(&h1, &h2) && spec_value_matches(&h1, &h1));
  CHECK(!spec_value_matches(&h1, &fn));
}

static void test_formatting(void) {
  char buf[128];
  spec_value v;
  CHECK(value_of("{\"type\": \"i32\", \"value\": \"42\"}", &v));
  spec_value_format(&v, buf, sizeof buf);
  CHECK_STR(buf, "i32:0x0000002a");
  CHECK(value_of("{\"type\": \"f64\", \"value\": \"nan:canonical\"}", &v));
  spec_value_format(&v, buf, sizeof buf);
  CHECK_STR(buf, "f64:nan:canonical");
  CHECK(value_of("{\"type\": \"v128\", \"lane_type\": \"i64\", \"value\": "
                 "[\"1\", \"18446744073709551615\"]}",
                 &v));
  spec_value_format(&v, buf, sizeof buf);
  CHECK_STR(buf, "v128:i64x2[0x1 0xffffffffffffffff]");
  CHECK(value_of("{\"type\": \"externref\", \"value\": \"null\"}", &v));
  spec_value_format(&v, buf, sizeof buf);
  CHECK_STR(buf, "externref:null");
  spec_value_format(&v, buf, 4); /* truncates, stays terminated */
  CHECK_STR(buf, "ext");
}

static const char script_text[] =
    "{\"source_filename\": \"/x/t.wast\", \"commands\": [\n"
    " {\"type\": \"module\", \"line\": 1, \"name\": \"$M\", "
    "\"filename\": \"t.0.wasm\"},\n"
    " {\"type\": \"assert_return\", \"line\": 2, \"action\": {\"type\": "
    "\"invoke\", \"module\": \"$M\", \"field\": \"a\\u0000b\", \"args\": "
    "[{\"type\": \"i32\", \"value\": \"1\"}]}, \"expected\": [{\"type\": "
    "\"f32\", \"value\": \"nan:arithmetic\"}]},\n"
    " {\"type\": \"assert_malformed\", \"line\": 3, \"filename\": "
    "\"t.1.wat\", \"text\": \"x\", \"module_type\": \"text\"},\n"
    " {\"type\": \"register\", \"line\": 4, \"as\": \"spectest\"},\n"
    " {\"type\": \"action\", \"line\": 5, \"action\": {\"type\": \"get\", "
    "\"field\": \"g\"}, \"expected\": []},\n"
    " {\"type\": \"assert_bogus\", \"line\": 6},\n"
    " {\"type\": \"assert_invalid\", \"line\": 7, \"filename\": \"t.2.wasm\", "
    "\"module_type\": \"binary\"},\n"
    " {\"type\": \"assert_return\", \"line\": 8, \"action\": {\"type\": "
    "\"invoke\", \"field\": \"f\", \"args\": [{\"type\": \"i32\", "
    "\"value\": \"x\"}]}, \"expected\": []},\n"
    " 17\n"
    "]}";

static void test_script_parsing(void) {
  spec_script s;
  char err[128];
  json_value *root = parse(script_text);
  CHECK(root != NULL);
  CHECK(spec_script_init(&s, root, err, sizeof err));
  CHECK(s.num_commands == 9);
  if (s.num_commands == 9) {
    spec_command *c = s.commands;
    CHECK(c[0].kind == SPEC_CMD_MODULE && c[0].line == 1 && !c[0].error);
    CHECK_STR(c[0].name->data, "$M");
    CHECK_STR(c[0].filename, "t.0.wasm");
    CHECK(c[1].kind == SPEC_CMD_ASSERT_RETURN && !c[1].error);
    CHECK(c[1].action.kind == SPEC_ACTION_INVOKE);
    CHECK(c[1].action.field->len == 3);
    CHECK(c[1].action.num_args == 1 && c[1].action.args[0].u.i32 == 1);
    CHECK(c[1].num_expected == 1 &&
          c[1].expected[0].nan == SPEC_NAN_ARITHMETIC);
    CHECK(c[2].module_type == SPEC_MODULE_TEXT && !c[2].error);
    CHECK(c[3].kind == SPEC_CMD_REGISTER && c[3].name == NULL && !c[3].error);
    CHECK_STR(c[3].as->data, "spectest");
    CHECK(c[4].action.kind == SPEC_ACTION_GET && !c[4].error);
    CHECK(c[5].kind == SPEC_CMD_UNKNOWN && c[5].error);
    CHECK(c[6].error && strstr(c[6].error, "text")); /* no "text" */
    CHECK(c[7].error && strstr(c[7].error, "bad number"));
    CHECK(c[8].error != NULL); /* not an object */
  }
  spec_script_free(&s);
  root = parse("{\"commands\": 3}");
  CHECK(!spec_script_init(&s, root, err, sizeof err));
  spec_script_free(&s);
}

int main(void) {
  test_json_basics();
  test_json_strings();
  test_json_rejects();
  test_uint_parsing();
  test_value_parsing();
  test_float_matching();
  test_v128_and_ref_matching();
  test_formatting();
  test_script_parsing();
  return spec_check_report("test_spec_values");
}
