/* test_simd.c — compiles tests/compiler/wat/simd_ops.wat at -O0 and -O2,
 * runs it on the fake runtime and checks SIMD lane results where wasm's
 * semantics differ from LLVM's generic operations (NaN lanes, -0,
 * saturation, swizzle/shuffle indices, shift counts), the memory lane
 * forms, and v128 through params, results, locals, globals, block values,
 * select, multi-value calls and a host import.
 * Usage: test_simd SIMD_OPS.wasm */
#define _GNU_SOURCE
#include "fake_runtime.h"
#include "wasmc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures, checks;
static unsigned g_opt;
static fake_instance *g_inst;

#define CHECK(cond)                                                            \
  do {                                                                         \
    checks++;                                                                  \
    if (!(cond)) {                                                             \
      failures++;                                                              \
      fprintf(stderr, "%s:%d: FAIL %s (opt %u)\n", __FILE__, __LINE__, #cond,  \
              g_opt);                                                          \
    }                                                                          \
  } while (0)

/* Lanes of a v128 (x86 is little-endian, so the union is the lane order). */
typedef union v128 {
  uint8_t u8[16];
  int8_t i8[16];
  uint16_t u16[8];
  int16_t i16[8];
  uint32_t u32[4];
  int32_t i32[4];
  uint64_t u64[2];
  int64_t i64[2];
  float f32[4];
  double f64[2];
} v128;

static v128 zero_v;

/* Calls `name` with the given slots (a v128 takes two); the first result
 * comes back in slots[0..]. Fails the check on a trap. */
static void call(const char *name, uint64_t *slots) {
  uint32_t code = fake_call(g_inst, name, slots);
  if (code != WASMRT_TRAP_NONE)
    fprintf(stderr, "%s trapped with %u\n", name, code);
  CHECK(code == WASMRT_TRAP_NONE);
}

static v128 vv(const char *name, v128 a, v128 b) {
  uint64_t s[8] = {a.u64[0], a.u64[1], b.u64[0], b.u64[1]};
  call(name, s);
  return (v128){.u64 = {s[0], s[1]}};
}

static v128 v1(const char *name, v128 a) {
  return vv(name, a, zero_v);
}

static v128 vi(const char *name, v128 a, uint32_t x) {
  uint64_t s[8] = {a.u64[0], a.u64[1], x};
  call(name, s);
  return (v128){.u64 = {s[0], s[1]}};
}

static uint32_t ri(const char *name, v128 a) {
  uint64_t s[8] = {a.u64[0], a.u64[1]};
  call(name, s);
  return (uint32_t)s[0];
}

static v128 fv4(float a, float b, float c, float d) {
  return (v128){.f32 = {a, b, c, d}};
}
static v128 dv2(double a, double b) {
  return (v128){.f64 = {a, b}};
}
static v128 iv4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return (v128){.u32 = {a, b, c, d}};
}

static bool quiet_nan32(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return isnan(f) && (u & 0x00400000u);
}

