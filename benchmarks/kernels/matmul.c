/* Dense double-precision matrix multiply (i-k-j order), repeated. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

static void fill(double *m, int n, unsigned *seed) {
  for (int i = 0; i < n * n; i++)
    m[i] = (double)(bench_rand(seed) % 1000) / 500.0 - 1.0;
}

static void multiply(const double *a, const double *b, double *c, int n) {
  for (int i = 0; i < n * n; i++)
    c[i] = 0.0;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++) {
      double aik = a[i * n + k];
      for (int j = 0; j < n; j++)
        c[i * n + j] += aik * b[k * n + j];
    }
}

int main(int argc, char **argv) {
  int quick = bench_is_quick(argc, argv);
  int n = quick ? 128 : 320, reps = quick ? 16 : 32;
  unsigned seed = 12345;
  double *a = malloc(sizeof(double) * n * n);
  double *b = malloc(sizeof(double) * n * n);
  double *c = malloc(sizeof(double) * n * n);
  if (!a || !b || !c)
    return 1;
  fill(a, n, &seed);
  fill(b, n, &seed);
  double sum = 0.0;
  bench_start();
  for (int r = 0; r < reps; r++) {
    multiply(a, b, c, n);
    sum += c[(r * 7) % (n * n)];
    a[r] += c[r] * 1e-3; /* make each repetition depend on the last */
  }
  bench_end();
  for (int i = 0; i < n * n; i++)
    sum += c[i];
  printf("matmul n=%d checksum=%.6f\n", n, sum);
  free(a);
  free(b);
  free(c);
  return 0;
}
