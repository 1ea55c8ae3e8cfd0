/* Mandelbrot set membership over a grid; prints the member count and a
 * hash of the iteration counts. */
#include <stdio.h>

#include "bench.h"

static unsigned mandel(int size, int max_iter, unsigned *members) {
  unsigned hash = 2166136261u;
  *members = 0;
  for (int y = 0; y < size; y++) {
    double ci = 2.0 * y / size - 1.0;
    for (int x = 0; x < size; x++) {
      double cr = 2.5 * x / size - 2.0, zr = 0, zi = 0;
      int it = 0;
      while (it < max_iter && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        it++;
      }
      if (it == max_iter)
        (*members)++;
      hash = (hash ^ (unsigned)it) * 16777619u;
    }
  }
  return hash;
}

int main(int argc, char **argv) {
  int size = bench_is_quick(argc, argv) ? 300 : 1200;
  unsigned members;
  bench_start();
  unsigned hash = mandel(size, 200, &members);
  bench_end();
  printf("mandelbrot size=%d members=%u hash=%08x\n", size, members, hash);
  return 0;
}
