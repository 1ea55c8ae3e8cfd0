/* Native implementation of the bench.start / bench.end hooks: the elapsed
 * monotonic time between them goes to stderr as "bench-ns: N", the same
 * line every engine of benchmarks/run reports. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

void bench_start(void);
void bench_end(void);

static struct timespec bench_t0;

static int64_t bench_ns(const struct timespec *t) {
  return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

void bench_start(void) {
  clock_gettime(CLOCK_MONOTONIC, &bench_t0);
}

void bench_end(void) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fprintf(stderr, "bench-ns: %lld\n",
          (long long)(bench_ns(&t1) - bench_ns(&bench_t0)));
}
