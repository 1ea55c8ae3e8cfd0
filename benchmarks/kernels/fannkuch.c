/* fannkuch-redux of the benchmarks game: permutation generation and
 * prefix reversal, integer and branch heavy. */
#include <stdio.h>

#include "bench.h"

#define MAXN 16

static int fannkuch(int n, int *checksum) {
  int perm[MAXN], perm1[MAXN], count[MAXN];
  int max_flips = 0, sum = 0, perm_count = 0, r = n;
  for (int i = 0; i < n; i++)
    perm1[i] = i;
  for (;;) {
    for (; r != 1; r--)
      count[r - 1] = r;
    for (int i = 0; i < n; i++)
      perm[i] = perm1[i];
    int flips = 0;
    for (int k; (k = perm[0]) != 0; flips++)
      for (int i = 0, j = k; i < j; i++, j--) {
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
    if (flips > max_flips)
      max_flips = flips;
    sum += (perm_count % 2 == 0) ? flips : -flips;
    /* next permutation in the counting order */
    for (;;) {
      if (r == n) {
        *checksum = sum;
        return max_flips;
      }
      int p0 = perm1[0];
      for (int i = 0; i < r; i++)
        perm1[i] = perm1[i + 1];
      perm1[r] = p0;
      if (--count[r] > 0)
        break;
      r++;
    }
    perm_count++;
  }
}

int main(int argc, char **argv) {
  int n = bench_is_quick(argc, argv) ? 9 : 10, checksum = 0;
  bench_start();
  int flips = fannkuch(n, &checksum);
  bench_end();
  printf("fannkuch n=%d checksum=%d maxflips=%d\n", n, checksum, flips);
  return 0;
}
