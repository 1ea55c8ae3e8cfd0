/* spec_values.h — values of the spec suite's JSON commands: arguments,
 * expected results (with NaN patterns and per-lane v128 expectations), and
 * results produced by an engine; parsing, matching and printing. */
#ifndef SPEC_VALUES_H
#define SPEC_VALUES_H

#include "json.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum spec_valtype {
  SPEC_I32,
  SPEC_I64,
  SPEC_F32,
  SPEC_F64,
  SPEC_V128,
  SPEC_FUNCREF,
  SPEC_EXTERNREF,
} spec_valtype;

/* How a v128 constant is written: its lane shape. */
typedef enum spec_lanetype {
  SPEC_LANE_I8,
  SPEC_LANE_I16,
  SPEC_LANE_I32,
  SPEC_LANE_I64,
  SPEC_LANE_F32,
  SPEC_LANE_F64,
} spec_lanetype;

/* An expected float (scalar or lane) is either exact bits or a pattern. */
typedef enum spec_nan {
  SPEC_NAN_NONE,
  SPEC_NAN_CANONICAL,  /* sign ignored, payload exactly the quiet bit */
  SPEC_NAN_ARITHMETIC, /* sign ignored, quiet bit set, any payload */
} spec_nan;

/* What a reference is. Engines report host references (externref N) by
 * their number and non-null function references as SPEC_REF_FUNC. */
typedef enum spec_refkind {
  SPEC_REF_NULL,
  SPEC_REF_HOST, /* externref with a host number */
  SPEC_REF_FUNC, /* some non-null funcref (expected: any non-null one) */
} spec_refkind;

typedef struct spec_value {
  spec_valtype type;
  /* false for type-only expectations (assert_trap's "expected": [{type}]) */
  bool has_value;
  spec_lanetype lane_type; /* v128 only */
  spec_nan nan;            /* f32/f64 only */
  spec_nan lane_nan[4];    /* v128 with f32/f64 lanes only */
  union {
    uint32_t i32; /* also f32 bits */
    uint64_t i64; /* also f64 bits */
    uint8_t v128[16];
    struct {
      spec_refkind kind;
      uint64_t host;
    } ref;
  } u;
} spec_value;

/* Parses one {"type": ..., "value": ...} object. On failure writes a reason
 * into err and returns false. */
bool spec_value_parse(const json_value *obj, spec_value *out, char *err,
                      size_t errlen);

/* Whether `actual` (a concrete value from an engine) satisfies `expected`
 * (which may hold NaN patterns, lane patterns, or only a type). */
bool spec_value_matches(const spec_value *expected, const spec_value *actual);

/* Human-readable form, e.g. "i32:42", "f32:nan:canonical",
 * "v128:i16x8[1 2 3 4 5 6 7 8]", "externref:null". Always NUL-terminated. */
void spec_value_format(const spec_value *v, char *buf, size_t size);

const char *spec_valtype_str(spec_valtype t);
bool spec_valtype_from_str(const char *s, spec_valtype *out);
unsigned spec_lanetype_count(spec_lanetype t); /* 16, 8, 4, 2, 4, 2 */

/* Parses an unsigned or '-'-prefixed decimal that fits in `bits` bits, two's
 * complement for negatives (wast2json writes unsigned decimals). */
bool spec_parse_uint(const char *s, unsigned bits, uint64_t *out);

#endif /* SPEC_VALUES_H */
