/* LZ77-style compression with a hash-chain-free single-probe matcher (like
 * LZ4's fast mode), then decompression and a round-trip check. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define HASH_BITS 14
#define MIN_MATCH 4
#define MAX_LEN 255

static uint32_t load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static uint32_t hash4(uint32_t v) {
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Token stream: literal run = [0, len, bytes...]; match = [len, off lo,
 * off hi] with len >= MIN_MATCH. Returns the compressed size. */
static size_t compress(const uint8_t *in, size_t n, uint8_t *out,
                       uint32_t *table) {
  size_t ip = 0, op = 0, lit = 0;
  memset(table, 0, sizeof(uint32_t) << HASH_BITS);
  while (ip + MIN_MATCH <= n) {
    uint32_t h = hash4(load32(in + ip));
    size_t cand = table[h];
    table[h] = (uint32_t)ip;
    size_t len = 0;
    if (cand < ip && ip - cand < 65536 && load32(in + cand) == load32(in + ip))
      while (ip + len < n && len < MAX_LEN && in[cand + len] == in[ip + len])
        len++;
    if (len >= MIN_MATCH) {
      while (lit < ip) { /* flush pending literals */
        size_t run = ip - lit > 255 ? 255 : ip - lit;
        out[op++] = 0;
        out[op++] = (uint8_t)run;
        memcpy(out + op, in + lit, run);
        op += run, lit += run;
      }
      size_t off = ip - cand;
      out[op++] = (uint8_t)len;
      out[op++] = (uint8_t)off;
      out[op++] = (uint8_t)(off >> 8);
      ip += len;
      lit = ip;
    } else {
      ip++;
    }
  }
  while (lit < n) {
    size_t run = n - lit > 255 ? 255 : n - lit;
    out[op++] = 0;
    out[op++] = (uint8_t)run;
    memcpy(out + op, in + lit, run);
    op += run, lit += run;
  }
  return op;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
  size_t ip = 0, op = 0;
  while (ip < n) {
    size_t len = in[ip++];
    if (len == 0) {
      size_t run = in[ip++];
      memcpy(out + op, in + ip, run);
      ip += run, op += run;
    } else {
      size_t off = in[ip] | (size_t)in[ip + 1] << 8;
      ip += 2;
      for (size_t i = 0; i < len; i++, op++) /* may overlap: byte by byte */
        out[op] = out[op - off];
    }
  }
  return op;
}

/* Text-like input: words drawn from a small vocabulary, so it compresses. */
static void make_input(uint8_t *buf, size_t n) {
  static const char *words[] = {"the ",   "quick ", "brown ", "fox ",
                                "jumps ", "over ",  "lazy ",  "dog ",
                                "wasm ",  "code ",  "fast ",  "native "};
  unsigned seed = 2024;
  size_t i = 0;
  while (i < n) {
    const char *w = words[bench_rand(&seed) % 12];
    for (; *w && i < n; w++)
      buf[i++] = (uint8_t)*w;
    if (bench_rand(&seed) % 16 == 0 && i < n)
      buf[i++] = (uint8_t)('A' + bench_rand(&seed) % 26);
  }
}

int main(int argc, char **argv) {
  int reps = bench_is_quick(argc, argv) ? 2 : 32;
  size_t n = 1 << 20;
  uint8_t *in = malloc(n), *comp = malloc(2 * n + 16), *back = malloc(n);
  uint32_t *table = malloc(sizeof(uint32_t) << HASH_BITS);
  if (!in || !comp || !back || !table)
    return 1;
  make_input(in, n);
  size_t csize = 0, dsize = 0;
  bench_start();
  for (int r = 0; r < reps; r++) {
    in[(size_t)r * 4099 % n] ^= 1; /* vary the input per repetition */
    csize = compress(in, n, comp, table);
    dsize = decompress(comp, csize, back);
  }
  bench_end();
  if (dsize != n || memcmp(in, back, n) != 0) {
    printf("lz ROUND TRIP FAILED\n");
    return 1;
  }
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < csize; i++)
    h = (h ^ comp[i]) * 16777619u;
  printf("lz reps=%d in=%zu out=%zu hash=%08x\n", reps, n, csize, h);
  free(in), free(comp), free(back), free(table);
  return 0;
}
