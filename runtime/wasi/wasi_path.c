/* wasi_path.c — sandboxed path resolution beneath a directory descriptor.
 *
 * A guest path is split into parent + final component. The parent is
 * opened beneath the base directory: with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS) where the kernel has it, otherwise by walking
 * component by component with O_NOFOLLOW, splicing symlink targets into
 * the remaining path ourselves (absolute targets and `..` above the base
 * are refused). The final component is never followed by the kernel: the
 * callers use it with *at() calls and AT_SYMLINK_NOFOLLOW / O_NOFOLLOW,
 * and `follow` splices a final symlink here, so every symlink the guest
 * reaches is checked. Escapes yield NOTCAPABLE.
 *
 * The fallback tracks depth to refuse `..` at the base; it is safe
 * against the guest itself (single-threaded), not against a concurrent
 * host process renaming directories out of the sandbox mid-walk.
 */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Working buffer: guest path plus room for spliced symlink targets. */
typedef struct path_buf {
  char s[2 * WASI_MAX_PATH + 2];
  size_t len;
} path_buf;

static int open_beneath_openat2(int base, const char *rel) {
  struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
  long fd = syscall(SYS_openat2, base, rel, &how, sizeof how);
  return (int)fd;
}

/* Follows one symlink found at (dir, comp) while walking: replaces the
 * walked prefix by the link target in `rest`. */
static uint16_t splice_link(int dir, const char *comp, char *rest,
                            size_t rest_cap, int *links) {
  if (++*links > WASI_MAX_SYMLINKS)
    return WASI_ELOOP;
  char target[WASI_MAX_PATH + 1];
  ssize_t n = readlinkat(dir, comp, target, sizeof target - 1);
  if (n < 0)
    return wasi_errno_from_host(errno);
  if (n == 0)
    return WASI_ENOENT;
  if (target[0] == '/')
    return WASI_ENOTCAPABLE;
  size_t rlen = strlen(rest);
  if ((size_t)n + 1 + rlen + 1 > rest_cap)
    return WASI_ENAMETOOLONG;
  memmove(rest + n + 1, rest, rlen + 1);
  memcpy(rest, target, (size_t)n);
  rest[n] = rlen ? '/' : '\0';
  return WASI_ESUCCESS;
}

/* Portable walk: opens directory `rel` beneath `base` one component at a
 * time. */
static uint16_t walk_beneath(int base, const char *rel, int *out) {
  static const size_t cap = 2 * WASI_MAX_PATH + 2;
  char *rest = malloc(cap);
  if (!rest)
    return WASI_ENOMEM;
  snprintf(rest, cap, "%s", rel);
  int cur = base, depth = 0, links = 0;
  uint16_t rc = WASI_ESUCCESS;
  while (rc == WASI_ESUCCESS && rest[0]) {
    char *slash = strchr(rest, '/');
    size_t clen = slash ? (size_t)(slash - rest) : strlen(rest);
    char comp[256];
    if (clen >= sizeof comp) {
      rc = WASI_ENAMETOOLONG;
      break;
    }
    memcpy(comp, rest, clen);
    comp[clen] = '\0';
    memmove(rest, rest + clen + (slash ? 1 : 0),
            strlen(rest + clen + (slash ? 1 : 0)) + 1);
    if (clen == 0 || strcmp(comp, ".") == 0)
      continue;
    if (strcmp(comp, "..") == 0 && depth == 0) {
      rc = WASI_ENOTCAPABLE;
      break;
    }
    int next = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (next < 0 || fstat(next, &st) != 0) {
      rc = wasi_errno_from_host(errno);
      if (next >= 0)
        close(next);
      break;
    }
    if (S_ISLNK(st.st_mode)) {
      close(next);
      rc = splice_link(cur, comp, rest, cap, &links);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      close(next);
      rc = WASI_ENOTDIR;
      break;
    }
    if (cur != base)
      close(cur);
    cur = next;
    depth += strcmp(comp, "..") == 0 ? -1 : 1;
  }
  free(rest);
  if (rc != WASI_ESUCCESS) {
    if (cur != base)
      close(cur);
    return rc;
  }
  *out = cur;
  return WASI_ESUCCESS;
}

