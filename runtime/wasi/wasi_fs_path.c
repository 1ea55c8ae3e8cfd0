/* wasi_fs_path.c — path_* operations. Every path goes through
 * wasi_resolve() (wasi_path.c), which yields a directory beneath the
 * guest's descriptor plus a final component; the operation then uses the
 * *at() call on that pair without following a final symlink. */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static uint16_t host_rc(int r) {
  return r == 0 ? WASI_ESUCCESS : wasi_errno_from_host(errno);
}

/* Checks the trailing-slash rule: "name/" must be a directory. */
static uint16_t check_dir_slash(const wasi_resolved *r) {
  struct stat st;
  if (!r->must_be_dir)
    return WASI_ESUCCESS;
  if (fstatat(r->dirfd, r->name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return wasi_errno_from_host(errno);
  return S_ISDIR(st.st_mode) ? WASI_ESUCCESS : WASI_ENOTDIR;
}

uint16_t wasi_impl_path_create_directory(wasi_call *c) {
  wasi_resolved r;
  uint16_t rc =
      wasi_resolve(c, wasi_arg32(c, 0), WASI_RIGHT_PATH_CREATE_DIRECTORY,
                   wasi_arg32(c, 1), wasi_arg32(c, 2), false, &r);
  if (rc)
    return rc;
  rc = host_rc(mkdirat(r.dirfd, r.name, 0777));
  wasi_resolved_done(&r);
  return rc;
}

uint16_t wasi_impl_path_filestat_get(wasi_call *c) {
  if (wasi_vroot_self(c, wasi_arg32(c, 0), wasi_arg32(c, 2),
                      wasi_arg32(c, 3))) {
    struct stat dir = {.st_mode = S_IFDIR, .st_nlink = 1};
    return wasi_store_filestat(c, wasi_arg32(c, 4), &dir);
  }
  wasi_resolved r;
  bool follow = wasi_arg32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW;
  uint16_t rc = wasi_resolve(c, wasi_arg32(c, 0), WASI_RIGHT_PATH_FILESTAT_GET,
                             wasi_arg32(c, 2), wasi_arg32(c, 3), follow, &r);
  if (rc)
    return rc;
  struct stat st;
  rc = host_rc(fstatat(r.dirfd, r.name, &st, AT_SYMLINK_NOFOLLOW));
  if (!rc && r.must_be_dir && !S_ISDIR(st.st_mode))
    rc = WASI_ENOTDIR;
  wasi_resolved_done(&r);
  return rc ? rc : wasi_store_filestat(c, wasi_arg32(c, 4), &st);
}

uint16_t wasi_impl_path_filestat_set_times(wasi_call *c) {
  struct timespec ts[2];
  uint16_t rc = wasi_times_to_host(wasi_arg64(c, 4), wasi_arg64(c, 5),
                                   wasi_arg32(c, 6) & 0xffff, ts);
  if (rc)
    return rc;
  wasi_resolved r;
  bool follow = wasi_arg32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW;
  rc = wasi_resolve(c, wasi_arg32(c, 0), WASI_RIGHT_PATH_FILESTAT_SET_TIMES,
                    wasi_arg32(c, 2), wasi_arg32(c, 3), follow, &r);
  if (rc)
    return rc;
  rc = host_rc(utimensat(r.dirfd, r.name, ts, AT_SYMLINK_NOFOLLOW));
  wasi_resolved_done(&r);
  return rc;
}

uint16_t wasi_impl_path_link(wasi_call *c) {
  wasi_resolved from, to;
  bool follow = wasi_arg32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW;
  uint16_t rc = wasi_resolve(c, wasi_arg32(c, 0), WASI_RIGHT_PATH_LINK_SOURCE,
                             wasi_arg32(c, 2), wasi_arg32(c, 3), follow, &from);
  if (rc)
    return rc;
  rc = wasi_resolve(c, wasi_arg32(c, 4), WASI_RIGHT_PATH_LINK_TARGET,
                    wasi_arg32(c, 5), wasi_arg32(c, 6), false, &to);
  if (!rc) {
    rc = from.must_be_dir || to.must_be_dir
             ? WASI_ENOENT
             : host_rc(linkat(from.dirfd, from.name, to.dirfd, to.name, 0));
    wasi_resolved_done(&to);
  }
  wasi_resolved_done(&from);
  return rc;
}

uint16_t wasi_impl_path_readlink(wasi_call *c) {
  wasi_resolved r;
  uint32_t len = wasi_arg32(c, 4);
  uint8_t *buf = wasi_ptr(c, wasi_arg32(c, 3), len);
  if (!buf || !wasi_ptr(c, wasi_arg32(c, 5), 4))
    return WASI_EFAULT;
  uint16_t rc = wasi_resolve(c, wasi_arg32(c, 0), WASI_RIGHT_PATH_READLINK,
                             wasi_arg32(c, 1), wasi_arg32(c, 2), false, &r);
  if (rc)
    return rc;
  char target[WASI_MAX_PATH];
  ssize_t n = readlinkat(r.dirfd, r.name, target, sizeof target);
  rc = n < 0 ? wasi_errno_from_host(errno) : WASI_ESUCCESS;
  wasi_resolved_done(&r);
  if (rc)
    return rc;
  uint32_t copy = (uint64_t)n < len ? (uint32_t)n : len; /* truncates */
  memcpy(buf, target, copy);
  return wasi_put32(c, wasi_arg32(c, 5), copy);
}

static uint16_t remove_entry(wasi_call *c, uint64_t right, int flags) {
  wasi_resolved r;
  uint16_t rc = wasi_resolve(c, wasi_arg32(c, 0), right, wasi_arg32(c, 1),
                             wasi_arg32(c, 2), false, &r);
  if (rc)
    return rc;
  if (flags == 0 && r.must_be_dir) {
    uint16_t d = check_dir_slash(&r); /* "x/" is never a plain file */
    rc = d ? d : WASI_EISDIR;
  } else
    rc = host_rc(unlinkat(r.dirfd, r.name, flags));
  wasi_resolved_done(&r);
  return rc;
}

uint16_t wasi_impl_path_remove_directory(wasi_call *c) {
  return remove_entry(c, WASI_RIGHT_PATH_REMOVE_DIRECTORY, AT_REMOVEDIR);
}

uint16_t wasi_impl_path_unlink_file(wasi_call *c) {
  return remove_entry(c, WASI_RIGHT_PATH_UNLINK_FILE, 0);
}

uint16_t wasi_impl_path_rename(wasi_call *c) {
  wasi_resolved from, to;
  uint16_t rc = wasi_resolve(c, wasi_arg32(c, 0), WASI_RIGHT_PATH_RENAME_SOURCE,
                             wasi_arg32(c, 1), wasi_arg32(c, 2), false, &from);
  if (rc)
    return rc;
  rc = wasi_resolve(c, wasi_arg32(c, 3), WASI_RIGHT_PATH_RENAME_TARGET,
                    wasi_arg32(c, 4), wasi_arg32(c, 5), false, &to);
  if (!rc) {
    rc = check_dir_slash(&from);
    if (!rc)
      rc = host_rc(renameat(from.dirfd, from.name, to.dirfd, to.name));
    wasi_resolved_done(&to);
  }
  wasi_resolved_done(&from);
  return rc;
}

uint16_t wasi_impl_path_symlink(wasi_call *c) {
  uint32_t tlen = wasi_arg32(c, 1);
  const uint8_t *t = wasi_ptr(c, wasi_arg32(c, 0), tlen);
  if (!t)
    return WASI_EFAULT;
  if (tlen >= WASI_MAX_PATH)
    return WASI_ENAMETOOLONG;
  if (memchr(t, 0, tlen))
    return WASI_EINVAL;
  /* The target is stored as given; it is checked whenever it is
   * followed, so an absolute or escaping target is harmless here. */
  char target[WASI_MAX_PATH];
  memcpy(target, t, tlen);
  target[tlen] = '\0';
  wasi_resolved r;
  uint16_t rc = wasi_resolve(c, wasi_arg32(c, 2), WASI_RIGHT_PATH_SYMLINK,
                             wasi_arg32(c, 3), wasi_arg32(c, 4), false, &r);
  if (rc)
    return rc;
  rc =
      r.must_be_dir ? WASI_ENOENT : host_rc(symlinkat(target, r.dirfd, r.name));
  wasi_resolved_done(&r);
  return rc;
}

/* ----------------------------------------------------------- path_open */

static int open_flags(uint32_t oflags, uint32_t fdflags, uint64_t rights,
                      bool must_be_dir) {
  int fl = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  fl |= (oflags & WASI_O_CREAT) ? O_CREAT : 0;
  fl |= (oflags & WASI_O_EXCL) ? O_EXCL : 0;
  fl |= (oflags & WASI_O_TRUNC) ? O_TRUNC : 0;
  fl |= (fdflags & WASI_FDFLAG_APPEND) ? O_APPEND : 0;
  fl |= (fdflags & WASI_FDFLAG_NONBLOCK) ? O_NONBLOCK : 0;
  fl |= (fdflags & WASI_FDFLAG_DSYNC) ? O_DSYNC : 0;
  fl |= (fdflags & WASI_FDFLAG_RSYNC) ? O_RSYNC : 0;
  fl |= (fdflags & WASI_FDFLAG_SYNC) ? O_SYNC : 0;
  if ((oflags & WASI_O_DIRECTORY) || must_be_dir)
    return fl | O_DIRECTORY | O_RDONLY;
  bool rd = rights & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR);
  bool wr = (rights & (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE |
                       WASI_RIGHT_FD_FILESTAT_SET_SIZE)) ||
            (oflags & WASI_O_TRUNC) || (fdflags & WASI_FDFLAG_APPEND);
  return fl | (rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY);
}

/* Rights of the new descriptor: what was asked, within what the directory
 * may hand out, within what the file type and access mode allow. */
static uint64_t opened_rights(uint64_t asked, uint64_t inheriting, uint8_t type,
                              int fl) {
  uint64_t r = asked & inheriting;
  r &= type == WASI_FILETYPE_DIRECTORY ? WASI_RIGHTS_DIR : WASI_RIGHTS_FILE;
  int acc = fl & O_ACCMODE;
  if (acc == O_RDONLY)
    r &= ~(WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE |
           WASI_RIGHT_FD_FILESTAT_SET_SIZE | WASI_RIGHT_FD_DATASYNC);
  if (acc == O_WRONLY)
    r &= ~(WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR);
  return r;
}

static uint16_t open_at(const wasi_resolved *r, int *fl, int *out) {
  int fd = openat(r->dirfd, r->name, *fl, 0666);
  if (fd < 0 && errno == EISDIR && !(*fl & O_CREAT)) {
    /* A directory opened with write rights: open it as a directory. */
    *fl = (*fl & ~(O_ACCMODE | O_TRUNC | O_APPEND)) | O_RDONLY | O_DIRECTORY;
    fd = openat(r->dirfd, r->name, *fl, 0666);
  }
  if (fd < 0)
    return wasi_errno_from_host(errno); /* a final symlink gives ELOOP */
  *out = fd;
  return WASI_ESUCCESS;
}

/* Opening "." of the virtual root: another handle on the root. */
static uint16_t open_vroot(wasi_call *c, uint64_t asked, uint64_t asked_inh,
                           uint32_t oflags) {
  wasi_fd *root;
  uint16_t rc =
      wasi_fd_get(c->ctx, wasi_arg32(c, 0), WASI_RIGHT_PATH_OPEN, &root);
  if (rc)
    return rc;
  if (oflags & (WASI_O_CREAT | WASI_O_TRUNC | WASI_O_EXCL))
    return WASI_EISDIR;
  wasi_fd e = {.kind = WASI_FD_VROOT, .filetype = WASI_FILETYPE_DIRECTORY};
  e.rights = asked & root->inheriting & WASI_RIGHTS_DIR;
  e.inheriting = asked_inh & root->inheriting;
  uint32_t n;
  rc = wasi_fd_insert(c->ctx, &e, &n);
  return rc ? rc : wasi_put32(c, wasi_arg32(c, 8), n);
}

uint16_t wasi_impl_path_open(wasi_call *c) {
  uint32_t dirfd = wasi_arg32(c, 0), oflags = wasi_arg32(c, 4) & 0xffff;
  uint64_t asked = wasi_arg64(c, 5), asked_inh = wasi_arg64(c, 6);
  uint32_t fdflags = wasi_arg32(c, 7) & 0xffff, ret = wasi_arg32(c, 8);
  uint64_t need = WASI_RIGHT_PATH_OPEN;
  need |= (oflags & WASI_O_CREAT) ? WASI_RIGHT_PATH_CREATE_FILE : 0;
  need |= (oflags & WASI_O_TRUNC) ? WASI_RIGHT_PATH_FILESTAT_SET_SIZE : 0;
  if (!wasi_ptr(c, ret, 4))
    return WASI_EFAULT;
  if (wasi_vroot_self(c, dirfd, wasi_arg32(c, 2), wasi_arg32(c, 3)))
    return open_vroot(c, asked, asked_inh, oflags);
  wasi_resolved r;
  bool follow = wasi_arg32(c, 1) & WASI_LOOKUP_SYMLINK_FOLLOW;
  uint16_t rc = wasi_resolve(c, dirfd, need, wasi_arg32(c, 2), wasi_arg32(c, 3),
                             follow, &r);
  if (rc)
    return rc;
  uint64_t inheriting = c->ctx->fds[dirfd].inheriting;
  int fl = open_flags(oflags, fdflags, asked, r.must_be_dir), fd = -1;
  rc = open_at(&r, &fl, &fd);
  wasi_resolved_done(&r);
  if (rc)
    return rc;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    rc = wasi_errno_from_host(errno);
    close(fd);
    return rc;
  }
  wasi_fd e = {.kind = WASI_FD_HOST, .host = fd, .owned = true};
  e.filetype = wasi_filetype_from_mode(st.st_mode);
  e.rights = opened_rights(asked, inheriting, e.filetype, fl);
  e.inheriting = asked_inh & inheriting;
  uint32_t n;
  rc = wasi_fd_insert(c->ctx, &e, &n);
  if (rc) {
    close(fd);
    return rc;
  }
  return wasi_put32(c, ret, n);
}
