/* Recursive quicksort (median of three, insertion sort for short runs) of
 * pseudo-random integers, repeated; verifies the order. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

static void insertion(int *a, int lo, int hi) {
  for (int i = lo + 1; i <= hi; i++) {
    int v = a[i], j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void swap(int *a, int i, int j) {
  int t = a[i];
  a[i] = a[j];
  a[j] = t;
}

static void quicksort(int *a, int lo, int hi) {
  while (hi - lo > 16) {
    int mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo])
      swap(a, mid, lo);
    if (a[hi] < a[lo])
      swap(a, hi, lo);
    if (a[hi] < a[mid])
      swap(a, hi, mid);
    int pivot = a[mid], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot)
        i++;
      while (a[j] > pivot)
        j--;
      if (i <= j)
        swap(a, i++, j--);
    }
    /* recurse into the smaller side to bound the stack depth */
    if (j - lo < hi - i) {
      quicksort(a, lo, j);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j;
    }
  }
  insertion(a, lo, hi);
}

int main(int argc, char **argv) {
  int quick = bench_is_quick(argc, argv);
  int n = quick ? 200000 : 1000000, reps = quick ? 1 : 4;
  int *a = malloc(sizeof(int) * n);
  unsigned seed = 99, check = 0;
  if (!a)
    return 1;
  bench_start();
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < n; i++)
      a[i] = (int)(bench_rand(&seed) % 10000000u);
    quicksort(a, 0, n - 1);
    check = check * 31 + (unsigned)a[n / 2] + (unsigned)a[r];
  }
  bench_end();
  for (int i = 1; i < n; i++)
    if (a[i - 1] > a[i]) {
      printf("quicksort NOT SORTED at %d\n", i);
      return 1;
    }
  printf("quicksort n=%d reps=%d check=%u\n", n, reps, check);
  free(a);
  return 0;
}