/* Opens the parent directory `rel` beneath `base`; "" is base itself. */
static uint16_t open_parent(const wasi_ctx *ctx, int base, const char *rel,
                            wasi_resolved *r) {
  r->dirfd = base;
  r->close_dirfd = false;
  if (!rel[0])
    return WASI_ESUCCESS;
  if (!(ctx->flags & WASI_CTX_NO_OPENAT2)) {
    int fd = open_beneath_openat2(base, rel);
    if (fd >= 0) {
      r->dirfd = fd;
      r->close_dirfd = true;
      return WASI_ESUCCESS;
    }
    if (errno == EXDEV)
      return WASI_ENOTCAPABLE; /* RESOLVE_BENEATH refused an escape */
    if (errno != ENOSYS && errno != EAGAIN)
      return wasi_errno_from_host(errno);
  }
  int fd;
  uint16_t rc = walk_beneath(base, rel, &fd);
  if (rc == WASI_ESUCCESS && fd != base) {
    r->dirfd = fd;
    r->close_dirfd = true;
  }
  return rc;
}

/* Splits p into parent (written back into p) and final component. A
 * final "." or ".." makes the whole path the parent and the name ".". */
static uint16_t split_path(path_buf *p, wasi_resolved *r) {
  r->must_be_dir = false;
  while (p->len > 1 && p->s[p->len - 1] == '/') {
    p->s[--p->len] = '\0';
    r->must_be_dir = true;
  }
  char *slash = strrchr(p->s, '/');
  const char *name = slash ? slash + 1 : p->s;
  if (strlen(name) >= sizeof r->name)
    return WASI_ENAMETOOLONG;
  if (strcmp(name, "..") == 0 || strcmp(name, ".") == 0) {
    strcpy(r->name, ".");
    return WASI_ESUCCESS;
  }
  strcpy(r->name, name);
  if (slash)
    *slash = '\0'; /* absolute paths were refused: parent is relative */
  else
    p->s[0] = '\0';
  p->len = strlen(p->s);
  return WASI_ESUCCESS;
}

/* Replaces the final component by the target of the symlink it names. */
static uint16_t follow_final(path_buf *p, wasi_resolved *r, bool *again) {
  char target[WASI_MAX_PATH + 1];
  *again = false;
  ssize_t n = readlinkat(r->dirfd, r->name, target, sizeof target - 1);
  if (n < 0)
    return WASI_ESUCCESS; /* not a symlink (or absent): use it as is */
  target[n] = '\0';
  if (target[0] == '/' || n == 0)
    return n == 0 ? WASI_ENOENT : WASI_ENOTCAPABLE;
  size_t need = p->len + 1 + (size_t)n + (r->must_be_dir ? 1 : 0);
  if (need >= sizeof p->s)
    return WASI_ENAMETOOLONG;
  size_t off = p->len;
  if (off)
    p->s[off++] = '/';
  memcpy(p->s + off, target, (size_t)n);
  off += (size_t)n;
  if (r->must_be_dir)
    p->s[off++] = '/';
  p->s[off] = '\0';
  p->len = off;
  *again = true;
  return WASI_ESUCCESS;
}

static uint16_t load_path(const wasi_call *c, uint32_t ptr, uint32_t len,
                          path_buf *p) {
  const uint8_t *g = wasi_ptr(c, ptr, len);
  if (!g)
    return WASI_EFAULT;
  if (len > WASI_MAX_PATH)
    return WASI_ENAMETOOLONG;
  if (len == 0)
    return WASI_ENOENT;
  if (memchr(g, 0, len))
    return WASI_EINVAL;
  memcpy(p->s, g, len);
  p->s[len] = '\0';
  p->len = len;
  if (p->s[0] == '/')
    return WASI_ENOTCAPABLE; /* absolute paths never name a preopen */
  return WASI_ESUCCESS;
}

/* ------------------------------------------------------- virtual root */

