/* wasi_ctx.c — the WASI context: arguments, environment, the descriptor
 * table (stdio, preopens, opened files) and captured stdio buffers. */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Fills err without depending on the compiler's library. */
static bool fail(wasm_error *err, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    err->kind = WASM_ERR_IO;
    err->offset = WASM_NO_OFFSET;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  }
  return false;
}

static void stdio_entry(wasi_fd *e, int fd) {
  struct stat st;
  memset(e, 0, sizeof *e);
  e->kind = WASI_FD_HOST;
  e->host = fd;
  e->filetype = WASI_FILETYPE_CHARACTER_DEVICE;
  if (fstat(fd, &st) == 0)
    e->filetype = wasi_filetype_from_mode(st.st_mode);
  /* A redirected stdio may be a file: then it may seek like one. */
  e->rights = e->filetype == WASI_FILETYPE_REGULAR_FILE ? WASI_RIGHTS_FILE
                                                        : WASI_RIGHTS_TTY;
}

wasi_ctx *wasi_ctx_new(void) {
  wasi_ctx *ctx = calloc(1, sizeof *ctx);
  if (!ctx)
    return NULL;
  ctx->fds = calloc(8, sizeof *ctx->fds);
  if (!ctx->fds) {
    free(ctx);
    return NULL;
  }
  ctx->nfds = 3;
  for (int i = 0; i < 3; i++)
    stdio_entry(&ctx->fds[i], i);
  return ctx;
}

