/* test_codegen.c — compiles tests/compiler/wat/basic.wat (converted by
 * wat2wasm at build time) at -O0 and -O2, loads the artifact with the fake
 * runtime and checks results and traps of every instruction family; also
 * that the artifact has no undefined symbols and carries `.wasmc`.
 * Usage: test_codegen BASIC.wasm */
#define _GNU_SOURCE
#include "fake_runtime.h"
#include "wasmc.h"
#include "wasmrt_artifact_format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures, checks;

#define CHECK(cond)                                                            \
  do {                                                                         \
    checks++;                                                                  \
    if (!(cond)) {                                                             \
      failures++;                                                              \
      fprintf(stderr, "%s:%d: FAIL %s (opt %u)\n", __FILE__, __LINE__, #cond,  \
              g_opt);                                                          \
    }                                                                          \
  } while (0)

static unsigned g_opt;
static fake_instance *g_inst;

static uint64_t f32b(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static uint64_t f64b(double d) {
  uint64_t u;
  memcpy(&u, &d, 8);
  return u;
}
static float bf32(uint64_t s) {
  uint32_t u = (uint32_t)s;
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static double bf64(uint64_t s) {
  double d;
  memcpy(&d, &s, 8);
  return d;
}

/* Calls `name` with up to three slot arguments; returns the trap code and
 * leaves the first result in *r. */
static uint32_t call3(const char *name, uint64_t a, uint64_t b, uint64_t c,
                      uint64_t *r) {
  uint64_t slots[4] = {a, b, c, 0};
  uint32_t code = fake_call(g_inst, name, slots);
  if (r)
    *r = slots[0];
  return code;
}

static uint64_t ok(const char *name, uint64_t a, uint64_t b) {
  uint64_t r = 0;
  uint32_t code = call3(name, a, b, 0, &r);
  if (code != WASMRT_TRAP_NONE)
    fprintf(stderr, "%s trapped with %u\n", name, code);
  CHECK(code == WASMRT_TRAP_NONE);
  return r;
}

static uint32_t trap(const char *name, uint64_t a, uint64_t b) {
  return call3(name, a, b, 0, NULL);
}

static void test_integers(void) {
  CHECK((int32_t)ok("i32.div_s", (uint32_t)-7, 2) == -3);
  CHECK(trap("i32.div_s", 1, 0) == WASMRT_TRAP_INT_DIV_ZERO);
  CHECK(trap("i32.div_s", 0x80000000u, 0xFFFFFFFFu) ==
        WASMRT_TRAP_INT_OVERFLOW);
  CHECK((uint32_t)ok("i32.div_u", 0xFFFFFFFFu, 2) == 0x7FFFFFFFu);
  CHECK(trap("i32.div_u", 1, 0) == WASMRT_TRAP_INT_DIV_ZERO);
  CHECK((uint32_t)ok("i32.rem_s", 0x80000000u, 0xFFFFFFFFu) == 0);
  CHECK((int32_t)ok("i32.rem_s", (uint32_t)-7, 2) == -1);
  CHECK(trap("i32.rem_s", 1, 0) == WASMRT_TRAP_INT_DIV_ZERO);
  CHECK(trap("i64.div_s", 1ull << 63, ~0ull) == WASMRT_TRAP_INT_OVERFLOW);
  CHECK(ok("i64.rem_s", 1ull << 63, ~0ull) == 0);
  CHECK(trap("i64.rem_u", 5, 0) == WASMRT_TRAP_INT_DIV_ZERO);
  CHECK((uint32_t)ok("i32.shl", 1, 33) == 2);
  CHECK((uint32_t)ok("i32.shr_s", 0x80000000u, 31 + 32) == 0xFFFFFFFFu);
  CHECK(ok("i64.shr_u", 1ull << 63, 64 + 63) == 1);
  CHECK((uint32_t)ok("i32.rotl", 0x80000001u, 33) == 3);
  CHECK(ok("i64.rotr", 1, 65) == 1ull << 63);
  CHECK((uint32_t)ok("i32.clz", 0, 0) == 32);
  CHECK((uint32_t)ok("i32.ctz", 0, 0) == 32);
  CHECK((uint32_t)ok("i32.ctz", 8, 0) == 3);
  CHECK(ok("i64.popcnt", ~0ull, 0) == 64);
  CHECK(ok("i64.extend8_s", 0x80, 0) == 0xFFFFFFFFFFFFFF80ull);
  CHECK(ok("i64.extend_i32_u", 0xFFFFFFFFu, 0) == 0xFFFFFFFFull);
  CHECK((uint32_t)ok("i32.lt_s", (uint32_t)-1, 0) == 1);
  CHECK((uint32_t)ok("i64.ge_u", ~0ull, 1) == 1);
}

static void test_floats(void) {
  CHECK(signbit(bf32(ok("f32.min", f32b(-0.0f), f32b(0.0f)))));
  CHECK(signbit(bf32(ok("f32.min", f32b(0.0f), f32b(-0.0f)))));
  CHECK(isnan(bf64(ok("f64.max", f64b(NAN), f64b(1.0)))));
  CHECK(bf64(ok("f64.nearest", f64b(2.5), 0)) == 2.0);
  CHECK(bf64(ok("f64.nearest", f64b(-3.5), 0)) == -4.0);
  CHECK(bf32(ok("f32.ceil", f32b(1.25f), 0)) == 2.0f);
  CHECK(bf64(ok("f64.floor", f64b(-1.25), 0)) == -2.0);
  CHECK(bf32(ok("f32.trunc", f32b(-1.75f), 0)) == -1.0f);
  CHECK(bf64(ok("f64.copysign", f64b(3.0), f64b(-0.0))) == -3.0);
  CHECK(bf32(ok("f32.sqrt", f32b(16.0f), 0)) == 4.0f);
  CHECK((uint32_t)ok("f64.ne", f64b(NAN), f64b(NAN)) == 1);
}

static void test_conversions(void) {
  CHECK(trap("i32.trunc_f32_s", f32b(NAN), 0) ==
        WASMRT_TRAP_INVALID_CONVERSION);
  CHECK(trap("i32.trunc_f32_s", f32b(2147483648.0f), 0) ==
        WASMRT_TRAP_INT_OVERFLOW);
  CHECK((int32_t)ok("i32.trunc_f32_s", f32b(-2147483648.0f), 0) == INT32_MIN);
  CHECK((int32_t)ok("i32.trunc_f64_s", f64b(-2147483648.9), 0) == INT32_MIN);
  CHECK(trap("i32.trunc_f64_s", f64b(-2147483649.0), 0) ==
        WASMRT_TRAP_INT_OVERFLOW);
  CHECK((uint32_t)ok("i32.trunc_f64_u", f64b(-0.9), 0) == 0);
  CHECK(trap("i32.trunc_f64_u", f64b(-1.0), 0) == WASMRT_TRAP_INT_OVERFLOW);
  CHECK((uint32_t)ok("i32.trunc_f64_u", f64b(4294967295.5), 0) == 0xFFFFFFFFu);
  CHECK(ok("i64.trunc_f64_u", f64b(18446744073709549568.0), 0) ==
        18446744073709549568ull);
  CHECK(trap("i64.trunc_f64_u", f64b(18446744073709551616.0), 0) ==
        WASMRT_TRAP_INT_OVERFLOW);
  CHECK((uint32_t)ok("i32.trunc_sat_f32_s", f32b(NAN), 0) == 0);
  CHECK((int32_t)ok("i32.trunc_sat_f32_s", f32b(-1e20f), 0) == INT32_MIN);
  CHECK(ok("i64.trunc_sat_f64_u", f64b(1e30), 0) == ~0ull);
  CHECK(bf32(ok("f32.convert_i64_u", ~0ull, 0)) == 18446744073709551616.0f);
  CHECK(ok("f64.reinterpret_i64", 0x7FF8000000000001ull, 0) ==
        0x7FF8000000000001ull);
  CHECK(bf32(ok("f32.demote_f64", f64b(0.1), 0)) == 0.1f);
}

static void test_control(void) {
  uint64_t s[4] = {5, 0, 0, 0};
  CHECK(fake_call(g_inst, "multi", s) == WASMRT_TRAP_NONE);
  CHECK((uint32_t)s[0] == 5 && (int64_t)s[1] == -10 && bf64(s[2]) == 1.5);
  CHECK((uint32_t)ok("call_multi", 0, 0) == 3);
  CHECK((uint32_t)ok("block_params", 10, 3) == 107);        /* (10-3)+100 */
  CHECK((uint32_t)ok("block_params", 0, 3) == 0xFFFFFED4u); /* -3*100 */
  static const uint32_t want[] = {10, 11, 12, 11, 99, 99};
  for (uint32_t i = 0; i < 6; i++)
    CHECK((uint32_t)ok("br_table", i == 5 ? 1000 : i, 0) == want[i]);
  CHECK(ok("sum_to", 100000, 0) == 5000050000ull);
  CHECK((uint32_t)ok("fib", 20, 0) == 6765);
  CHECK(call3("select", 1, 11, 22, s) == 0 && s[0] == 11);
  CHECK(call3("select", 0, 11, 22, s) == 0 && s[0] == 22);
  CHECK((uint32_t)ok("dead_code", 42, 0) == 42);
  CHECK((uint32_t)ok("br_if_value", 1, 0) == 7);
  CHECK((uint32_t)ok("br_if_value", 0, 0) == 8);
  CHECK(trap("unreachable", 0, 0) == WASMRT_TRAP_UNREACHABLE);
  CHECK(trap("recurse", 0, 0) == WASMRT_TRAP_STACK_EXHAUSTED);
}

/* Table 1 has min = max = 3, so codegen bounds-checks against the constant
 * 3 and never reads the runtime's size field: zeroing that field changes
 * nothing. Table 0 (4, max 8) can grow, so its field is read, in a loop
 * too. */
static void test_fixed_table(void) {
  uint64_t r;
  wasmrt_table *t0 = fake_table(g_inst, 0), *fixed = fake_table(g_inst, 1);
  uint32_t size0 = t0->size, size1 = fixed->size;
  CHECK(size1 == 3);
  fixed->size = 0;
  CHECK((uint32_t)ok("fixed_size", 0, 0) == 3);
  CHECK(call3("call_fixed", 1, 7, 5, &r) == 0 && (uint32_t)r == 2);
  CHECK(call3("call_fixed", 2, 7, 5, NULL) ==
        WASMRT_TRAP_INDIRECT_TYPE_MISMATCH);
  CHECK(call3("call_fixed", 3, 7, 5, NULL) == WASMRT_TRAP_UNDEFINED_ELEMENT);
  CHECK((int32_t)ok("call_fixed_loop", 0, 5) == 10); /* 4+3+2+1+0 */
  CHECK((int32_t)ok("call_fixed_loop", 1, 5) == -10);
  CHECK(trap("call_fixed_loop", 2, 5) == WASMRT_TRAP_INDIRECT_TYPE_MISMATCH);
  CHECK(trap("call_fixed_loop", 3, 5) == WASMRT_TRAP_UNDEFINED_ELEMENT);
  CHECK((int32_t)ok("call_fixed_loop", 3, 0) == 0); /* no iteration */
  fixed->size = size1;
  CHECK((int32_t)ok("call_loop", 1, 5) == -10);
  t0->size = 1;
  CHECK(trap("call_loop", 1, 5) == WASMRT_TRAP_UNDEFINED_ELEMENT);
  CHECK((int32_t)ok("call_loop", 0, 5) == 10);
  t0->size = size0;
}

static void test_calls(void) {
  uint64_t r;
  CHECK(call3("call_indirect", 0, 7, 5, &r) == 0 && (uint32_t)r == 12);
  CHECK(call3("call_indirect", 1, 7, 5, &r) == 0 && (uint32_t)r == 2);
  CHECK(call3("call_indirect", 2, 7, 5, NULL) ==
        WASMRT_TRAP_INDIRECT_TYPE_MISMATCH);
  CHECK(call3("call_indirect", 3, 7, 5, NULL) ==
        WASMRT_TRAP_UNINITIALIZED_ELEMENT);
  CHECK(call3("call_indirect", 4, 7, 5, NULL) == WASMRT_TRAP_UNDEFINED_ELEMENT);
  CHECK(call3("call_indirect", 0xFFFFFFFFu, 7, 5, NULL) ==
        WASMRT_TRAP_UNDEFINED_ELEMENT);
  CHECK((uint32_t)ok("call_host", 40, 2) == 1042);
  test_fixed_table();
  CHECK(trap("call_host_fail", 0, 0) == WASMRT_TRAP_HOST);
}

static void test_memory(void) {
  CHECK((int32_t)ok("load8_s", 20, 0) == -1);
  CHECK((uint32_t)ok("load16_u", 16, 0) == 0x0302);
  CHECK((uint32_t)ok("load_i32", 16, 0) == 0x04030201u);
  CHECK(ok("store_load_i64", 1001, 0x1122334455667788ull) ==
        0x1122334455667788ull);
  CHECK(fake_memory(g_inst)[1004] == 0x88);
  CHECK(trap("store16", 65535, 1) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(trap("store_pair", 65535, 0) == WASMRT_TRAP_MEMORY_OOB);
  if (g_opt == 0) /* exact memory after a trap is promised at -O0 only */
    CHECK(fake_memory(g_inst)[65535] == 7);
  fake_memory(g_inst)[65535] = 0;
  CHECK(trap("load_i32", 65533, 0) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(trap("load_i32", 0xFFFFFFFFu, 0) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(call3("fill", 0, 0x5A, 4, NULL) == 0);
  CHECK((uint32_t)ok("wrap_load", 0xFFFFFFF8u, 0) == 0x5A5A5A5Au);
  CHECK((uint32_t)ok("wrap_load", 8, 0) == 0x04030201u);
  CHECK(trap("wrap_load", 65536 - 11, 0) == WASMRT_TRAP_MEMORY_OOB);
  CHECK((uint32_t)ok("pair_sum", 12, 0) == 0x04030201u);
  CHECK((uint32_t)ok("pair_sum", 65536 - 8, 0) == 0);
  CHECK(trap("pair_sum", 65536 - 7, 0) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(trap("pair_sum", 0xFFFFFFFCu, 0) == WASMRT_TRAP_MEMORY_OOB);
  CHECK((uint32_t)ok("dead_local", 65532, 0) == 7);
  CHECK(trap("dead_local", 65533, 0) == WASMRT_TRAP_MEMORY_OOB);
  CHECK((uint32_t)ok("dead_sum", 65535, 0) == 8);
  CHECK(trap("dead_sum", 65536, 0) == WASMRT_TRAP_MEMORY_OOB);
  CHECK((uint32_t)ok("size", 0, 0) == 1);
  CHECK((uint32_t)ok("grow", 1, 0) == 1);
  CHECK((uint32_t)ok("size", 0, 0) == 2);
  CHECK((uint32_t)ok("load_i32", 65533, 0) == 0);
  CHECK((int32_t)ok("grow", 5, 0) == -1);
  CHECK(call3("fill", 100, 0xAB, 3, NULL) == 0);
  CHECK(fake_memory(g_inst)[102] == 0xAB && fake_memory(g_inst)[103] == 0);
  CHECK(call3("fill", 0x20000, 1, 1, NULL) == WASMRT_TRAP_MEMORY_OOB);
}

static void test_globals_tables(void) {
  CHECK((uint32_t)ok("inc_global", 0, 0) == 6);
  CHECK((uint32_t)ok("inc_global", 0, 0) == 7);
  CHECK(ok("get_const", 0, 0) == 42);
  CHECK((uint32_t)ok("table_ops", 0, 0) == 4);
  CHECK(trap("table_get_oob", 0, 0) == WASMRT_TRAP_TABLE_OOB);
}

/* RFC 8439 section 2.3.2: the block function's input (key 00..1f, nonce
 * 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1) and its output. The wasm
 * function is rotate-heavy, so at -O2 it is compiled without vectorization
 * (codegen_tuning.c); both ways it must compute the same block. */
static void test_chacha20(void) {
  static const uint32_t in[16] = {
      0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, 0x03020100, 0x07060504,
      0x0b0a0908, 0x0f0e0d0c, 0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c,
      0x00000001, 0x09000000, 0x4a000000, 0x00000000};
  static const uint32_t out[16] = {
      0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3, 0xc7f4d1c7, 0x0368c033,
      0x9aaa2204, 0x4e6cd4c3, 0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
      0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2};
  const uint32_t at = 4096; /* unused by the other tests */
  memcpy(fake_memory(g_inst) + at, in, sizeof in); /* little-endian host */
  CHECK(call3("chacha20_block", at, 0, 0, NULL) == WASMRT_TRAP_NONE);
  CHECK(memcmp(fake_memory(g_inst) + at, out, sizeof out) == 0);
}

/* basic.wat's switch_table: a br_table over 0..79 selecting constants,
 * with holes, whose default computes; at -O2 it becomes table loads
 * (codegen_switch.c). Every selector, holes and out-of-range ones too. */
static uint32_t switch_table_expected(uint32_t x) {
  if (x == 0)
    return 1000;
  if (x < 80 && x % 5 != 3)
    return x * x * 7 + 13;
  return x * (uint32_t)-3;
}

static void test_switch_table(void) {
  static const uint32_t far[] = {80,         81,          1000,
                                 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu};
  int wrong = 0;
  for (uint32_t x = 0; x < 90; x++)
    wrong += (uint32_t)ok("switch_table", x, 0) != switch_table_expected(x);
  for (size_t k = 0; k < sizeof far / sizeof far[0]; k++)
    wrong += (uint32_t)ok("switch_table", far[k], 0) !=
             switch_table_expected(far[k]);
  CHECK(wrong == 0);
}

/* basic.wat's switch_pair (see there). */
static double switch_pair_expected(uint32_t x) {
  uint32_t k = x - 1000;
  if (k == 0)
    return 7 + 0.5;
  if (k >= 100 || k % 4 == 2)
    return (double)(int32_t)x - 1.0;
  if (k % 7 == 0)
    k = 1;
  return (double)(k * 3 + 1) + k * 0.25;
}

static void test_switch_pair(void) {
  static const uint32_t far[] = {0,          999,         1100,
                                 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu};
  int wrong = 0;
  for (uint32_t x = 990; x < 1110; x++)
    wrong += bf64(ok("switch_pair", x, 0)) != switch_pair_expected(x);
  for (size_t k = 0; k < sizeof far / sizeof far[0]; k++)
    wrong += bf64(ok("switch_pair", far[k], 0)) != switch_pair_expected(far[k]);
  CHECK(wrong == 0);
}

static int host_add(uint64_t *s) {
  s[0] = (uint32_t)((uint32_t)s[0] + (uint32_t)s[1] + 1000);
  return 0;
}
static int host_fail(uint64_t *s) {
  (void)s;
  return 1;
}

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  uint8_t *b = malloc((size_t)n);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return b;
}

/* `nm -u` must print nothing: artifacts load into any process. */
/* The loops of basic.wat that compiler/codegen_version.c versions, in C:
 * the reference each run is compared with, overlapping ranges included. */
static double ld_f64(const uint8_t *m, uint32_t a) {
  double d;
  memcpy(&d, m + a, 8);
  return d;
}

static void ref_axpy2(uint8_t *m, uint32_t dst, uint32_t src, uint32_t n) {
  for (uint32_t k = 0; k < n / 2; k++)
    for (uint32_t e = 0; e < 16; e += 8) {
      double t = 3.0 * ld_f64(m, src + 16 * k + e);
      double d = ld_f64(m, dst + 16 * k + e) + t;
      memcpy(m + dst + 16 * k + e, &d, 8);
    }
}

static void ref_copy_inc(uint8_t *m, uint32_t dst, uint32_t src, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    m[dst + i] = (uint8_t)(m[src + i] + 1);
}

static void ref_copy_back(uint8_t *m, uint32_t dst, uint32_t src, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    uint32_t w;
    memcpy(&w, m + src + 4 - 4 * i, 4);
    memcpy(m + dst + 4 - 4 * i, &w, 4);
  }
}

/* Addresses wrap modulo 2^32, as the wasm's i32.add computes them. */
static void ref_add_pairs(uint8_t *m, uint32_t dst, uint32_t src, uint32_t n) {
  for (uint32_t k = 0; k < n; k++)
    for (uint32_t e = 8; e <= 12; e += 4) {
      uint32_t d = dst + 8 * k + e, s = src + 8 * k + e, a, b;
      memcpy(&a, m + d, 4);
      memcpy(&b, m + s, 4);
      a += b;
      memcpy(m + d, &a, 4);
    }
}

#define VER_BASE 4096u
#define VER_SPAN 8192u

typedef void (*ref_loop)(uint8_t *, uint32_t, uint32_t, uint32_t);

/* Doubles are small integers on 8-byte boundaries, so sums stay exact. */
static void fill_pattern(uint8_t *m, uint32_t seed, bool doubles) {
  for (uint32_t a = VER_BASE; a < VER_BASE + VER_SPAN; a += doubles ? 8 : 1)
    if (doubles) {
      double d = (double)((a * 7 + seed) % 64);
      memcpy(m + a, &d, 8);
    } else {
      m[a] = (uint8_t)(a * 31 + seed);
    }
}

static void check_loop(const char *name, ref_loop ref, uint32_t dst,
                       uint32_t src, uint32_t n, bool doubles) {
  static uint8_t want[VER_BASE + VER_SPAN];
  uint8_t *mem = fake_memory(g_inst);
  fill_pattern(mem, dst ^ src ^ n, doubles);
  memcpy(want, mem, sizeof want);
  ref(want, dst, src, n);
  uint32_t code = call3(name, dst, src, n, NULL);
  bool same = code == WASMRT_TRAP_NONE &&
              memcmp(want + VER_BASE, mem + VER_BASE, VER_SPAN) == 0;
  if (!same)
    fprintf(stderr, "%s(dst %u, src %u, n %u): trap %u or memory not as C\n",
            name, dst, src, n, code);
  CHECK(same);
}

/* dst = -8: the first pair is at 0 and 4, the adds wrap. The check sends
 * this to the original copy (whose adds are not nuw); a fast copy would
 * fold -8 + 8 into address 2^32 and fault. */
static void check_add_pairs_wrap(uint32_t src) {
  static uint8_t want[VER_BASE + VER_SPAN], saved[64];
  uint8_t *mem = fake_memory(g_inst);
  memcpy(saved, mem, sizeof saved);
  fill_pattern(mem, 5, false);
  for (uint32_t i = 0; i < sizeof saved; i++)
    mem[i] = (uint8_t)(i * 13 + 1);
  memcpy(want, mem, sizeof want);
  ref_add_pairs(want, 0xFFFFFFF8u, src, 4);
  CHECK(call3("add_pairs", 0xFFFFFFF8u, src, 4, NULL) == WASMRT_TRAP_NONE);
  CHECK(memcmp(want, mem, sizeof want) == 0);
  memcpy(mem, saved, sizeof saved);
}

static void test_versioned_loops(void) {
  static const uint32_t ns[] = {1, 2, 3, 8, 33, 100};
  const uint32_t mid = VER_BASE + VER_SPAN / 2;
  for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
    uint32_t n = ns[i];
    for (int d = -24; d <= 24; d++) {
      check_loop("copy_inc", ref_copy_inc, mid + d, mid, n, false);
      check_loop("copy_back", ref_copy_back, mid + d, mid, n, false);
    }
    for (int d = -6; d <= 6; d++)
      check_loop("axpy2", ref_axpy2, mid + 8 * d, mid, 2 * n, true);
    for (int d = -24; d <= 24; d += 4)
      check_loop("add_pairs", ref_add_pairs, mid + d, mid, n, false);
    check_loop("copy_inc", ref_copy_inc, VER_BASE, mid, n, false);
    check_loop("copy_back", ref_copy_back, mid, VER_BASE + 512, n, false);
    check_loop("axpy2", ref_axpy2, VER_BASE, mid, 2 * n, true);
  }
  check_add_pairs_wrap(mid);
  /* Counters that wrap around instead of meeting their target: the loops
   * run on until they leave the memory. */
  CHECK(trap("copy_inc", mid, mid + 16) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(call3("axpy2", mid, mid + 4096, 3, NULL) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(call3("axpy2", mid, mid + 4096, 0, NULL) == WASMRT_TRAP_MEMORY_OOB);
  /* Off the end of the memory (2 pages by now): dst[0] is the last double
   * in bounds, dst[1] faults. As in C, dst[0] is stored before the trap
   * (a vector copy loading dst[0..1] first would fault before it). */
  uint8_t *mem = fake_memory(g_inst);
  const uint32_t last = 2 * 65536 - 8;
  const double one = 1.0, two = 2.0;
  memcpy(mem + last, &one, 8);
  memcpy(mem + mid, &two, 8);
  memcpy(mem + mid + 8, &two, 8);
  CHECK(call3("axpy2", last, mid, 2, NULL) == WASMRT_TRAP_MEMORY_OOB);
  CHECK(ld_f64(mem, last) == 7.0);
}

/* Instructions of export `fn` containing `what`, from llvm-objdump. */
static int count_in(const char *so, const char *fn, const char *what) {
  char cmd[512], line[256];
  snprintf(cmd, sizeof cmd,
           "%s -d --no-show-raw-insn --disassemble-symbols=wasm_%s %s",
           WASMC_TEST_OBJDUMP, fn, so);
  FILE *p = popen(cmd, "r");
  CHECK(p != NULL);
  int n = 0;
  while (p && fgets(line, sizeof line, p))
    n += strstr(line, what) != NULL;
  CHECK(p && pclose(p) == 0);
  return n;
}

/* The fast copies are what LLVM can vectorize: packed multiplies in
 * axpy2, packed adds in add_pairs (only once its address adds are nuw). */
static void check_vectorized(const char *so) {
  CHECK(count_in(so, "axpy2", "mulpd") > 0);
  CHECK(count_in(so, "add_pairs", "paddd") > 0);
}

static void check_no_undefined(const char *so) {
  char cmd[512], line[256];
  snprintf(cmd, sizeof cmd, "%s -u %s", WASMC_TEST_NM, so);
  FILE *p = popen(cmd, "r");
  CHECK(p != NULL);
  int lines = 0;
  while (p && fgets(line, sizeof line, p)) {
    fprintf(stderr, "undefined: %s", line);
    lines++;
  }
  CHECK(p && pclose(p) == 0);
  CHECK(lines == 0);
}

static void check_metadata(const uint8_t *so, size_t so_len,
                           const uint8_t *wasm, size_t len) {
  /* Find the header by its magic; the loader uses libelf instead. */
  const uint8_t *hit = memmem(so, so_len, WASMRT_ARTIFACT_MAGIC, 8);
  CHECK(hit != NULL);
  if (!hit)
    return;
  wasmrt_artifact_header h;
  memcpy(&h, hit, sizeof h);
  uint8_t sum[32];
  wasmc_sha256(wasm, len, sum);
  CHECK(h.format_version == WASMRT_ARTIFACT_FORMAT_VERSION);
  CHECK(h.abi_version == WASMRT_ABI_VERSION);
  CHECK(memcmp(h.wasm_sha256, sum, 32) == 0);
  CHECK(strcmp(h.target_triple, "x86_64-pc-linux-gnu") == 0);
  CHECK(h.payload_size > 8 && h.payload_size < len);
  wasm_module *m = NULL;
  wasm_error err;
  const uint8_t *payload = hit + sizeof h + h.features_size;
  CHECK(wasm_module_decode(payload, h.payload_size, WASM_DECODE_NO_CODE, &m,
                           &err));
  CHECK(m && m->num_funcs > 60 && m->num_exports > 60);
  wasm_module_free(m);
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
    fprintf(stderr, "compile failed: %s\n", err.message);
  CHECK(compiled);
  if (!compiled)
    return;
  char path[] = "/tmp/test_codegen_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0 && write(fd, so, so_len) == (ssize_t)so_len);
  close(fd);
  check_no_undefined(path);
  check_metadata(so, so_len, wasm, len);
  if (opt >= 2)
    check_vectorized(path);
  fake_host_fn hosts[2] = {host_add, host_fail};
  char msg[256];
  g_inst = fake_instantiate(path, wasm, len, hosts, msg, sizeof msg);
  if (!g_inst)
    fprintf(stderr, "instantiate: %s\n", msg);
  CHECK(g_inst != NULL);
  if (g_inst) {
    test_integers();
    test_floats();
    test_conversions();
    test_control();
    test_calls();
    test_memory();
    test_globals_tables();
    test_chacha20();
    test_switch_table();
    test_switch_pair();
    test_versioned_loops();
    fake_free(g_inst);
  }
  unlink(path);
  free(so);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_codegen BASIC.wasm\n");
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
