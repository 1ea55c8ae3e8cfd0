/* Open-addressing hash table (linear probing, backward-shift deletion so
 * no tombstones pile up) under a mixed insert / lookup / delete workload. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define EMPTY 0u /* keys are >= 1 */

struct table {
  uint32_t *keys, *vals;
  uint32_t mask;
};

static uint32_t mix(uint32_t k) {
  k ^= k >> 16;
  k *= 0x7feb352du;
  k ^= k >> 15;
  k *= 0x846ca68bu;
  return k ^ (k >> 16);
}

static void put(struct table *t, uint32_t key, uint32_t val) {
  uint32_t i = mix(key) & t->mask;
  while (t->keys[i] != EMPTY && t->keys[i] != key)
    i = (i + 1) & t->mask;
  t->keys[i] = key;
  t->vals[i] = val;
}

static int find(const struct table *t, uint32_t key, uint32_t *val) {
  for (uint32_t i = mix(key) & t->mask;; i = (i + 1) & t->mask) {
    uint32_t k = t->keys[i];
    if (k == key) {
      *val = t->vals[i];
      return 1;
    }
    if (k == EMPTY)
      return 0;
  }
}

/* True when slot `at` lies cyclically in (hole, j]: the entry in j whose
 * home is `at` can then not move back into the hole. */
static int between(uint32_t hole, uint32_t at, uint32_t j) {
  return hole <= j ? (hole < at && at <= j) : (hole < at || at <= j);
}

static void erase(struct table *t, uint32_t key) {
  uint32_t i = mix(key) & t->mask;
  while (t->keys[i] != key) {
    if (t->keys[i] == EMPTY)
      return;
    i = (i + 1) & t->mask;
  }
  for (uint32_t j = (i + 1) & t->mask; t->keys[j] != EMPTY;
       j = (j + 1) & t->mask) {
    if (between(i, mix(t->keys[j]) & t->mask, j))
      continue;
    t->keys[i] = t->keys[j];
    t->vals[i] = t->vals[j];
    i = j;
  }
  t->keys[i] = EMPTY;
}

int main(int argc, char **argv) {
  int quick = bench_is_quick(argc, argv);
  uint32_t size = 1u << 20, ops = quick ? 250000u : 12000000u;
  uint32_t live = size / 2; /* keys come from a range half the table size */
  struct table t = {calloc(size, 4), calloc(size, 4), size - 1};
  unsigned seed = 31337;
  uint32_t found = 0, sum = 0;
  if (!t.keys || !t.vals)
    return 1;
  bench_start();
  for (uint32_t i = 0; i < ops; i++) {
    uint32_t r = bench_rand(&seed);
    uint32_t key = 1 + r % live, v;
    switch (r >> 29) {
    case 0:
    case 1:
    case 2:
      put(&t, key, i);
      break;
    case 3:
      erase(&t, key);
      break;
    default:
      if (find(&t, key, &v))
        found++, sum += v;
    }
  }
  bench_end();
  printf("hashtable ops=%u found=%u sum=%u\n", ops, found, sum);
  free(t.keys);
  free(t.vals);
  return 0;
}
