/* wasi_fs.c — descriptor operations (fd_*): reads and writes through
 * iovecs, seeking, stat, flags and rights, preopen queries, readdir. */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* Host iovecs gathered per system call; the guest's count is unbounded,
 * so they are processed in chunks of this many. */
#define IOV_CHUNK 64

/* Appends to a capture buffer, growing it up to its limit. */
static ssize_t capture_write(wasi_buf *b, const struct iovec *v, int n) {
  size_t done = 0;
  for (int i = 0; i < n; i++) {
    size_t len = v[i].iov_len;
    if (len > b->limit - b->len)
      len = b->limit - b->len;
    if (b->len + len > b->cap) {
      size_t cap = b->cap ? b->cap : 4096;
      while (cap < b->len + len)
        cap = cap > b->limit / 2 ? b->limit : cap * 2;
      uint8_t *d = realloc(b->data, cap);
      if (!d)
        break;
      b->data = d;
      b->cap = cap;
    }
    memcpy(b->data + b->len, v[i].iov_base, len);
    b->len += len;
    done += len;
    if (len < v[i].iov_len)
      break;
  }
  if (done == 0 && n > 0) {
    errno = ENOSPC;
    return -1;
  }
  return (ssize_t)done;
}

static ssize_t buffer_read(wasi_buf *b, const struct iovec *v, int n) {
  size_t done = 0;
  for (int i = 0; i < n && b->pos < b->len; i++) {
    size_t len = v[i].iov_len;
    if (len > b->len - b->pos)
      len = b->len - b->pos;
    memcpy(v[i].iov_base, b->data + b->pos, len);
    b->pos += len;
    done += len;
  }
  return (ssize_t)done;
}

/* One transfer on a descriptor; off < 0 means "at the cursor". */
static ssize_t xfer(wasi_ctx *ctx, wasi_fd *e, const struct iovec *v, int n,
                    bool write, int64_t off) {
  switch (e->kind) {
  case WASI_FD_HOST:
    if (off < 0)
      return write ? writev(e->host, v, n) : readv(e->host, v, n);
    return write ? pwritev(e->host, v, n, off) : preadv(e->host, v, n, off);
  case WASI_FD_CAPTURE:
    if (write && off < 0)
      return capture_write(&ctx->out[e->host], v, n);
    break;
  case WASI_FD_STDIN:
    if (!write && off < 0)
      return buffer_read(&ctx->out[0], v, n);
    break;
  default:
    break;
  }
  errno = off < 0 ? EBADF : ESPIPE;
  return -1;
}

/* Gathers up to IOV_CHUNK non-empty guest iovecs starting at *i. The
 * running total stays below 4 GiB so it fits the u32 result. */
static uint16_t gather(const wasi_call *c, const uint8_t *arr, uint32_t n,
                       uint32_t *i, uint64_t total, struct iovec *v, int *k,
                       uint64_t *want) {
  *k = 0;
  *want = 0;
  for (; *i < n && *k < IOV_CHUNK; (*i)++) {
    uint32_t buf = wasi_ld32(arr + 8 * (uint64_t)*i);
    uint64_t len = wasi_ld32(arr + 8 * (uint64_t)*i + 4);
    uint8_t *p = wasi_ptr(c, buf, len);
    if (!p)
      return WASI_EFAULT;
    uint64_t room = UINT32_MAX - total - *want;
    if (len > room)
      len = room;
    if (len == 0)
      continue;
    v[*k].iov_base = p;
    v[*k].iov_len = (size_t)len;
    (*k)++;
    *want += len;
  }
  return WASI_ESUCCESS;
}

static uint16_t rw_iovs(wasi_call *c, wasi_fd *e, uint32_t iovs, uint32_t n,
                        bool write, int64_t off, uint32_t ret) {
  const uint8_t *arr = wasi_ptr(c, iovs, (uint64_t)n * 8);
  if (!arr || !wasi_ptr(c, ret, 4))
    return WASI_EFAULT;
  uint64_t total = 0;
  for (uint32_t i = 0; i < n;) {
    struct iovec v[IOV_CHUNK];
    int k;
    uint64_t want;
    uint16_t rc = gather(c, arr, n, &i, total, v, &k, &want);
    if (rc)
      return rc;
    if (k == 0)
      continue;
    int64_t at = off < 0 ? -1 : off + (int64_t)total;
    ssize_t r = xfer(c->ctx, e, v, k, write, at);
    if (r < 0) {
      if (total > 0)
        break; /* report what was transferred; the error comes next call */
      return wasi_errno_from_host(errno);
    }
    total += (uint64_t)r;
    if ((uint64_t)r < want)
      break;
  }
  return wasi_put32(c, ret, (uint32_t)total);
}

