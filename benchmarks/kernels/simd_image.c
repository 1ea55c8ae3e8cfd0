/* A SIMD-heavy image pipeline over an RGBA8 image, repeated: RGBA -> grey,
 * 3x3 box blur, brightness/contrast with saturation, threshold with a count,
 * then a float section (normalise, saxpy, dot product). Built for wasm32
 * with -msimd128: the grey, contrast and dot stages use <wasm_simd128.h>
 * intrinsics, the rest are plain loops over restrict pointers that LLVM
 * auto-vectorises. The plain-C fallbacks (native build) compute exactly the
 * same values in the same order, so every engine prints the same checksum.
 * Each repetition's parameters depend on the previous checksum, so no
 * repetition can be hoisted or skipped. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
/* The scalar tails after an intrinsics loop run < 16 times; keep LLVM from
 * vectorising them into long lane-by-lane gather code. */
#define SCALAR_TAIL _Pragma("clang loop vectorize(disable) unroll(disable)")
#else
#define SCALAR_TAIL
#endif

/* Luma weights in 8.8 fixed point (sum 256). */
enum { WR = 77, WG = 150, WB = 29 };

static uint8_t grey_px(const uint8_t *p) {
  return (uint8_t)((WR * p[0] + WG * p[1] + WB * p[2] + 128) >> 8);
}

#ifdef __wasm_simd128__
/* 16 RGBA pixels (4 vectors) -> the 16 grey bytes: shuffles de-interleave
 * the channels, extending multiplies form the weighted sum in u16 lanes. */
static v128_t grey16(const uint8_t *src) {
  v128_t v0 = wasm_v128_load(src), v1 = wasm_v128_load(src + 16);
  v128_t v2 = wasm_v128_load(src + 32), v3 = wasm_v128_load(src + 48);
  v128_t rg01 = wasm_i8x16_shuffle(v0, v1, 0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9,
                                   13, 17, 21, 25, 29);
  v128_t rg23 = wasm_i8x16_shuffle(v2, v3, 0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9,
                                   13, 17, 21, 25, 29);
  v128_t b01 = wasm_i8x16_shuffle(v0, v1, 2, 6, 10, 14, 18, 22, 26, 30, 2, 6,
                                  10, 14, 18, 22, 26, 30);
  v128_t b23 = wasm_i8x16_shuffle(v2, v3, 2, 6, 10, 14, 18, 22, 26, 30, 2, 6,
                                  10, 14, 18, 22, 26, 30);
  v128_t r = wasm_i8x16_shuffle(rg01, rg23, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18,
                                19, 20, 21, 22, 23);
  v128_t g = wasm_i8x16_shuffle(rg01, rg23, 8, 9, 10, 11, 12, 13, 14, 15, 24,
                                25, 26, 27, 28, 29, 30, 31);
  v128_t b = wasm_i8x16_shuffle(b01, b23, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18,
                                19, 20, 21, 22, 23);
  v128_t wr = wasm_u8x16_splat(WR), wg = wasm_u8x16_splat(WG);
  v128_t wb = wasm_u8x16_splat(WB), half = wasm_u16x8_splat(128);
  v128_t lo = wasm_i16x8_add(wasm_u16x8_extmul_low_u8x16(r, wr),
                             wasm_u16x8_extmul_low_u8x16(g, wg));
  v128_t hi = wasm_i16x8_add(wasm_u16x8_extmul_high_u8x16(r, wr),
                             wasm_u16x8_extmul_high_u8x16(g, wg));
  lo = wasm_i16x8_add(lo, wasm_u16x8_extmul_low_u8x16(b, wb));
  hi = wasm_i16x8_add(hi, wasm_u16x8_extmul_high_u8x16(b, wb));
  lo = wasm_u16x8_shr(wasm_i16x8_add(lo, half), 8);
  hi = wasm_u16x8_shr(wasm_i16x8_add(hi, half), 8);
  return wasm_u8x16_narrow_i16x8(lo, hi);
}
#endif

static void to_grey(const uint8_t *restrict rgba, uint8_t *restrict grey,
                    size_t n) {
  size_t i = 0;
#ifdef __wasm_simd128__
  for (; i + 16 <= n; i += 16)
    wasm_v128_store(grey + i, grey16(rgba + 4 * i));
#endif
  SCALAR_TAIL
  for (; i < n; i++)
    grey[i] = grey_px(rgba + 4 * i);
}

/* Separable 3x3 box blur: horizontal sums of three rows (u16), then the
 * vertical sum divided by 9 as (sum * 7282) >> 16 (exact for 0..2295 up to
 * rounding, identical everywhere). Border pixels are copied. Plain loops:
 * LLVM vectorises both. */
static void hsum_row(const uint8_t *restrict s, uint16_t *restrict h, int w) {
  h[0] = h[w - 1] = 0;
  for (int x = 1; x < w - 1; x++)
    h[x] = (uint16_t)(s[x - 1] + s[x] + s[x + 1]);
}

