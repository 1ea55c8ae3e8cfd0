/* spec_values.c — parsing, matching and printing spec-suite values. */
#include "spec_values.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const valtype_names[] = {
    [SPEC_I32] = "i32",
    [SPEC_I64] = "i64",
    [SPEC_F32] = "f32",
    [SPEC_F64] = "f64",
    [SPEC_V128] = "v128",
    [SPEC_FUNCREF] = "funcref",
    [SPEC_EXTERNREF] = "externref",
};

static const char *const lanetype_names[] = {
    [SPEC_LANE_I8] = "i8",   [SPEC_LANE_I16] = "i16", [SPEC_LANE_I32] = "i32",
    [SPEC_LANE_I64] = "i64", [SPEC_LANE_F32] = "f32", [SPEC_LANE_F64] = "f64",
};

static const unsigned lane_bits[] = {
    [SPEC_LANE_I8] = 8,   [SPEC_LANE_I16] = 16, [SPEC_LANE_I32] = 32,
    [SPEC_LANE_I64] = 64, [SPEC_LANE_F32] = 32, [SPEC_LANE_F64] = 64,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *spec_valtype_str(spec_valtype t) {
  return (unsigned)t < COUNT(valtype_names) ? valtype_names[t] : "?";
}

bool spec_valtype_from_str(const char *s, spec_valtype *out) {
  for (size_t i = 0; i < COUNT(valtype_names); i++) {
    if (strcmp(s, valtype_names[i]) == 0) {
      *out = (spec_valtype)i;
      return true;
    }
  }
  return false;
}

static bool lanetype_from_str(const char *s, spec_lanetype *out) {
  for (size_t i = 0; i < COUNT(lanetype_names); i++) {
    if (strcmp(s, lanetype_names[i]) == 0) {
      *out = (spec_lanetype)i;
      return true;
    }
  }
  return false;
}

unsigned spec_lanetype_count(spec_lanetype t) {
  return 128 / lane_bits[t];
}

static bool is_float_lane(spec_lanetype t) {
  return t == SPEC_LANE_F32 || t == SPEC_LANE_F64;
}

bool spec_parse_uint(const char *s, unsigned bits, uint64_t *out) {
  bool neg = *s == '-';
  uint64_t max = bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  uint64_t v = 0;
  s += neg;
  if (!*s)
    return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return false;
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10)
      return false;
    v = v * 10 + d;
  }
  if (neg) {
    /* -x must fit the signed range: x <= 2^(bits-1) */
    if (v > max / 2 + 1)
      return false;
    v = (0 - v) & max;
  } else if (v > max) {
    return false;
  }
  *out = v;
  return true;
}

static spec_nan nan_pattern(const char *s) {
  if (strcmp(s, "nan:canonical") == 0)
    return SPEC_NAN_CANONICAL;
  if (strcmp(s, "nan:arithmetic") == 0)
    return SPEC_NAN_ARITHMETIC;
  return SPEC_NAN_NONE;
}

static void set_lane(uint8_t v128[16], unsigned bytes, unsigned i, uint64_t v) {
  for (unsigned b = 0; b < bytes; b++)
    v128[i * bytes + b] = (uint8_t)(v >> (8 * b));
}

static uint64_t get_lane(const uint8_t v128[16], unsigned bytes, unsigned i) {
  uint64_t v = 0;
  for (unsigned b = 0; b < bytes; b++)
    v |= (uint64_t)v128[i * bytes + b] << (8 * b);
  return v;
}

static bool fmt_err(char *err, size_t errlen, const char *what,
                    const char *detail) {
  snprintf(err, errlen, "%s: \"%s\"", what, detail);
  return false;
}

