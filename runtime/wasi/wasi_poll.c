/* wasi_poll.c — poll_oneoff: clock subscriptions become a ppoll()
 * timeout, fd_read/fd_write subscriptions become pollfds. In-memory stdio
 * is always ready. The call returns once at least one event is ready and
 * never before the earliest clock deadline has passed. */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Guests may pass any count; the host arrays are proportional to it, so
 * it is capped. */
#define WASI_MAX_SUBSCRIPTIONS 4096u
#define EVENT_SIZE 32u

typedef struct poll_state {
  wasi_subscription *subs;
  struct pollfd *pfds;
  uint32_t *pidx; /* pollfd -> subscription */
  uint32_t nsubs, npfds, nevents;
  uint8_t *out;
  bool has_clock;
  uint64_t earliest; /* monotonic deadline of the earliest clock */
} poll_state;

static uint64_t now_ns(int clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return wasi_timespec_ns(ts.tv_sec, ts.tv_nsec);
}

static void emit(poll_state *ps, const wasi_subscription *s, uint16_t error,
                 uint64_t nbytes, uint16_t flags) {
  uint8_t *p = ps->out + (uint64_t)ps->nevents++ * EVENT_SIZE;
  memset(p, 0, EVENT_SIZE);
  wasi_st64(p, s->userdata);
  wasi_st16(p + 8, error);
  p[10] = s->tag;
  wasi_st64(p + 16, nbytes);
  wasi_st16(p + 24, flags);
}

/* Turns a clock subscription's timeout into a monotonic deadline (kept in
 * s->timeout). */
static void add_clock(poll_state *ps, wasi_subscription *s, uint64_t mono) {
  int clk;
  if (wasi_clock_to_host(s->clock_id, &clk) != WASI_ESUCCESS) {
    emit(ps, s, WASI_EINVAL, 0, 0);
    s->tag = 0xff; /* handled */
    return;
  }
  uint64_t wait = s->timeout;
  if (s->flags & 1) { /* ABSTIME: relative to that clock's now */
    uint64_t now = now_ns(clk);
    wait = s->timeout > now ? s->timeout - now : 0;
  }
  s->timeout = wait > UINT64_MAX - mono ? UINT64_MAX : mono + wait;
  if (!ps->has_clock || s->timeout < ps->earliest)
    ps->earliest = s->timeout;
  ps->has_clock = true;
}

static void add_fd(poll_state *ps, wasi_ctx *ctx, wasi_subscription *s) {
  wasi_fd *e;
  uint16_t rc = wasi_fd_get(ctx, s->fd, WASI_RIGHT_POLL_FD_READWRITE, &e);
  if (rc == WASI_ESUCCESS && e->kind != WASI_FD_HOST) {
    bool rd = s->tag == 1;
    rc = (rd == (e->kind == WASI_FD_STDIN)) ? WASI_ESUCCESS : WASI_EBADF;
    uint64_t n = rd ? ctx->out[0].len - ctx->out[0].pos : 0;
    emit(ps, s, rc, n, rd && n == 0 ? 1 : 0);
  } else if (rc != WASI_ESUCCESS) {
    emit(ps, s, rc, 0, 0);
  } else {
    ps->pfds[ps->npfds] = (struct pollfd){
        .fd = e->host, .events = s->tag == 1 ? POLLIN : POLLOUT};
    ps->pidx[ps->npfds++] = (uint32_t)(s - ps->subs);
  }
}

/* Bytes available for reading: file size past the cursor, or FIONREAD. */
static uint64_t readable(int fd) {
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t pos = lseek(fd, 0, SEEK_CUR);
    return pos >= 0 && st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
  }
  int n = 0;
  return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (uint64_t)n : 0;
}

static void collect(poll_state *ps, uint64_t mono) {
  for (uint32_t i = 0; i < ps->npfds; i++) {
    short re = ps->pfds[i].revents;
    const wasi_subscription *s = &ps->subs[ps->pidx[i]];
    if (!re)
      continue;
    if (re & POLLNVAL)
      emit(ps, s, WASI_EBADF, 0, 0);
    else if ((re & POLLERR) && !(re & (POLLIN | POLLOUT)))
      emit(ps, s, WASI_EIO, 0, 0);
    else
      emit(ps, s, 0, s->tag == 1 ? readable(ps->pfds[i].fd) : 0,
           (re & POLLHUP) ? 1 : 0);
  }
  for (uint32_t i = 0; i < ps->nsubs; i++)
    if (ps->subs[i].tag == 0 && ps->subs[i].timeout <= mono)
      emit(ps, &ps->subs[i], 0, 0, 0);
}

static uint16_t wait_events(poll_state *ps) {
  for (;;) {
    uint64_t mono = now_ns(CLOCK_MONOTONIC);
    struct timespec ts = {0, 0}, *tp = &ts;
    if (ps->nevents == 0 && !ps->has_clock) {
      tp = NULL; /* fds only: wait as long as it takes */
    } else if (ps->nevents == 0 && ps->earliest > mono) {
      uint64_t d = ps->earliest - mono;
      ts.tv_sec = (time_t)(d / 1000000000u);
      ts.tv_nsec = (long)(d % 1000000000u);
    }
    int r = ppoll(ps->pfds, ps->npfds, tp, NULL);
    if (r < 0 && errno != EINTR)
      return wasi_errno_from_host(errno);
    if (r > 0 || ps->has_clock || ps->nevents > 0)
      collect(ps, now_ns(CLOCK_MONOTONIC));
    if (ps->nevents > 0)
      return WASI_ESUCCESS;
  }
}

uint16_t wasi_impl_poll_oneoff(wasi_call *c) {
  uint32_t n = wasi_arg32(c, 2), size = wasi_subscription_size(c->version);
  const uint8_t *in = wasi_ptr(c, wasi_arg32(c, 0), (uint64_t)n * size);
  poll_state ps = {.nsubs = n,
                   .out =
                       wasi_ptr(c, wasi_arg32(c, 1), (uint64_t)n * EVENT_SIZE)};
  if (!in || !ps.out || !wasi_ptr(c, wasi_arg32(c, 3), 4))
    return WASI_EFAULT;
  if (n == 0 || n > WASI_MAX_SUBSCRIPTIONS)
    return WASI_EINVAL;
  ps.subs = calloc(n, sizeof *ps.subs);
  ps.pfds = calloc(n, sizeof *ps.pfds);
  ps.pidx = calloc(n, sizeof *ps.pidx);
  uint16_t rc = WASI_ENOMEM;
  if (ps.subs && ps.pfds && ps.pidx) {
    uint64_t mono = now_ns(CLOCK_MONOTONIC);
    for (uint32_t i = 0; i < n; i++) {
      wasi_subscription *s = &ps.subs[i];
      wasi_subscription_load(c->version, in + (uint64_t)i * size, s);
      if (s->tag == 0)
        add_clock(&ps, s, mono);
      else if (s->tag <= 2)
        add_fd(&ps, c->ctx, s);
      else
        emit(&ps, s, WASI_EINVAL, 0, 0);
    }
    rc = wait_events(&ps);
  }
  free(ps.subs);
  free(ps.pfds);
  free(ps.pidx);
  return rc ? rc : wasi_put32(c, wasi_arg32(c, 3), ps.nevents);
}