const char *wasi_vroot_name(const wasi_fd *e) {
  if (e->kind != WASI_FD_HOST || !e->preopen)
    return NULL;
  const char *s = e->preopen;
  while (*s == '/' || (s[0] == '.' && s[1] == '/'))
    s += *s == '/' ? 1 : 2;
  if (!*s || strchr(s, '/') || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
    return NULL;
  return s;
}

static const char *skip_dots(const char *s) {
  while (*s == '/' || (s[0] == '.' && (s[1] == '/' || s[1] == '\0')))
    s++;
  return s;
}

/* Replaces "alias/rest" by "rest" (or ".") and sets *base to the alias's
 * directory. The root itself and ".." above it are not reachable here. */
static uint16_t vroot_enter(const wasi_ctx *ctx, path_buf *p, int *base) {
  const char *s = skip_dots(p->s);
  size_t clen = strcspn(s, "/");
  if (clen == 0 || (clen == 2 && s[0] == '.' && s[1] == '.'))
    return WASI_ENOTCAPABLE;
  for (uint32_t i = 0; i < ctx->nfds; i++) {
    const char *name = wasi_vroot_name(&ctx->fds[i]);
    if (!name || strlen(name) != clen || memcmp(name, s, clen) != 0)
      continue;
    *base = ctx->fds[i].host;
    const char *rest = s + clen + (s[clen] == '/');
    size_t rlen = strlen(rest);
    memmove(p->s, rlen ? rest : ".", (rlen ? rlen : 1) + 1);
    p->len = strlen(p->s);
    return WASI_ESUCCESS;
  }
  return WASI_ENOENT;
}

bool wasi_vroot_self(wasi_call *c, uint32_t fd, uint32_t ptr, uint32_t len) {
  const uint8_t *g = wasi_ptr(c, ptr, len);
  if (fd >= c->ctx->nfds || c->ctx->fds[fd].kind != WASI_FD_VROOT || !g ||
      len == 0 || len > 64)
    return false;
  for (uint32_t i = 0; i < len; i++)
    if (g[i] != '.' && g[i] != '/')
      return false;
  char s[65];
  memcpy(s, g, len);
  s[len] = '\0';
  return s[0] != '/' && *skip_dots(s) == '\0';
}

/* Entries ".", "..", then the preopens; the cookie is the entry index. */
uint16_t wasi_vroot_readdir(wasi_call *c, uint8_t *buf, uint32_t len,
                            uint64_t cookie, uint32_t *used) {
  const wasi_ctx *ctx = c->ctx;
  uint64_t index = 0;
  *used = 0;
  for (uint32_t i = 0; i < ctx->nfds + 2 && *used < len; i++) {
    const char *name = i == 0 ? "." : i == 1 ? ".." : NULL;
    if (i >= 2)
      name = wasi_vroot_name(&ctx->fds[i - 2]);
    if (!name || index++ < cookie)
      continue;
    uint8_t ent[24 + 256];
    uint32_t namlen = (uint32_t)strnlen(name, 255);
    memset(ent, 0, 24);
    wasi_st64(ent, index);
    wasi_st64(ent + 8, index);
    wasi_st32(ent + 16, namlen);
    ent[20] = WASI_FILETYPE_DIRECTORY;
    memcpy(ent + 24, name, namlen);
    uint32_t n = 24 + namlen < len - *used ? 24 + namlen : len - *used;
    memcpy(buf + *used, ent, n);
    *used += n;
  }
  return WASI_ESUCCESS;
}

void wasi_resolved_done(wasi_resolved *r) {
  if (r->close_dirfd)
    close(r->dirfd);
  r->close_dirfd = false;
  r->dirfd = -1;
}

uint16_t wasi_resolve(wasi_call *c, uint32_t fd, uint64_t rights, uint32_t ptr,
                      uint32_t len, bool follow, wasi_resolved *out) {
  wasi_fd *dir;
  /* Not a directory is reported before missing rights (as wasmtime). */
  uint16_t rc = wasi_fd_get(c->ctx, fd, 0, &dir);
  if (rc)
    return rc;
  bool vroot = dir->kind == WASI_FD_VROOT;
  if (!vroot &&
      (dir->kind != WASI_FD_HOST || dir->filetype != WASI_FILETYPE_DIRECTORY))
    return WASI_ENOTDIR;
  if ((rc = wasi_fd_get(c->ctx, fd, rights, &dir)))
    return rc;
  path_buf *p = malloc(sizeof *p);
  if (!p)
    return WASI_ENOMEM;
  rc = load_path(c, ptr, len, p);
  int base = dir->host;
  if (rc == WASI_ESUCCESS && vroot)
    rc = vroot_enter(c->ctx, p, &base);
  out->close_dirfd = false;
  for (int links = 0; rc == WASI_ESUCCESS; links++) {
    if (links > WASI_MAX_SYMLINKS) {
      rc = WASI_ELOOP;
      break;
    }
    rc = split_path(p, out);
    if (rc == WASI_ESUCCESS)
      rc = open_parent(c->ctx, base, p->s, out);
    if (rc != WASI_ESUCCESS || !follow)
      break;
    bool again;
    rc = follow_final(p, out, &again);
    if (rc != WASI_ESUCCESS || !again)
      break;
    wasi_resolved_done(out);
  }
  free(p);
  if (rc != WASI_ESUCCESS)
    wasi_resolved_done(out);
  return rc;
}