static bool parse_v128(const json_value *obj, spec_value *out, char *err,
                       size_t errlen) {
  const json_string *lt = json_object_get_string(obj, "lane_type");
  const json_value *lanes = json_object_get_array(obj, "value");
  if (!lt || !lanetype_from_str(lt->data, &out->lane_type))
    return fmt_err(err, errlen, "bad v128 lane_type", lt ? lt->data : "");
  unsigned n = spec_lanetype_count(out->lane_type);
  unsigned bits = lane_bits[out->lane_type];
  if (json_array_count(lanes) != n)
    return fmt_err(err, errlen, "wrong v128 lane count for",
                   lanetype_names[out->lane_type]);
  for (unsigned i = 0; i < n; i++) {
    const json_value *lane = json_array_at(lanes, i);
    if (lane->kind != JSON_STRING)
      return fmt_err(err, errlen, "v128 lane is not a string", "");
    const char *s = lane->u.string.data;
    spec_nan nan = nan_pattern(s);
    uint64_t v = 0;
    if (nan != SPEC_NAN_NONE && is_float_lane(out->lane_type))
      out->lane_nan[i] = nan;
    else if (!spec_parse_uint(s, bits, &v))
      return fmt_err(err, errlen, "bad v128 lane", s);
    set_lane(out->u.v128, bits / 8, i, v);
  }
  return true;
}

static bool parse_ref(const char *s, spec_value *out, char *err,
                      size_t errlen) {
  if (strcmp(s, "null") == 0) {
    out->u.ref.kind = SPEC_REF_NULL;
    return true;
  }
  if (out->type == SPEC_FUNCREF) /* wast2json never writes a funcref id */
    return fmt_err(err, errlen, "bad funcref value", s);
  out->u.ref.kind = SPEC_REF_HOST;
  return spec_parse_uint(s, 64, &out->u.ref.host) ||
         fmt_err(err, errlen, "bad externref value", s);
}

static bool parse_scalar(const char *s, spec_value *out, char *err,
                         size_t errlen) {
  uint64_t v;
  bool is_float = out->type == SPEC_F32 || out->type == SPEC_F64;
  if (is_float && (out->nan = nan_pattern(s)) != SPEC_NAN_NONE)
    return true;
  unsigned bits = out->type == SPEC_I32 || out->type == SPEC_F32 ? 32 : 64;
  if (!spec_parse_uint(s, bits, &v))
    return fmt_err(err, errlen, "bad number", s);
  if (bits == 32)
    out->u.i32 = (uint32_t)v;
  else
    out->u.i64 = v;
  return true;
}

bool spec_value_parse(const json_value *obj, spec_value *out, char *err,
                      size_t errlen) {
  memset(out, 0, sizeof *out);
  const json_string *type = json_object_get_string(obj, "type");
  if (!type || !spec_valtype_from_str(type->data, &out->type))
    return fmt_err(err, errlen, "bad value type", type ? type->data : "");
  const json_value *value = json_object_get(obj, "value");
  if (!value) /* a type-only expectation */
    return true;
  out->has_value = true;
  if (out->type == SPEC_V128)
    return parse_v128(obj, out, err, errlen);
  if (value->kind != JSON_STRING)
    return fmt_err(err, errlen, "value is not a string for", type->data);
  if (out->type == SPEC_FUNCREF || out->type == SPEC_EXTERNREF)
    return parse_ref(value->u.string.data, out, err, errlen);
  return parse_scalar(value->u.string.data, out, err, errlen);
}

static bool float_matches(spec_nan nan, uint64_t expected, uint64_t actual,
                          unsigned bits) {
  uint64_t sign = UINT64_C(1) << (bits - 1);
  uint64_t quiet =
      bits == 32 ? UINT64_C(0x7fc00000) : UINT64_C(0x7ff8000000000000);
  switch (nan) {
  case SPEC_NAN_CANONICAL:
    return (actual & ~sign) == quiet;
  case SPEC_NAN_ARITHMETIC:
    return (actual & quiet) == quiet;
  case SPEC_NAN_NONE:
    break;
  }
  return expected == actual;
}