uint16_t wasi_impl_fd_read(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), WASI_RIGHT_FD_READ, &e);
  return rc ? rc
            : rw_iovs(c, e, wasi_arg32(c, 1), wasi_arg32(c, 2), false, -1,
                      wasi_arg32(c, 3));
}

uint16_t wasi_impl_fd_write(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), WASI_RIGHT_FD_WRITE, &e);
  return rc ? rc
            : rw_iovs(c, e, wasi_arg32(c, 1), wasi_arg32(c, 2), true, -1,
                      wasi_arg32(c, 3));
}

static uint16_t positioned(wasi_call *c, bool write) {
  wasi_fd *e;
  uint64_t need =
      WASI_RIGHT_FD_SEEK | (write ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ);
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), need, &e);
  if (rc)
    return rc;
  uint64_t off = wasi_arg64(c, 3);
  if (off > INT64_MAX)
    return WASI_EINVAL;
  return rw_iovs(c, e, wasi_arg32(c, 1), wasi_arg32(c, 2), write, (int64_t)off,
                 wasi_arg32(c, 4));
}

uint16_t wasi_impl_fd_pread(wasi_call *c) {
  return positioned(c, false);
}

uint16_t wasi_impl_fd_pwrite(wasi_call *c) {
  return positioned(c, true);
}

/* A host descriptor with the rights; in-memory stdio and the virtual root
 * have no host file behind them, so SPIPE (like a pipe) for those. */
static uint16_t host_fd(wasi_call *c, uint64_t rights, wasi_fd **e) {
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), rights, e);
  if (rc == WASI_ESUCCESS && (*e)->kind != WASI_FD_HOST)
    return WASI_ESPIPE;
  return rc;
}

bool wasi_whence_to_host(wasi_version v, uint32_t whence, int *out) {
  /* preview1: SET=0 CUR=1 END=2; snapshot0: CUR=0 END=1 SET=2 */
  static const int p1[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  static const int s0[] = {SEEK_CUR, SEEK_END, SEEK_SET};
  if (whence > 2)
    return false;
  *out = v == WASI_SNAPSHOT0 ? s0[whence] : p1[whence];
  return true;
}

uint16_t wasi_impl_fd_seek(wasi_call *c) {
  int64_t off = (int64_t)wasi_arg64(c, 1);
  int whence;
  if (!wasi_whence_to_host(c->version, wasi_arg32(c, 2) & 0xff, &whence))
    return WASI_EINVAL;
  /* Asking for the position alone needs only FD_TELL (as wasmtime). */
  uint64_t need = (off == 0 && whence == SEEK_CUR) ? WASI_RIGHT_FD_TELL
                                                   : WASI_RIGHT_FD_SEEK;
  wasi_fd *e;
  uint16_t rc = host_fd(c, need, &e);
  if (rc)
    return rc;
  if (!wasi_ptr(c, wasi_arg32(c, 3), 8))
    return WASI_EFAULT;
  off_t pos = lseek(e->host, off, whence);
  if (pos < 0)
    return wasi_errno_from_host(errno);
  return wasi_put64(c, wasi_arg32(c, 3), (uint64_t)pos);
}

uint16_t wasi_impl_fd_tell(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = host_fd(c, WASI_RIGHT_FD_TELL, &e);
  if (rc)
    return rc;
  if (!wasi_ptr(c, wasi_arg32(c, 1), 8))
    return WASI_EFAULT;
  off_t pos = lseek(e->host, 0, SEEK_CUR);
  if (pos < 0)
    return wasi_errno_from_host(errno);
  return wasi_put64(c, wasi_arg32(c, 1), (uint64_t)pos);
}

uint16_t wasi_impl_fd_close(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), 0, &e);
  if (rc)
    return rc;
  wasi_fd_release(e); /* preopens too: the spec does not forbid it */
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_fd_renumber(wasi_call *c) {
  wasi_fd *from, *to;
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), 0, &from);
  if (!rc)
    rc = wasi_fd_get(c->ctx, wasi_arg32(c, 1), 0, &to);
  if (rc || from == to)
    return rc;
  wasi_fd_release(to);
  *to = *from;
  memset(from, 0, sizeof *from); /* moved, not closed */
  return WASI_ESUCCESS;
}