static float sig_nan32(void) {
  uint32_t u = 0x7FA00000u; /* signalling: quiet bit clear */
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static void test_float_minmax(void) {
  v128 r = vv("f32x4.min", fv4(-0.0f, 0.0f, NAN, 1.0f),
              fv4(0.0f, -0.0f, 1.0f, sig_nan32()));
  CHECK(r.f32[0] == 0 && signbit(r.f32[0]) && signbit(r.f32[1]));
  CHECK(quiet_nan32(r.f32[2]) && quiet_nan32(r.f32[3]));
  r = vv("f32x4.max", fv4(-0.0f, 0.0f, 2.0f, sig_nan32()),
         fv4(0.0f, -0.0f, -3.0f, 5.0f));
  CHECK(!signbit(r.f32[0]) && !signbit(r.f32[1]) && r.f32[2] == 2.0f);
  CHECK(quiet_nan32(r.f32[3]));
  r = vv("f64x2.min", dv2(-0.0, 7.0), dv2(0.0, NAN));
  CHECK(signbit(r.f64[0]) && isnan(r.f64[1]));
  /* pmin(a, b) = b < a ? b : a: NaN in either gives a, -0/+0 gives a. */
  r = vv("f32x4.pmin", fv4(NAN, 1.0f, -0.0f, 3.0f), fv4(1.0f, NAN, 0.0f, 2.0f));
  CHECK(isnan(r.f32[0]) && r.f32[1] == 1.0f && signbit(r.f32[2]) &&
        r.f32[3] == 2.0f);
  r = vv("f64x2.pmax", dv2(0.0, NAN), dv2(-0.0, 4.0));
  CHECK(r.f64[0] == 0 && !signbit(r.f64[0]) && isnan(r.f64[1]));
  r = v1("f32x4.nearest", fv4(2.5f, -3.5f, -0.4f, 1e30f));
  CHECK(r.f32[0] == 2.0f && r.f32[1] == -4.0f && signbit(r.f32[2]) &&
        r.f32[3] == 1e30f);
  r = v1("f64x2.floor", dv2(-1.25, 0.5));
  CHECK(r.f64[0] == -2.0 && r.f64[1] == 0.0);
}

static void test_saturation(void) {
  v128 a = {.i8 = {127, -128, 100, -100, 1}}, b = {.i8 = {1, -1, 100, -100, 1}};
  v128 r = vv("i8x16.add_sat_s", a, b);
  CHECK(r.i8[0] == 127 && r.i8[1] == -128 && r.i8[2] == 127 &&
        r.i8[3] == -128 && r.i8[4] == 2);
  r = vv("i16x8.sub_sat_u", (v128){.u16 = {5, 0xFFFF}}, (v128){.u16 = {6, 1}});
  CHECK(r.u16[0] == 0 && r.u16[1] == 0xFFFE);
  r = vv("i16x8.q15mulr_sat_s", (v128){.i16 = {-32768, 16384, -32768, 3}},
         (v128){.i16 = {-32768, 16384, 32767, 0x4000}});
  CHECK(r.i16[0] == 32767 && r.i16[1] == 8192 && r.i16[2] == -32767 &&
        r.i16[3] == 2); /* (3*0x4000 + 0x4000) >> 15 = 2 (rounded) */
  r = vv("i8x16.narrow_i16x8_s", (v128){.i16 = {300, -300, 127, -128}},
         (v128){.i16 = {5}});
  CHECK(r.i8[0] == 127 && r.i8[1] == -128 && r.i8[2] == 127 &&
        r.i8[3] == -128 && r.i8[8] == 5);
  r = vv("i16x8.narrow_i32x4_u", iv4((uint32_t)-5, 70000, 65535, 1),
         iv4(2, 0, 0, 0x80000000u));
  CHECK(r.u16[0] == 0 && r.u16[1] == 65535 && r.u16[2] == 65535 &&
        r.u16[3] == 1 && r.u16[4] == 2 && r.u16[7] == 0);
}

static void test_widening(void) {
  v128 r = vv("i32x4.dot_i16x8_s", (v128){.i16 = {-32768, -32768, 2, 3}},
              (v128){.i16 = {-32768, -32768, 4, 5}});
  CHECK(r.u32[0] == 0x80000000u && r.i32[1] == 23);
  r = vv("i64x2.extmul_high_i32x4_u", iv4(0, 0, 0xFFFFFFFFu, 2),
         iv4(0, 0, 0xFFFFFFFFu, 3));
  CHECK(r.u64[0] == 0xFFFFFFFE00000001ull && r.u64[1] == 6);
  r = v1("i32x4.extadd_pairwise_i16x8_s",
         (v128){.i16 = {-32768, -32768, 32767, 32767, 1, -2}});
  CHECK(r.i32[0] == -65536 && r.i32[1] == 65534 && r.i32[2] == -1);
  r = v1("i8x16.popcnt", (v128){.u8 = {0xFF, 0x80, 0, 0x55}});
  CHECK(r.u8[0] == 8 && r.u8[1] == 1 && r.u8[2] == 0 && r.u8[3] == 4);
  r = v1("i8x16.abs", (v128){.i8 = {-128, -1, 5}});
  CHECK(r.i8[0] == -128 && r.i8[1] == 1 && r.i8[2] == 5);
  r = vv("i8x16.avgr_u", (v128){.u8 = {255, 0, 1}}, (v128){.u8 = {255, 1, 2}});
  CHECK(r.u8[0] == 255 && r.u8[1] == 1 && r.u8[2] == 2);
}

static void test_permutes(void) {
  v128 a, idx = {.u8 = {0, 15, 16, 255, 128, 3, 17, 31, 1}};
  for (int i = 0; i < 16; i++)
    a.u8[i] = (uint8_t)(0xA0 + i);
  v128 r = vv("i8x16.swizzle", a, idx);
  CHECK(r.u8[0] == 0xA0 && r.u8[1] == 0xAF && r.u8[2] == 0 && r.u8[3] == 0);
  CHECK(r.u8[4] == 0 && r.u8[5] == 0xA3 && r.u8[6] == 0 && r.u8[7] == 0);
  CHECK(r.u8[8] == 0xA1 && r.u8[9] == 0xA0);
  v128 b;
  for (int i = 0; i < 16; i++)
    b.u8[i] = (uint8_t)(0xB0 + i);
  r = vv("shuffle", a, b);
  CHECK(r.u8[0] == 0xBF && r.u8[1] == 0xA0 && r.u8[2] == 0xBE &&
        r.u8[8] == 0xB0 && r.u8[12] == 0xA4 && r.u8[15] == 0xA4);
}

static void test_conversions(void) {
  v128 r = v1("i32x4.trunc_sat_f32x4_s", fv4(NAN, 3e9f, -3e9f, -1.9f));
  CHECK(r.i32[0] == 0 && r.i32[1] == INT32_MAX && r.i32[2] == INT32_MIN &&
        r.i32[3] == -1);
  r = v1("i32x4.trunc_sat_f32x4_u", fv4(NAN, 5e9f, -1.0f, 3000000000.0f));
  CHECK(r.u32[0] == 0 && r.u32[1] == UINT32_MAX && r.u32[2] == 0 &&
        r.u32[3] == 3000000000u);
  r = v1("i32x4.trunc_sat_f32x4_u", fv4(2147483648.0f, 1.5f, 0, 0));
  CHECK(r.u32[0] == 2147483648u && r.u32[1] == 1);
  r = v1("i32x4.trunc_sat_f64x2_u_zero", dv2(4294967295.9, -0.5));
  CHECK(r.u32[0] == UINT32_MAX && r.u32[1] == 0 && r.u64[1] == 0);
  r = v1("i32x4.trunc_sat_f64x2_s_zero", dv2(NAN, -1e100));
  CHECK(r.i32[0] == 0 && r.i32[1] == INT32_MIN && r.u64[1] == 0);
  r = v1("f64x2.convert_low_i32x4_u", iv4(0xFFFFFFFFu, 7, 9, 9));
  CHECK(r.f64[0] == 4294967295.0 && r.f64[1] == 7.0);
  r = v1("f32x4.convert_i32x4_u", iv4(0xFFFFFFFFu, 0x80000001u, 1, 0));
  CHECK(r.f32[0] == 4294967296.0f && r.f32[1] == 2147483648.0f &&
        r.f32[2] == 1.0f);
  r = v1("f32x4.demote_f64x2_zero", dv2(1e300, 0.1));
  CHECK(isinf(r.f32[0]) && r.f32[1] == 0.1f && r.u64[1] == 0);
}

static void test_masks_shifts_compares(void) {
  v128 a = {.i8 = {-1, 0, -128, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2}};
  CHECK(ri("i8x16.bitmask", a) == 0x8005u);
  CHECK(ri("i64x2.bitmask", (v128){.i64 = {1, -1}}) == 2);
  CHECK(ri("i16x8.all_true", (v128){.i16 = {1, 1, 1, 1, 1, 1, 1, 1}}) == 1);
  CHECK(ri("i16x8.all_true", (v128){.i16 = {1, 1, 1, 1, 1, 1, 1, 0}}) == 0);
  CHECK(ri("v128.any_true", zero_v) == 0);
  CHECK(ri("v128.any_true", (v128){.u8 = {[15] = 1}}) == 1);
  v128 r = vi("i8x16.shr_s", (v128){.i8 = {-128, 64}}, 9); /* 9 mod 8 = 1 */
  CHECK(r.i8[0] == -64 && r.i8[1] == 32);
  r = vi("i64x2.shl", (v128){.u64 = {1, 3}}, 65);
  CHECK(r.u64[0] == 2 && r.u64[1] == 6);
  r = vv("f64x2.ne", dv2(NAN, 1.0), dv2(NAN, 1.0));
  CHECK(r.u64[0] == ~0ull && r.u64[1] == 0);
  r = vv("i64x2.lt_s", (v128){.i64 = {-1, 5}}, (v128){.i64 = {0, 5}});
  CHECK(r.u64[0] == ~0ull && r.u64[1] == 0);
  uint64_t s[8] = {0x1111, 0x2222, 0xFFFF, 0xEEEE, 0xFF00, 0x0F0F};
  call("v128.bitselect", s);
  CHECK(s[0] == 0x11FF && s[1] == 0xE2E2);
  CHECK((int32_t)ri("extract_s", (v128){.i8 = {[15] = -3}}) == -3);
  uint64_t t[8] = {1, 2, 0};
  double d = -2.5;
  memcpy(&t[2], &d, 8);
  call("replace_f64", t);
  CHECK(t[0] == 1 && memcmp(&t[1], &d, 8) == 0);
}

static void test_memory(void) {
  uint64_t s[8] = {0};
  call("load8x8_s", s); /* bytes 12..19: 0c 0d 0e 0f 80 ff 7f fe */
  v128 r = {.u64 = {s[0], s[1]}};
  CHECK(r.i16[0] == 12 && r.i16[4] == -128 && r.i16[5] == -1 &&
        r.i16[6] == 127 && r.i16[7] == -2);
  s[0] = 16;
  call("load16_splat", s);
  r = (v128){.u64 = {s[0], s[1]}};
  CHECK(r.u16[0] == 0xFF80 && r.u16[7] == 0xFF80);
  s[0] = 4;
  call("load32_zero", s);
  CHECK(s[0] == 0x07060504u && s[1] == 0);
  uint64_t t[8] = {0, 0, 0};
  call("load16_lane", t); /* lane 5 <- bytes 1, 2 */
  r = (v128){.u64 = {t[0], t[1]}};
  CHECK(r.u16[5] == 0x0201 && r.u16[4] == 0 && r.u64[0] == 0);
  uint64_t u[8] = {100, 0x1111, 0x8877665544332211ull};
  call("store64_lane", u);
  CHECK(memcmp(fake_memory(g_inst) + 100, "\x11\x22\x33\x44\x55\x66\x77\x88",
               8) == 0);
  uint64_t w[8] = {200, 0x0123456789ABCDEFull, 0xFEDCBA9876543210ull};
  call("store_load", w);
  CHECK(w[0] == 0x0123456789ABCDEFull && w[1] == 0xFEDCBA9876543210ull);
  uint64_t oob[8] = {65535, 1, 2};
  CHECK(fake_call(g_inst, "store_load", oob) == WASMRT_TRAP_MEMORY_OOB);
}

static void test_abi(void) {
  /* multi(a, b, c) = (c ? b : b + a) through a block, c, select(a, b, c) */
  uint64_t s[8] = {1, 2, 10, 20, 0};
  call("multi", s);
  CHECK(s[0] == 11 && s[1] == 22 && (uint32_t)s[2] == 0 && s[3] == 10 &&
        s[4] == 20);
  uint64_t t[8] = {1, 2, 10, 20, 1};
  call("multi", t);
  CHECK(t[0] == 10 && t[1] == 20 && (uint32_t)t[2] == 1 && t[3] == 1 &&
        t[4] == 2);
  v128 g = v1("global_add", iv4(10, 10, 10, 10));
  CHECK(g.u32[0] == 11 && g.u32[3] == 14);
  g = v1("global_add", iv4(1, 0, 0, 0));
  CHECK(g.u32[0] == 12 && g.u32[3] == 14);
  v128 h = v1("call_host", iv4(5, 6, 7, 8));
  CHECK(h.u64[0] == iv4(5, 6, 7, 8).u64[0] + 3 && h.u32[3] == 8);
}

/* host_v128(v, i) = v with i added to its low 64-bit lane. */
static int host_v128(uint64_t *s) {
  s[0] += (uint32_t)s[2];
  return 0;
}

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  uint8_t *b = n > 0 ? malloc((size_t)n) : NULL;
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return b;
}