static void free_strings(char **v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

void wasi_fd_release(wasi_fd *e) {
  if (e->kind == WASI_FD_HOST && e->owned)
    close(e->host);
  free(e->preopen);
  memset(e, 0, sizeof *e);
}

void wasi_ctx_free(wasi_ctx *ctx) {
  if (!ctx)
    return;
  free_strings(ctx->argv, ctx->argc);
  free_strings(ctx->env, ctx->envc);
  for (uint32_t i = 0; i < ctx->nfds; i++)
    wasi_fd_release(&ctx->fds[i]);
  free(ctx->fds);
  for (int i = 0; i < 3; i++)
    free(ctx->out[i].data);
  free(ctx);
}

bool wasi_ctx_set_args(wasi_ctx *ctx, size_t argc, const char *const *argv,
                       wasm_error *err) {
  char **v = calloc(argc ? argc : 1, sizeof *v);
  if (!v)
    return fail(err, "out of memory");
  for (size_t i = 0; i < argc; i++) {
    v[i] = strdup(argv[i] ? argv[i] : "");
    if (!v[i]) {
      free_strings(v, i);
      return fail(err, "out of memory");
    }
  }
  free_strings(ctx->argv, ctx->argc);
  ctx->argv = v;
  ctx->argc = argc;
  return true;
}

bool wasi_ctx_add_env(wasi_ctx *ctx, const char *key, const char *value,
                      wasm_error *err) {
  if (!key || !*key || strchr(key, '='))
    return fail(err, "invalid environment variable name");
  char **v = realloc(ctx->env, (ctx->envc + 1) * sizeof *v);
  if (!v)
    return fail(err, "out of memory");
  ctx->env = v;
  if (asprintf(&v[ctx->envc], "%s=%s", key, value ? value : "") < 0)
    return fail(err, "out of memory");
  ctx->envc++;
  return true;
}

uint16_t wasi_fd_insert(wasi_ctx *ctx, const wasi_fd *e, uint32_t *fd) {
  uint32_t i = 0;
  while (i < ctx->nfds && ctx->fds[i].kind != WASI_FD_FREE)
    i++;
  if (i == ctx->nfds) {
    if (ctx->nfds >= WASI_MAX_FDS)
      return WASI_EMFILE;
    /* Grow to a power of two so repeated opens stay amortised O(1). */
    uint32_t cap = 8;
    while (cap <= ctx->nfds)
      cap *= 2;
    wasi_fd *n = realloc(ctx->fds, cap * sizeof *n);
    if (!n)
      return WASI_ENOMEM;
    memset(n + ctx->nfds, 0, (cap - ctx->nfds) * sizeof *n);
    ctx->fds = n;
    ctx->nfds++;
  }
  ctx->fds[i] = *e;
  *fd = i;
  return WASI_ESUCCESS;
}

uint16_t wasi_fd_get(wasi_ctx *ctx, uint32_t fd, uint64_t rights,
                     wasi_fd **out) {
  if (fd >= ctx->nfds || ctx->fds[fd].kind == WASI_FD_FREE)
    return WASI_EBADF;
  if ((ctx->fds[fd].rights & rights) != rights)
    return WASI_ENOTCAPABLE;
  *out = &ctx->fds[fd];
  return WASI_ESUCCESS;
}

bool wasi_ctx_preopen_dir(wasi_ctx *ctx, const char *host_path,
                          const char *guest_name, wasm_error *err) {
  if (!guest_name || strlen(guest_name) >= WASI_MAX_PATH)
    return fail(err, "invalid guest directory name");
  int fd = open(host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return fail(err, "cannot open directory '%s': %s", host_path,
                strerror(errno));
  wasi_fd e = {.kind = WASI_FD_HOST,
               .host = fd,
               .owned = true,
               .filetype = WASI_FILETYPE_DIRECTORY,
               .rights = WASI_RIGHTS_DIR,
               .inheriting = WASI_RIGHTS_DIR | WASI_RIGHTS_FILE,
               .preopen = strdup(guest_name)};
  uint32_t n;
  if (!e.preopen || wasi_fd_insert(ctx, &e, &n) != WASI_ESUCCESS) {
    free(e.preopen);
    close(fd);
    return fail(err, "cannot add preopened directory '%s'", host_path);
  }
  return true;
}

bool wasi_ctx_add_virtual_root(wasi_ctx *ctx, wasm_error *err) {
  wasi_fd e = {.kind = WASI_FD_VROOT,
               .filetype = WASI_FILETYPE_DIRECTORY,
               .rights = WASI_RIGHTS_DIR,
               .inheriting = WASI_RIGHTS_DIR | WASI_RIGHTS_FILE,
               .preopen = strdup("/")};
  uint32_t n;
  if (!e.preopen || wasi_fd_insert(ctx, &e, &n) != WASI_ESUCCESS) {
    free(e.preopen);
    return fail(err, "cannot add the virtual root");
  }
  return true;
}

bool wasi_ctx_add_host_fd(wasi_ctx *ctx, int host_fd, uint32_t *guest_fd,
                          wasm_error *err) {
  struct stat st;
  if (fstat(host_fd, &st) != 0) {
    close(host_fd);
    return fail(err, "not an open descriptor: %s", strerror(errno));
  }
  wasi_fd e = {.kind = WASI_FD_HOST, .host = host_fd, .owned = true};
  e.filetype = wasi_filetype_from_mode(st.st_mode);
  switch (e.filetype) {
  case WASI_FILETYPE_SOCKET_STREAM:
    e.rights =
        WASI_RIGHTS_TTY | WASI_RIGHT_SOCK_SHUTDOWN | WASI_RIGHT_SOCK_ACCEPT;
    break;
  case WASI_FILETYPE_DIRECTORY:
    e.rights = WASI_RIGHTS_DIR;
    e.inheriting = WASI_RIGHTS_DIR | WASI_RIGHTS_FILE;
    break;
  case WASI_FILETYPE_REGULAR_FILE:
    e.rights = WASI_RIGHTS_FILE;
    break;
  default:
    e.rights = WASI_RIGHTS_TTY;
  }
  if (wasi_fd_insert(ctx, &e, guest_fd) != WASI_ESUCCESS) {
    close(host_fd);
    return fail(err, "descriptor table full");
  }
  return true;
}

bool wasi_ctx_capture_output(wasi_ctx *ctx, int fd, size_t limit,
                             wasm_error *err) {
  if (fd != 1 && fd != 2)
    return fail(err, "only fds 1 and 2 can be captured");
  wasi_fd *e = &ctx->fds[fd];
  wasi_fd_release(e);
  e->kind = WASI_FD_CAPTURE;
  e->host = fd;
  e->filetype = WASI_FILETYPE_CHARACTER_DEVICE;
  e->rights = WASI_RIGHTS_TTY & ~WASI_RIGHT_FD_READ;
  ctx->out[fd].active = true;
  ctx->out[fd].limit = limit;
  return true;
}

const uint8_t *wasi_ctx_output(const wasi_ctx *ctx, int fd, size_t *len) {
  *len = 0;
  if ((fd != 1 && fd != 2) || !ctx->out[fd].active)
    return NULL;
  *len = ctx->out[fd].len;
  return ctx->out[fd].data ? ctx->out[fd].data : (const uint8_t *)"";
}

void wasi_ctx_output_clear(wasi_ctx *ctx, int fd) {
  if (fd == 1 || fd == 2)
    ctx->out[fd].len = 0;
}

bool wasi_ctx_set_stdin(wasi_ctx *ctx, const void *bytes, size_t len,
                        wasm_error *err) {
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy)
    return fail(err, "out of memory");
  if (len)
    memcpy(copy, bytes, len);
  wasi_buf *b = &ctx->out[0];
  free(b->data);
  *b = (wasi_buf){.data = copy, .len = len, .cap = len, .active = true};
  wasi_fd *e = &ctx->fds[0];
  wasi_fd_release(e);
  e->kind = WASI_FD_STDIN;
  e->filetype = WASI_FILETYPE_CHARACTER_DEVICE;
  e->rights = WASI_RIGHTS_TTY & ~WASI_RIGHT_FD_WRITE;
  return true;
}

bool wasi_ctx_exit_code(const wasi_ctx *ctx, int32_t *code) {
  if (ctx->exited && code)
    *code = ctx->exit_code;
  return ctx->exited;
}

void wasi_ctx_set_flags(wasi_ctx *ctx, unsigned flags) {
  ctx->flags = flags;
}

uint16_t wasi_put32(const wasi_call *c, uint32_t ptr, uint32_t v) {
  uint8_t *p = wasi_ptr(c, ptr, 4);
  if (!p)
    return WASI_EFAULT;
  wasi_st32(p, v);
  return WASI_ESUCCESS;
}

uint16_t wasi_put64(const wasi_call *c, uint32_t ptr, uint64_t v) {
  uint8_t *p = wasi_ptr(c, ptr, 8);
  if (!p)
    return WASI_EFAULT;
  wasi_st64(p, v);
  return WASI_ESUCCESS;
}

uint8_t wasi_filetype_from_mode(unsigned mode) {
  switch (mode & S_IFMT) {
  case S_IFREG:
    return WASI_FILETYPE_REGULAR_FILE;
  case S_IFDIR:
    return WASI_FILETYPE_DIRECTORY;
  case S_IFCHR:
    return WASI_FILETYPE_CHARACTER_DEVICE;
  case S_IFBLK:
    return WASI_FILETYPE_BLOCK_DEVICE;
  case S_IFLNK:
    return WASI_FILETYPE_SYMBOLIC_LINK;
  case S_IFSOCK:
    return WASI_FILETYPE_SOCKET_STREAM;
  default:
    return WASI_FILETYPE_UNKNOWN;
  }
}