static uint16_t sync_common(wasi_call *c, uint64_t right, bool data) {
  wasi_fd *e;
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), right, &e);
  if (rc || e->kind != WASI_FD_HOST)
    return rc;
  if ((data ? fdatasync(e->host) : fsync(e->host)) != 0)
    return wasi_errno_from_host(errno);
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_fd_datasync(wasi_call *c) {
  return sync_common(c, WASI_RIGHT_FD_DATASYNC, true);
}

uint16_t wasi_impl_fd_sync(wasi_call *c) {
  return sync_common(c, WASI_RIGHT_FD_SYNC, false);
}

uint16_t wasi_impl_fd_advise(wasi_call *c) {
  static const int advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                               POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                               POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  uint32_t a = wasi_arg32(c, 3) & 0xff;
  wasi_fd *e;
  uint16_t rc = host_fd(c, WASI_RIGHT_FD_ADVISE, &e);
  if (rc)
    return rc;
  if (a > 5 || wasi_arg64(c, 1) > INT64_MAX || wasi_arg64(c, 2) > INT64_MAX)
    return WASI_EINVAL;
  int r = posix_fadvise(e->host, (off_t)wasi_arg64(c, 1),
                        (off_t)wasi_arg64(c, 2), advice[a]);
  return r ? wasi_errno_from_host(r) : WASI_ESUCCESS;
}

uint16_t wasi_impl_fd_allocate(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = host_fd(c, WASI_RIGHT_FD_ALLOCATE, &e);
  if (rc)
    return rc;
  uint64_t off = wasi_arg64(c, 1), len = wasi_arg64(c, 2);
  if (off > INT64_MAX || len > INT64_MAX - off)
    return WASI_EINVAL;
  int r = posix_fallocate(e->host, (off_t)off, (off_t)len);
  return r ? wasi_errno_from_host(r) : WASI_ESUCCESS;
}

