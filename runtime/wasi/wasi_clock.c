/* wasi_clock.c — clock_res_get / clock_time_get. */
#include "wasi_internal.h"

#include <time.h>

uint64_t wasi_timespec_ns(long sec, long nsec) {
  if (sec < 0)
    return 0; /* before 1970: WASI timestamps are unsigned */
  if ((uint64_t)sec > UINT64_MAX / 1000000000u)
    return UINT64_MAX;
  return (uint64_t)sec * 1000000000u + (uint64_t)nsec;
}

uint16_t wasi_clock_to_host(uint32_t id, int *clk) {
  static const int map[] = {CLOCK_REALTIME, CLOCK_MONOTONIC,
                            CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
  if (id > 3)
    return WASI_EINVAL;
  *clk = map[id];
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_clock_res_get(wasi_call *c) {
  int clk;
  uint16_t rc = wasi_clock_to_host(wasi_arg32(c, 0), &clk);
  if (rc)
    return rc;
  struct timespec ts;
  if (clock_getres(clk, &ts) != 0)
    return WASI_EINVAL;
  return wasi_put64(c, wasi_arg32(c, 1),
                    wasi_timespec_ns(ts.tv_sec, ts.tv_nsec));
}

uint16_t wasi_impl_clock_time_get(wasi_call *c) {
  int clk; /* arg 1 (precision) is a hint we need not honour */
  uint16_t rc = wasi_clock_to_host(wasi_arg32(c, 0), &clk);
  if (rc)
    return rc;
  struct timespec ts;
  if (clock_gettime(clk, &ts) != 0)
    return WASI_EINVAL;
  return wasi_put64(c, wasi_arg32(c, 2),
                    wasi_timespec_ns(ts.tv_sec, ts.tv_nsec));
}
