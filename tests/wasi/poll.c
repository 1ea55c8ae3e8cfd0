/* poll.c — poll_oneoff with relative clock subscriptions sleeps at least
 * the requested time; the earliest of two timeouts fires first, with its
 * userdata; an empty subscription list is EINVAL. */
#include <stdio.h>
#include <time.h>
#include <wasi/api.h>

static int failed;

static void check(const char *what, int ok) {
  printf("%s: %s\n", what, ok ? "ok" : "FAIL");
  failed |= !ok;
}

static __wasi_timestamp_t mono(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

static __wasi_subscription_t sleeper(uint64_t userdata, uint64_t ns) {
  __wasi_subscription_t s = {.userdata = userdata};
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s.u.u.clock.timeout = ns;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = 0; /* relative */
  return s;
}

int main(void) {
  const uint64_t ms = 1000000;
  __wasi_subscription_t sub = sleeper(7, 50 * ms);
  __wasi_event_t ev[2];
  __wasi_size_t n = 0;
  __wasi_timestamp_t t0 = mono();
  check("poll_oneoff 50ms", __wasi_poll_oneoff(&sub, ev, 1, &n) == 0);
  __wasi_timestamp_t slept = mono() - t0;
  check("one event", n == 1 && ev[0].userdata == 7 && ev[0].error == 0 &&
                         ev[0].type == __WASI_EVENTTYPE_CLOCK);
  check("slept at least 50ms", slept >= 50 * ms);
  check("slept less than 5s", slept < 5000 * ms);

  __wasi_subscription_t two[2] = {sleeper(1, 300 * ms), sleeper(2, 20 * ms)};
  t0 = mono();
  check("poll_oneoff two clocks", __wasi_poll_oneoff(two, ev, 2, &n) == 0);
  slept = mono() - t0;
  check("earliest fires first", n >= 1 && ev[0].userdata == 2);
  check("at least 20ms, not the 300ms one",
        slept >= 20 * ms && (n == 2 || slept < 300 * ms));

  struct timespec req = {0, 30 * 1000000};
  t0 = mono();
  check("nanosleep 30ms", nanosleep(&req, NULL) == 0 && mono() - t0 >= 30 * ms);
  check("no subscriptions is EINVAL",
        __wasi_poll_oneoff(&sub, ev, 0, &n) == __WASI_ERRNO_INVAL);
  return failed;
}
