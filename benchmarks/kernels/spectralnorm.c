/* spectral-norm of the benchmarks game: power iteration on an implicit
 * matrix, floating-point division heavy. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

static double a_elem(int i, int j) {
  return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1);
}

static void mul_av(int n, const double *v, double *av) {
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int j = 0; j < n; j++)
      s += a_elem(i, j) * v[j];
    av[i] = s;
  }
}

static void mul_atv(int n, const double *v, double *atv) {
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int j = 0; j < n; j++)
      s += a_elem(j, i) * v[j];
    atv[i] = s;
  }
}

static void mul_atav(int n, const double *v, double *out, double *tmp) {
  mul_av(n, v, tmp);
  mul_atv(n, tmp, out);
}

int main(int argc, char **argv) {
  int n = bench_is_quick(argc, argv) ? 600 : 2500;
  double *u = malloc(sizeof(double) * n), *v = malloc(sizeof(double) * n);
  double *tmp = malloc(sizeof(double) * n);
  if (!u || !v || !tmp)
    return 1;
  for (int i = 0; i < n; i++)
    u[i] = 1.0;
  bench_start();
  for (int i = 0; i < 10; i++) {
    mul_atav(n, u, v, tmp);
    mul_atav(n, v, u, tmp);
  }
  bench_end();
  double vbv = 0, vv = 0;
  for (int i = 0; i < n; i++) {
    vbv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  printf("spectralnorm n=%d %.9f\n", n, __builtin_sqrt(vbv / vv));
  free(u);
  free(v);
  free(tmp);
  return 0;
}