static bool v128_matches(const spec_value *e, const spec_value *a) {
  unsigned n = spec_lanetype_count(e->lane_type);
  unsigned bits = lane_bits[e->lane_type];
  for (unsigned i = 0; i < n; i++) {
    uint64_t ev = get_lane(e->u.v128, bits / 8, i);
    uint64_t av = get_lane(a->u.v128, bits / 8, i);
    spec_nan nan = is_float_lane(e->lane_type) ? e->lane_nan[i] : SPEC_NAN_NONE;
    if (!float_matches(nan, ev, av, bits))
      return false;
  }
  return true;
}

static bool ref_matches(const spec_value *e, const spec_value *a) {
  if (e->u.ref.kind != a->u.ref.kind)
    return false;
  return e->u.ref.kind != SPEC_REF_HOST || e->u.ref.host == a->u.ref.host;
}

bool spec_value_matches(const spec_value *expected, const spec_value *actual) {
  if (expected->type != actual->type)
    return false;
  if (!expected->has_value)
    return true;
  switch (expected->type) {
  case SPEC_I32:
    return expected->u.i32 == actual->u.i32;
  case SPEC_I64:
    return expected->u.i64 == actual->u.i64;
  case SPEC_F32:
    return float_matches(expected->nan, expected->u.i32, actual->u.i32, 32);
  case SPEC_F64:
    return float_matches(expected->nan, expected->u.i64, actual->u.i64, 64);
  case SPEC_V128:
    return v128_matches(expected, actual);
  case SPEC_FUNCREF:
  case SPEC_EXTERNREF:
    return ref_matches(expected, actual);
  }
  return false;
}

static const char *nan_str(spec_nan nan) {
  return nan == SPEC_NAN_CANONICAL ? "nan:canonical" : "nan:arithmetic";
}

/* Appends with snprintf semantics, never overflowing; *used saturates. */
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *used, const char *fmt, ...) {
  if (*used >= size)
    return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf + *used, size - *used, fmt, ap);
  va_end(ap);
  if (n > 0)
    *used += (size_t)n;
}

static void format_v128(const spec_value *v, char *buf, size_t size,
                        size_t *used) {
  unsigned n = spec_lanetype_count(v->lane_type);
  unsigned bits = lane_bits[v->lane_type];
  append(buf, size, used, "%sx%u[", lanetype_names[v->lane_type], n);
  for (unsigned i = 0; i < n; i++) {
    const char *sep = i ? " " : "";
    if (is_float_lane(v->lane_type) && v->lane_nan[i] != SPEC_NAN_NONE)
      append(buf, size, used, "%s%s", sep, nan_str(v->lane_nan[i]));
    else
      append(buf, size, used, "%s0x%" PRIx64, sep,
             get_lane(v->u.v128, bits / 8, i));
  }
  append(buf, size, used, "]");
}

static void format_ref(const spec_value *v, char *buf, size_t size,
                       size_t *used) {
  if (v->u.ref.kind == SPEC_REF_NULL)
    append(buf, size, used, "null");
  else if (v->u.ref.kind == SPEC_REF_FUNC)
    append(buf, size, used, "<func>");
  else
    append(buf, size, used, "%" PRIu64, v->u.ref.host);
}

void spec_value_format(const spec_value *v, char *buf, size_t size) {
  size_t used = 0;
  if (size == 0)
    return;
  buf[0] = '\0';
  append(buf, size, &used, "%s:", spec_valtype_str(v->type));
  if (!v->has_value) {
    append(buf, size, &used, "*");
    return;
  }
  bool is_float = v->type == SPEC_F32 || v->type == SPEC_F64;
  if (is_float && v->nan != SPEC_NAN_NONE) {
    append(buf, size, &used, "%s", nan_str(v->nan));
    return;
  }
  switch (v->type) {
  case SPEC_I32:
  case SPEC_F32:
    append(buf, size, &used, "0x%08" PRIx32, v->u.i32);
    break;
  case SPEC_I64:
  case SPEC_F64:
    append(buf, size, &used, "0x%016" PRIx64, v->u.i64);
    break;
  case SPEC_V128:
    format_v128(v, buf, size, &used);
    break;
  case SPEC_FUNCREF:
  case SPEC_EXTERNREF:
    format_ref(v, buf, size, &used);
    break;
  }
}
