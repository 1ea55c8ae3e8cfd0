/* wasi_sock.c — sock_accept / sock_recv / sock_send / sock_shutdown on
 * socket descriptors the embedder placed in the table. WASI preview1 has
 * no way to create sockets, so without such descriptors every call ends in
 * NOTSOCK (or BADF for a closed number). */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define SOCK_IOV_CHUNK 64

static uint16_t sock_fd(wasi_call *c, uint64_t rights, wasi_fd **e) {
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), rights, e);
  if (rc)
    return rc;
  if ((*e)->kind != WASI_FD_HOST ||
      ((*e)->filetype != WASI_FILETYPE_SOCKET_STREAM &&
       (*e)->filetype != WASI_FILETYPE_SOCKET_DGRAM))
    return WASI_ENOTSOCK;
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_sock_accept(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = sock_fd(c, WASI_RIGHT_SOCK_ACCEPT, &e);
  if (rc)
    return rc;
  uint32_t flags = wasi_arg32(c, 1) & 0xffff;
  if (flags & ~(uint32_t)WASI_FDFLAG_NONBLOCK)
    return WASI_EINVAL;
  if (!wasi_ptr(c, wasi_arg32(c, 2), 4))
    return WASI_EFAULT;
  int fd =
      accept4(e->host, NULL, NULL, SOCK_CLOEXEC | (flags ? SOCK_NONBLOCK : 0));
  if (fd < 0)
    return wasi_errno_from_host(errno);
  wasi_fd n = {.kind = WASI_FD_HOST,
               .host = fd,
               .owned = true,
               .filetype = WASI_FILETYPE_SOCKET_STREAM,
               .rights =
                   WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE |
                   WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_FILESTAT_GET |
                   WASI_RIGHT_POLL_FD_READWRITE | WASI_RIGHT_SOCK_SHUTDOWN};
  uint32_t num;
  rc = wasi_fd_insert(c->ctx, &n, &num);
  if (rc) {
    close(fd);
    return rc;
  }
  return wasi_put32(c, wasi_arg32(c, 2), num);
}

/* Collects guest iovecs (array at ptr, n entries) into v, at most
 * SOCK_IOV_CHUNK of them: a message is one system call, so the rest are
 * left unused, as a short transfer. */
static uint16_t sock_iovs(wasi_call *c, uint32_t ptr, uint32_t n,
                          struct iovec *v, int *k) {
  const uint8_t *arr = wasi_ptr(c, ptr, (uint64_t)n * 8);
  if (!arr)
    return WASI_EFAULT;
  *k = 0;
  for (uint32_t i = 0; i < n && *k < SOCK_IOV_CHUNK; i++) {
    uint32_t buf = wasi_ld32(arr + 8 * (uint64_t)i);
    uint32_t len = wasi_ld32(arr + 8 * (uint64_t)i + 4);
    uint8_t *p = wasi_ptr(c, buf, len);
    if (!p)
      return WASI_EFAULT;
    v[*k].iov_base = p;
    v[(*k)++].iov_len = len;
  }
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_sock_recv(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = sock_fd(c, WASI_RIGHT_FD_READ, &e);
  if (rc)
    return rc;
  uint32_t riflags = wasi_arg32(c, 3) & 0xffff;
  struct iovec v[SOCK_IOV_CHUNK];
  struct msghdr msg = {.msg_iov = v};
  int k;
  if ((rc = sock_iovs(c, wasi_arg32(c, 1), wasi_arg32(c, 2), v, &k)))
    return rc;
  if (!wasi_ptr(c, wasi_arg32(c, 4), 4) || !wasi_ptr(c, wasi_arg32(c, 5), 2))
    return WASI_EFAULT;
  msg.msg_iovlen = (size_t)k;
  int fl = ((riflags & 1) ? MSG_PEEK : 0) | ((riflags & 2) ? MSG_WAITALL : 0);
  ssize_t n = recvmsg(e->host, &msg, fl);
  if (n < 0)
    return wasi_errno_from_host(errno);
  wasi_put32(c, wasi_arg32(c, 4), (uint32_t)n);
  uint8_t *ro = wasi_ptr(c, wasi_arg32(c, 5), 2);
  wasi_st16(ro, (msg.msg_flags & MSG_TRUNC) ? 1 : 0);
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_sock_send(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = sock_fd(c, WASI_RIGHT_FD_WRITE, &e);
  if (rc)
    return rc;
  struct iovec v[SOCK_IOV_CHUNK];
  struct msghdr msg = {.msg_iov = v};
  int k;
  if ((rc = sock_iovs(c, wasi_arg32(c, 1), wasi_arg32(c, 2), v, &k)))
    return rc;
  if (!wasi_ptr(c, wasi_arg32(c, 4), 4))
    return WASI_EFAULT;
  msg.msg_iovlen = (size_t)k;
  ssize_t n = sendmsg(e->host, &msg, MSG_NOSIGNAL);
  if (n < 0)
    return wasi_errno_from_host(errno);
  return wasi_put32(c, wasi_arg32(c, 4), (uint32_t)n);
}

uint16_t wasi_impl_sock_shutdown(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = sock_fd(c, WASI_RIGHT_SOCK_SHUTDOWN, &e);
  if (rc)
    return rc;
  uint32_t how = wasi_arg32(c, 1) & 0xff; /* sdflags: RD=1, WR=2 */
  static const int map[] = {-1, SHUT_RD, SHUT_WR, SHUT_RDWR};
  if (how == 0 || how > 3)
    return WASI_EINVAL;
  if (shutdown(e->host, map[how]) != 0)
    return wasi_errno_from_host(errno);
  return WASI_ESUCCESS;
}