static void run(const uint8_t *wasm, size_t len, unsigned opt) {
  g_opt = opt;
  wasmc_options o;
  wasmc_options_init(&o);
  o.opt_level = opt;
  uint8_t *so = NULL;
  size_t so_len = 0;
  wasm_error err;
  bool compiled = wasmc_compile(wasm, len, &o, &so, &so_len, &err);
  if (!compiled)
    fprintf(stderr, "compile failed @%u: %s\n", err.offset, err.message);
  CHECK(compiled);
  if (!compiled)
    return;
  char path[] = "/tmp/test_simd_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0 && write(fd, so, so_len) == (ssize_t)so_len);
  close(fd);
  fake_host_fn hosts[1] = {host_v128};
  char msg[256];
  g_inst = fake_instantiate(path, wasm, len, hosts, msg, sizeof msg);
  if (!g_inst)
    fprintf(stderr, "instantiate: %s\n", msg);
  CHECK(g_inst != NULL);
  if (g_inst) {
    test_float_minmax();
    test_saturation();
    test_widening();
    test_permutes();
    test_conversions();
    test_masks_shifts_compares();
    test_memory();
    test_abi();
    fake_free(g_inst);
  }
  unlink(path);
  free(so);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_simd SIMD_OPS.wasm\n");
    return 2;
  }
  size_t len = 0;
  uint8_t *wasm = read_all(argv[1], &len);
  if (!wasm) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  run(wasm, len, 0);
  run(wasm, len, 2);
  free(wasm);
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
