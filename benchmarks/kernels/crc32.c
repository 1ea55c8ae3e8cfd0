/* CRC-32 (IEEE, reflected, slicing-by-one table) over a generated buffer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

static uint32_t table[256];

static void make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++)
    crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

int main(int argc, char **argv) {
  int reps = bench_is_quick(argc, argv) ? 4 : 128;
  size_t len = 1 << 20;
  uint8_t *buf = malloc(len);
  unsigned seed = 4242;
  if (!buf)
    return 1;
  for (size_t i = 0; i < len; i++)
    buf[i] = (uint8_t)bench_rand(&seed);
  make_table();
  /* Known-answer check of the algorithm itself. */
  if (crc32(0, (const uint8_t *)"123456789", 9) != 0xcbf43926u) {
    printf("crc32 self-test FAILED\n");
    return 1;
  }
  uint32_t crc = 0;
  bench_start();
  for (int r = 0; r < reps; r++)
    crc = crc32(crc, buf, len);
  bench_end();
  printf("crc32 reps=%d crc=%08x\n", reps, crc);
  free(buf);
  return 0;
}