static void vsum_row(const uint16_t *restrict a, const uint16_t *restrict b,
                     const uint16_t *restrict c, uint8_t *restrict d, int w) {
  for (int x = 1; x < w - 1; x++)
    d[x] = (uint8_t)(((uint32_t)(a[x] + b[x] + c[x]) * 7282u) >> 16);
}

static void blur3(const uint8_t *restrict src, uint8_t *restrict dst, int w,
                  int h, uint16_t *restrict rows) {
  uint16_t *r0 = rows, *r1 = rows + w, *r2 = rows + 2 * w;
  memcpy(dst, src, (size_t)w);
  memcpy(dst + (size_t)(h - 1) * w, src + (size_t)(h - 1) * w, (size_t)w);
  hsum_row(src, r0, w);
  hsum_row(src + w, r1, w);
  for (int y = 1; y < h - 1; y++) {
    hsum_row(src + (size_t)(y + 1) * w, r2, w);
    uint8_t *d = dst + (size_t)y * w;
    vsum_row(r0, r1, r2, d, w);
    d[0] = src[(size_t)y * w];
    d[w - 1] = src[(size_t)y * w + w - 1];
    uint16_t *t = r0; /* rotate the three row buffers */
    r0 = r1;
    r1 = r2;
    r2 = t;
  }
}

/* out = clamp(((p - 128) * contrast >> 6) + 128 + bright, 0, 255) with
 * contrast in 0..255 and bright in -32..32, so every intermediate fits i16
 * (the wasm path relies on that for i16x8 lanes). */
static uint8_t adjust_px(int p, int contrast, int bright) {
  int v = (((p - 128) * contrast) >> 6) + 128 + bright;
  return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static void adjust(const uint8_t *restrict src, uint8_t *restrict dst, size_t n,
                   int contrast, int bright) {
  size_t i = 0;
#ifdef __wasm_simd128__
  v128_t c = wasm_i16x8_splat((int16_t)contrast);
  v128_t off = wasm_i16x8_splat((int16_t)(128 + bright));
  v128_t mid = wasm_i16x8_splat(128);
  for (; i + 16 <= n; i += 16) {
    v128_t p = wasm_v128_load(src + i);
    v128_t lo = wasm_i16x8_sub(wasm_u16x8_extend_low_u8x16(p), mid);
    v128_t hi = wasm_i16x8_sub(wasm_u16x8_extend_high_u8x16(p), mid);
    lo = wasm_i16x8_add(wasm_i16x8_shr(wasm_i16x8_mul(lo, c), 6), off);
    hi = wasm_i16x8_add(wasm_i16x8_shr(wasm_i16x8_mul(hi, c), 6), off);
    /* the saturating narrow is the clamp to 0..255 */
    wasm_v128_store(dst + i, wasm_u8x16_narrow_i16x8(lo, hi));
  }
#endif
  SCALAR_TAIL
  for (; i < n; i++)
    dst[i] = adjust_px(src[i], contrast, bright);
}

#ifdef __wasm_simd128__
/* Sum of the 16 u8 lanes of v, widened by two pairwise adds to u32 lanes. */
static v128_t widen_sum(v128_t v) {
  return wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(v));
}

static uint32_t lanes_sum(v128_t v) {
  return wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) +
         wasm_i32x4_extract_lane(v, 2) + wasm_i32x4_extract_lane(v, 3);
}
#endif

/* Binary threshold in place; returns how many pixels are above it. */
static unsigned threshold(uint8_t *restrict p, size_t n, uint8_t t) {
  unsigned count = 0;
  size_t i = 0;
#ifdef __wasm_simd128__
  v128_t tv = wasm_u8x16_splat(t), one = wasm_u8x16_splat(1);
  v128_t acc = wasm_i32x4_splat(0);
  for (; i + 16 <= n; i += 16) {
    v128_t mask = wasm_u8x16_gt(wasm_v128_load(p + i), tv);
    wasm_v128_store(p + i, mask);
    acc = wasm_i32x4_add(acc, widen_sum(wasm_v128_and(mask, one)));
  }
  count = lanes_sum(acc);
#endif
  SCALAR_TAIL
  for (; i < n; i++) {
    uint8_t on = p[i] > t;
    count += on;
    p[i] = (uint8_t)(0u - on);
  }
  return count;
}

/* Byte sum of the adjusted image. */
static uint32_t byte_sum(const uint8_t *restrict p, size_t n) {
  uint32_t s = 0;
  size_t i = 0;
#ifdef __wasm_simd128__
  v128_t acc = wasm_i32x4_splat(0);
  for (; i + 16 <= n; i += 16)
    acc = wasm_i32x4_add(acc, widen_sum(wasm_v128_load(p + i)));
  s = lanes_sum(acc);
#endif
  SCALAR_TAIL
  for (; i < n; i++)
    s += p[i];
  return s;
}