static uint16_t fdflags_of(const wasi_fd *e, uint16_t *out) {
  if (e->kind != WASI_FD_HOST) {
    *out = e->fdflags;
    return WASI_ESUCCESS;
  }
  int fl = fcntl(e->host, F_GETFL);
  if (fl < 0)
    return wasi_errno_from_host(errno);
  uint16_t f = 0;
  f |= (fl & O_APPEND) ? WASI_FDFLAG_APPEND : 0;
  f |= (fl & O_NONBLOCK) ? WASI_FDFLAG_NONBLOCK : 0;
  /* O_SYNC includes the O_DSYNC bit on Linux. */
  if ((fl & O_SYNC) == O_SYNC)
    f |= WASI_FDFLAG_SYNC;
  else if (fl & O_DSYNC)
    f |= WASI_FDFLAG_DSYNC;
  *out = f;
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_fd_fdstat_get(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), 0, &e);
  if (rc)
    return rc;
  uint8_t *p = wasi_ptr(c, wasi_arg32(c, 1), 24);
  if (!p)
    return WASI_EFAULT;
  uint16_t flags = 0;
  if ((rc = fdflags_of(e, &flags)))
    return rc;
  memset(p, 0, 24); /* padding included: guests may compare bytes */
  p[0] = e->filetype;
  wasi_st16(p + 2, flags);
  wasi_st64(p + 8, e->rights);
  wasi_st64(p + 16, e->inheriting);
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_fd_fdstat_set_flags(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc =
      wasi_fd_get(c->ctx, wasi_arg32(c, 0), WASI_RIGHT_FD_FDSTAT_SET_FLAGS, &e);
  if (rc)
    return rc;
  uint32_t f = wasi_arg32(c, 1) & 0xffff;
  if (f & ~(uint32_t)(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK))
    return WASI_ENOTSUP; /* Linux cannot change the sync flags later */
  if (e->kind != WASI_FD_HOST) {
    e->fdflags = (uint16_t)f;
    return WASI_ESUCCESS;
  }
  int fl = fcntl(e->host, F_GETFL);
  if (fl < 0)
    return wasi_errno_from_host(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  fl |= (f & WASI_FDFLAG_APPEND) ? O_APPEND : 0;
  fl |= (f & WASI_FDFLAG_NONBLOCK) ? O_NONBLOCK : 0;
  if (fcntl(e->host, F_SETFL, fl) != 0)
    return wasi_errno_from_host(errno);
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_fd_fdstat_set_rights(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), 0, &e);
  if (rc)
    return rc;
  uint64_t base = wasi_arg64(c, 1), inh = wasi_arg64(c, 2);
  /* Rights can only be dropped, never gained. */
  if ((base & ~e->rights) || (inh & ~e->inheriting))
    return WASI_ENOTCAPABLE;
  e->rights = base;
  e->inheriting = inh;
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_fd_filestat_get(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc =
      wasi_fd_get(c->ctx, wasi_arg32(c, 0), WASI_RIGHT_FD_FILESTAT_GET, &e);
  if (rc)
    return rc;
  struct stat st;
  memset(&st, 0, sizeof st);
  if (e->kind == WASI_FD_HOST) {
    if (fstat(e->host, &st) != 0)
      return wasi_errno_from_host(errno);
  } else {
    /* in-memory stdio looks like a tty, the virtual root like a dir */
    st.st_mode = e->kind == WASI_FD_VROOT ? S_IFDIR : S_IFCHR;
  }
  return wasi_store_filestat(c, wasi_arg32(c, 1), &st);
}

uint16_t wasi_impl_fd_filestat_set_size(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = host_fd(c, WASI_RIGHT_FD_FILESTAT_SET_SIZE, &e);
  if (rc)
    return rc;
  if (wasi_arg64(c, 1) > INT64_MAX)
    return WASI_EINVAL;
  if (ftruncate(e->host, (off_t)wasi_arg64(c, 1)) != 0)
    return wasi_errno_from_host(errno);
  return WASI_ESUCCESS;
}

uint16_t wasi_times_to_host(uint64_t atim, uint64_t mtim, uint32_t fst,
                            struct timespec *ts) {
  if (((fst & WASI_FST_ATIM) && (fst & WASI_FST_ATIM_NOW)) ||
      ((fst & WASI_FST_MTIM) && (fst & WASI_FST_MTIM_NOW)) || (fst & ~15u))
    return WASI_EINVAL;
  const uint64_t t[2] = {atim, mtim};
  const uint32_t set[2] = {WASI_FST_ATIM, WASI_FST_MTIM};
  const uint32_t now[2] = {WASI_FST_ATIM_NOW, WASI_FST_MTIM_NOW};
  for (int i = 0; i < 2; i++) {
    ts[i].tv_sec = 0;
    ts[i].tv_nsec = UTIME_OMIT;
    if (fst & now[i]) {
      ts[i].tv_nsec = UTIME_NOW;
    } else if (fst & set[i]) {
      ts[i].tv_sec = (time_t)(t[i] / 1000000000u);
      ts[i].tv_nsec = (long)(t[i] % 1000000000u);
    }
  }
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_fd_filestat_set_times(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = host_fd(c, WASI_RIGHT_FD_FILESTAT_SET_TIMES, &e);
  if (rc)
    return rc;
  struct timespec ts[2];
  rc = wasi_times_to_host(wasi_arg64(c, 1), wasi_arg64(c, 2),
                          wasi_arg32(c, 3) & 0xffff, ts);
  if (rc)
    return rc;
  if (futimens(e->host, ts) != 0)
    return wasi_errno_from_host(errno);
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_fd_prestat_get(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), 0, &e);
  if (rc)
    return rc;
  if (!e->preopen)
    return WASI_EBADF; /* what wasi-libc expects to stop its scan */
  uint8_t *p = wasi_ptr(c, wasi_arg32(c, 1), 8);
  if (!p)
    return WASI_EFAULT;
  memset(p, 0, 8);
  p[0] = 0; /* preopentype dir */
  wasi_st32(p + 4, (uint32_t)strlen(e->preopen));
  return WASI_ESUCCESS;
}

uint16_t wasi_impl_fd_prestat_dir_name(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc = wasi_fd_get(c->ctx, wasi_arg32(c, 0), 0, &e);
  if (rc)
    return rc;
  if (!e->preopen)
    return WASI_EBADF;
  size_t n = strlen(e->preopen);
  uint32_t len = wasi_arg32(c, 2);
  uint8_t *p = wasi_ptr(c, wasi_arg32(c, 1), len);
  if (!p)
    return WASI_EFAULT;
  if (len < n)
    return WASI_ENAMETOOLONG;
  memcpy(p, e->preopen, n); /* no NUL: the length came from prestat */
  return WASI_ESUCCESS;
}

/* ------------------------------------------------------------- readdir */

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static uint8_t filetype_from_dtype(unsigned char t) {
  switch (t) {
  case DT_REG:
    return WASI_FILETYPE_REGULAR_FILE;
  case DT_DIR:
    return WASI_FILETYPE_DIRECTORY;
  case DT_LNK:
    return WASI_FILETYPE_SYMBOLIC_LINK;
  case DT_CHR:
    return WASI_FILETYPE_CHARACTER_DEVICE;
  case DT_BLK:
    return WASI_FILETYPE_BLOCK_DEVICE;
  case DT_SOCK:
    return WASI_FILETYPE_SOCKET_STREAM;
  default:
    return WASI_FILETYPE_UNKNOWN;
  }
}

/* Copies one dirent (24-byte header + name) into the guest buffer,
 * truncated at its end as the spec asks. Returns bytes written. */
static uint32_t put_dirent(uint8_t *dst, uint32_t room,
                           const struct linux_dirent64 *d) {
  uint8_t ent[24 + 256];
  uint32_t namlen = (uint32_t)strnlen(d->d_name, 255);
  memset(ent, 0, 24);
  wasi_st64(ent, (uint64_t)d->d_off); /* d_next: cookie of the next one */
  wasi_st64(ent + 8, d->d_ino);
  wasi_st32(ent + 16, namlen);
  ent[20] = filetype_from_dtype(d->d_type);
  memcpy(ent + 24, d->d_name, namlen);
  uint32_t n = 24 + namlen < room ? 24 + namlen : room;
  memcpy(dst, ent, n);
  return n;
}

/* Cookies are the kernel's directory offsets (d_off), so reading resumes
 * exactly where a previous call stopped. */
uint16_t wasi_impl_fd_readdir(wasi_call *c) {
  wasi_fd *e;
  uint16_t rc =
      wasi_fd_get(c->ctx, wasi_arg32(c, 0), WASI_RIGHT_FD_READDIR, &e);
  if (rc)
    return rc;
  uint32_t len = wasi_arg32(c, 2), used = 0;
  uint8_t *buf = wasi_ptr(c, wasi_arg32(c, 1), len);
  uint64_t cookie = wasi_arg64(c, 3);
  if (!buf || !wasi_ptr(c, wasi_arg32(c, 4), 4))
    return WASI_EFAULT;
  if (e->kind == WASI_FD_VROOT) {
    wasi_vroot_readdir(c, buf, len, cookie, &used);
    return wasi_put32(c, wasi_arg32(c, 4), used);
  }
  if (e->kind != WASI_FD_HOST)
    return WASI_ENOTDIR;
  if (cookie > INT64_MAX)
    return WASI_EINVAL;
  if (lseek(e->host, (off_t)cookie, SEEK_SET) < 0)
    return wasi_errno_from_host(errno);
  _Alignas(8) char dbuf[4096];
  while (used < len) {
    long n = syscall(SYS_getdents64, e->host, dbuf, sizeof dbuf);
    if (n < 0)
      return wasi_errno_from_host(errno);
    if (n == 0)
      break;
    for (long off = 0; off < n && used < len;) {
      const struct linux_dirent64 *d = (const void *)(dbuf + off);
      used += put_dirent(buf + used, len - used, d);
      off += d->d_reclen;
    }
  }
  return wasi_put32(c, wasi_arg32(c, 4), used);
}
