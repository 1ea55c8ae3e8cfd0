/* Human-readable descriptions of types and constant expressions, shared by
 * the text and JSON outputs of `wasmc inspect`. */
#include "cli.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void describe_valtypes(FILE *out, const wasm_valtype *ts, uint32_t n) {
  fputc('(', out);
  for (uint32_t i = 0; i < n; i++)
    fprintf(out, "%s%s", i ? ", " : "", wasm_valtype_str(ts[i]));
  fputc(')', out);
}

/* `(i32, i64) -> f32`; no results is `()`, several are parenthesized. */
void wasmc_describe_functype(FILE *out, const wasm_functype *ft) {
  describe_valtypes(out, ft->params, ft->nparams);
  fputs(" -> ", out);
  if (ft->nresults == 1)
    fputs(wasm_valtype_str(ft->results[0]), out);
  else
    describe_valtypes(out, ft->results, ft->nresults);
}

void wasmc_describe_limits(FILE *out, const wasm_limits *l) {
  if (l->has_max)
    fprintf(out, "min %" PRIu32 " max %" PRIu32, l->min, l->max);
  else
    fprintf(out, "min %" PRIu32 " no max", l->min);
}

static void describe_float(FILE *out, double v, uint64_t payload, int digits) {
  if (isnan(v))
    fprintf(out, "%snan:0x%" PRIx64, signbit(v) ? "-" : "", payload);
  else if (isinf(v))
    fputs(v < 0 ? "-inf" : "inf", out);
  else
    fprintf(out, "%.*g", digits, v);
}

static void describe_f32(FILE *out, uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  describe_float(out, f, bits & 0x7FFFFFu, 9);
}

static void describe_f64(FILE *out, uint64_t bits) {
  double d;
  memcpy(&d, &bits, sizeof d);
  describe_float(out, d, bits & 0xFFFFFFFFFFFFFull, 17);
}

static void describe_v128(FILE *out, const uint8_t *b) {
  fputs("i32x4", out);
  for (int lane = 0; lane < 4; lane++) {
    uint32_t v = (uint32_t)b[4 * lane] | (uint32_t)b[4 * lane + 1] << 8 |
                 (uint32_t)b[4 * lane + 2] << 16 |
                 (uint32_t)b[4 * lane + 3] << 24;
    fprintf(out, " 0x%08" PRIx32, v);
  }
}

void wasmc_describe_constexpr(FILE *out, const wasm_constexpr *c) {
  switch (c->op) {
  case WASM_CONST_I32:
    fprintf(out, "i32.const %" PRId32, c->u.i32);
    break;
  case WASM_CONST_I64:
    fprintf(out, "i64.const %" PRId64, c->u.i64);
    break;
  case WASM_CONST_F32:
    fputs("f32.const ", out);
    describe_f32(out, c->u.f32_bits);
    break;
  case WASM_CONST_F64:
    fputs("f64.const ", out);
    describe_f64(out, c->u.f64_bits);
    break;
  case WASM_CONST_V128:
    fputs("v128.const ", out);
    describe_v128(out, c->u.v128);
    break;
  case WASM_CONST_GLOBAL_GET:
    fprintf(out, "global.get %" PRIu32, c->u.global_index);
    break;
  case WASM_CONST_REF_NULL:
    fprintf(out, "ref.null %s",
            c->u.ref_type == WASM_EXTERNREF ? "extern" : "func");
    break;
  case WASM_CONST_REF_FUNC:
    fprintf(out, "ref.func %" PRIu32, c->u.func_index);
    break;
  default:
    fputs("?", out);
  }
}

/* Runs a describe function into a fresh string via open_memstream. */
#define DESCRIBE_TO_STRING(call)                                               \
  do {                                                                         \
    char *buf = NULL;                                                          \
    size_t len = 0;                                                            \
    FILE *out = open_memstream(&buf, &len);                                    \
    if (!out)                                                                  \
      return NULL;                                                             \
    call;                                                                      \
    if (fclose(out) != 0) {                                                    \
      free(buf);                                                               \
      return NULL;                                                             \
    }                                                                          \
    return buf;                                                                \
  } while (0)

char *wasmc_functype_string(const wasm_functype *ft) {
  DESCRIBE_TO_STRING(wasmc_describe_functype(out, ft));
}

char *wasmc_constexpr_string(const wasm_constexpr *c) {
  DESCRIBE_TO_STRING(wasmc_describe_constexpr(out, c));
}