static void normalise(const uint8_t *restrict p, float *restrict x, size_t n) {
  for (size_t i = 0; i < n; i++)
    x[i] = (float)p[i] * (1.0f / 255.0f);
}

static void saxpy(float a, const float *restrict x, float *restrict y,
                  size_t n) {
  for (size_t i = 0; i < n; i++)
    y[i] = a * x[i] + y[i];
}

/* Dot product with four interleaved partial sums (lane k sums elements
 * i % 4 == k), combined as (s0 + s1) + (s2 + s3): the order is fixed, so the
 * f32x4 and scalar versions round identically. n is a multiple of 4. */
static float dot(const float *restrict x, const float *restrict y, size_t n) {
  float s[4] = {0, 0, 0, 0};
#ifdef __wasm_simd128__
  v128_t acc = wasm_f32x4_splat(0.0f);
  for (size_t i = 0; i < n; i += 4)
    acc = wasm_f32x4_add(
        acc, wasm_f32x4_mul(wasm_v128_load(x + i), wasm_v128_load(y + i)));
  wasm_v128_store(s, acc);
#else
  for (size_t i = 0; i < n; i += 4)
    for (int k = 0; k < 4; k++)
      s[k] += x[i + k] * y[i + k];
#endif
  return (s[0] + s[1]) + (s[2] + s[3]);
}

static void fill(uint8_t *rgba, size_t bytes) {
  unsigned seed = 2463534242u;
  for (size_t i = 0; i < bytes; i += 4) {
    unsigned r = bench_rand(&seed);
    /* smooth gradients plus noise, so blur and threshold do real work */
    size_t px = i / 4;
    rgba[i] = (uint8_t)((px & 255) ^ (r & 15));
    rgba[i + 1] = (uint8_t)((px >> 5) + (r >> 8 & 31));
    rgba[i + 2] = (uint8_t)(r >> 16);
    rgba[i + 3] = 255;
  }
}

struct image_bufs {
  uint8_t *rgba, *grey, *blur, *adj;
  uint16_t *rows;
  float *x, *y;
};

static int alloc_bufs(struct image_bufs *b, int w, int h) {
  size_t n = (size_t)w * h;
  b->rgba = malloc(4 * n);
  b->grey = malloc(n);
  b->blur = malloc(n);
  b->adj = malloc(n);
  b->rows = malloc(3 * sizeof(uint16_t) * (size_t)w);
  b->x = malloc(sizeof(float) * n);
  b->y = calloc(n, sizeof(float));
  return b->rgba && b->grey && b->blur && b->adj && b->rows && b->x && b->y;
}

static void free_bufs(struct image_bufs *b) {
  free(b->rgba);
  free(b->grey);
  free(b->blur);
  free(b->adj);
  free(b->rows);
  free(b->x);
  free(b->y);
}

/* One pass of the pipeline; returns the new checksum. */
static unsigned pass(struct image_bufs *b, int w, int h, int rep,
                     unsigned chk) {
  size_t n = (size_t)w * h;
  int contrast = 160 + (int)(chk % 96), bright = (int)(chk % 41) - 20;
  to_grey(b->rgba, b->grey, n);
  blur3(b->grey, b->blur, w, h, b->rows);
  adjust(b->blur, b->adj, n, contrast, bright);
  uint32_t sum = byte_sum(b->adj, n);
  normalise(b->adj, b->x, n);
  saxpy((rep & 1) ? -0.75f : 0.8f, b->x, b->y, n);
  float d = dot(b->x, b->y, n);
  unsigned above = threshold(b->adj, n, (uint8_t)(64 + chk % 128));
  /* feed one thresholded row back into the red channel: the next pass
   * reads this pass's output */
  int row = rep % h;
  SCALAR_TAIL /* strided, w bytes per pass: not worth lane gathers */
      for (int x = 0; x < w; x++) b->rgba[4 * ((size_t)row * w + x)] ^=
      b->adj[(size_t)row * w + x] & 0x55;
  chk = (chk ^ sum) * 16777619u;
  chk = (chk ^ above) * 16777619u;
  uint32_t dbits; /* the float's bits: exact, and no overflowing convert */
  memcpy(&dbits, &d, sizeof dbits);
  return (chk ^ dbits) * 16777619u;
}

int main(int argc, char **argv) {
  int quick = bench_is_quick(argc, argv);
  int w = quick ? 512 : 1024, h = quick ? 384 : 1024, reps = quick ? 30 : 160;
  struct image_bufs b;
  if (!alloc_bufs(&b, w, h)) {
    free_bufs(&b);
    return 1;
  }
  fill(b.rgba, 4 * (size_t)w * h);
  unsigned chk = 2166136261u;
  bench_start();
  for (int r = 0; r < reps; r++)
    chk = pass(&b, w, h, r, chk);
  bench_end();
  float d = dot(b.x, b.y, (size_t)w * h);
  printf("simd_image %dx%d reps=%d checksum=%08x dot=%.3f\n", w, h, reps, chk,
         (double)d);
  free_bufs(&b);
  return 0;
}
