/* clocks.c — clock_time_get and clock_res_get through the raw WASI calls:
 * monotonic time never goes back and advances over a busy loop, realtime
 * is a plausible date, resolutions are positive, a bad clock id is EINVAL. */
#include <stdio.h>
#include <wasi/api.h>

static int failed;

static void check(const char *what, int ok) {
  printf("%s: %s\n", what, ok ? "ok" : "FAIL");
  failed |= !ok;
}

static __wasi_timestamp_t now(__wasi_clockid_t id) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(id, 1, &t) != 0)
    return 0;
  return t;
}

int main(void) {
  __wasi_timestamp_t prev = now(__WASI_CLOCKID_MONOTONIC), first = prev;
  int monotonic = prev != 0;
  for (int i = 0; i < 100000; i++) {
    __wasi_timestamp_t t = now(__WASI_CLOCKID_MONOTONIC);
    monotonic &= t >= prev;
    prev = t;
  }
  check("monotonic never decreases", monotonic);
  check("monotonic advances", prev > first);
  /* 2020-01-01 .. 2200-01-01 in nanoseconds since the epoch. */
  __wasi_timestamp_t real = now(__WASI_CLOCKID_REALTIME);
  check("realtime plausible", real > 1577836800ull * 1000000000ull &&
                                  real < 7258118400ull * 1000000000ull);
  __wasi_clockid_t ids[] = {__WASI_CLOCKID_REALTIME, __WASI_CLOCKID_MONOTONIC,
                            __WASI_CLOCKID_PROCESS_CPUTIME_ID,
                            __WASI_CLOCKID_THREAD_CPUTIME_ID};
  const char *names[] = {"realtime", "monotonic", "process cputime",
                         "thread cputime"};
  for (int i = 0; i < 4; i++) {
    __wasi_timestamp_t res = 0;
    char what[64];
    snprintf(what, sizeof what, "res_get %s positive, <= 1s", names[i]);
    check(what, __wasi_clock_res_get(ids[i], &res) == 0 && res > 0 &&
                    res <= 1000000000ull);
  }
  __wasi_timestamp_t cpu = now(__WASI_CLOCKID_PROCESS_CPUTIME_ID);
  check("process cputime nonzero after work", cpu > 0);
  __wasi_timestamp_t t;
  check("bad clock id is EINVAL",
        __wasi_clock_time_get(42, 1, &t) == __WASI_ERRNO_INVAL);
  check("bad clock id res_get is EINVAL",
        __wasi_clock_res_get(42, &t) == __WASI_ERRNO_INVAL);
  return failed;
}
