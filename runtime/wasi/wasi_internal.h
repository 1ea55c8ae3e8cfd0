/* wasi_internal.h — private to runtime/wasi: the context layout, guest
 * memory access, WASI constants (values from the preview1 and snapshot0
 * witx; identical in both versions unless noted) and the implementation
 * functions behind the callbacks. */
#ifndef WASI_INTERNAL_H
#define WASI_INTERNAL_H

#include "wasi.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------- errno */
enum {
  WASI_ESUCCESS = 0,
  WASI_E2BIG = 1,
  WASI_EACCES = 2,
  WASI_EAGAIN = 6,
  WASI_EBADF = 8,
  WASI_EEXIST = 20,
  WASI_EFAULT = 21,
  WASI_EINVAL = 28,
  WASI_EIO = 29,
  WASI_EISDIR = 31,
  WASI_ELOOP = 32,
  WASI_EMFILE = 33,
  WASI_ENAMETOOLONG = 37,
  WASI_ENOENT = 44,
  WASI_ENOMEM = 48,
  WASI_ENOSPC = 51,
  WASI_ENOSYS = 52,
  WASI_ENOTDIR = 54,
  WASI_ENOTEMPTY = 55,
  WASI_ENOTSOCK = 57,
  WASI_ENOTSUP = 58,
  WASI_EOVERFLOW = 61,
  WASI_EPERM = 63,
  WASI_ESPIPE = 70,
  WASI_ENOTCAPABLE = 76,
};
/* Host errno -> WASI errno (EIO for anything unknown). */
uint16_t wasi_errno_from_host(int host_errno);

/* ---------------------------------------------------------- filetype */
enum {
  WASI_FILETYPE_UNKNOWN = 0,
  WASI_FILETYPE_BLOCK_DEVICE = 1,
  WASI_FILETYPE_CHARACTER_DEVICE = 2,
  WASI_FILETYPE_DIRECTORY = 3,
  WASI_FILETYPE_REGULAR_FILE = 4,
  WASI_FILETYPE_SOCKET_DGRAM = 5,
  WASI_FILETYPE_SOCKET_STREAM = 6,
  WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

/* fdflags, oflags, lookupflags, fstflags */
enum {
  WASI_FDFLAG_APPEND = 1,
  WASI_FDFLAG_DSYNC = 2,
  WASI_FDFLAG_NONBLOCK = 4,
  WASI_FDFLAG_RSYNC = 8,
  WASI_FDFLAG_SYNC = 16,
  WASI_O_CREAT = 1,
  WASI_O_DIRECTORY = 2,
  WASI_O_EXCL = 4,
  WASI_O_TRUNC = 8,
  WASI_LOOKUP_SYMLINK_FOLLOW = 1,
  WASI_FST_ATIM = 1,
  WASI_FST_ATIM_NOW = 2,
  WASI_FST_MTIM = 4,
  WASI_FST_MTIM_NOW = 8,
};

/* rights: bit numbers from the witx (SOCK_ACCEPT is preview1 only) */
#define WASI_R(bit) ((uint64_t)1 << (bit))
#define WASI_RIGHT_FD_DATASYNC WASI_R(0)
#define WASI_RIGHT_FD_READ WASI_R(1)
#define WASI_RIGHT_FD_SEEK WASI_R(2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS WASI_R(3)
#define WASI_RIGHT_FD_SYNC WASI_R(4)
#define WASI_RIGHT_FD_TELL WASI_R(5)
#define WASI_RIGHT_FD_WRITE WASI_R(6)
#define WASI_RIGHT_FD_ADVISE WASI_R(7)
#define WASI_RIGHT_FD_ALLOCATE WASI_R(8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY WASI_R(9)
#define WASI_RIGHT_PATH_CREATE_FILE WASI_R(10)
#define WASI_RIGHT_PATH_LINK_SOURCE WASI_R(11)
#define WASI_RIGHT_PATH_LINK_TARGET WASI_R(12)
#define WASI_RIGHT_PATH_OPEN WASI_R(13)
#define WASI_RIGHT_FD_READDIR WASI_R(14)
#define WASI_RIGHT_PATH_READLINK WASI_R(15)
#define WASI_RIGHT_PATH_RENAME_SOURCE WASI_R(16)
#define WASI_RIGHT_PATH_RENAME_TARGET WASI_R(17)
#define WASI_RIGHT_PATH_FILESTAT_GET WASI_R(18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE WASI_R(19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES WASI_R(20)
#define WASI_RIGHT_FD_FILESTAT_GET WASI_R(21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE WASI_R(22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES WASI_R(23)
#define WASI_RIGHT_PATH_SYMLINK WASI_R(24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY WASI_R(25)
#define WASI_RIGHT_PATH_UNLINK_FILE WASI_R(26)
#define WASI_RIGHT_POLL_FD_READWRITE WASI_R(27)
#define WASI_RIGHT_SOCK_SHUTDOWN WASI_R(28)
#define WASI_RIGHT_SOCK_ACCEPT WASI_R(29)
#define WASI_RIGHTS_ALL (WASI_R(30) - 1)

/* What a regular file / a directory / a tty can meaningfully hold. */
#define WASI_RIGHTS_FILE                                                       \
  (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |          \
   WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL |  \
   WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE |       \
   WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE |              \
   WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)
#define WASI_RIGHTS_DIR                                                        \
  (WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC |                       \
   WASI_RIGHT_FD_ADVISE | WASI_RIGHT_PATH_CREATE_DIRECTORY |                   \
   WASI_RIGHT_PATH_CREATE_FILE | WASI_RIGHT_PATH_LINK_SOURCE |                 \
   WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_OPEN |                        \
   WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_READLINK |                          \
   WASI_RIGHT_PATH_RENAME_SOURCE | WASI_RIGHT_PATH_RENAME_TARGET |             \
   WASI_RIGHT_PATH_FILESTAT_GET | WASI_RIGHT_PATH_FILESTAT_SET_SIZE |          \
   WASI_RIGHT_PATH_FILESTAT_SET_TIMES | WASI_RIGHT_FD_FILESTAT_GET |           \
   WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_SYMLINK |                \
   WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE |            \
   WASI_RIGHT_POLL_FD_READWRITE)
#define WASI_RIGHTS_TTY                                                        \
  (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_WRITE | \
   WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE)

/* --------------------------------------------------------- the context */

typedef enum wasi_fd_kind {
  WASI_FD_FREE = 0,
  WASI_FD_HOST,    /* a host descriptor */
  WASI_FD_CAPTURE, /* writes go to a memory buffer (stdout/stderr) */
  WASI_FD_STDIN,   /* reads come from a memory buffer */
  WASI_FD_VROOT,   /* the virtual "/" listing the preopens (wasmer style) */
} wasi_fd_kind;

typedef struct wasi_fd {
  wasi_fd_kind kind;
  int host;         /* host fd (HOST), or which buffer: 0/1/2 */
  bool owned;       /* close `host` when the entry goes away */
  uint8_t filetype; /* WASI_FILETYPE_* */
  uint16_t fdflags; /* for non-host kinds */
  uint64_t rights, inheriting;
  char *preopen; /* guest name if this is a preopened directory */
} wasi_fd;

typedef struct wasi_buf {
  uint8_t *data;
  size_t len, cap, limit, pos; /* pos: read cursor (stdin) */
  bool active;
} wasi_buf;

/* Bounds on what a guest or embedder can make us allocate. */
#define WASI_MAX_FDS 4096u
#define WASI_MAX_PATH 4096u
#define WASI_MAX_SYMLINKS 40

struct wasi_ctx {
  char **argv, **env;
  size_t argc, envc;
  wasi_fd *fds;
  uint32_t nfds;   /* entries in use or free, fds[0..nfds) */
  wasi_buf out[3]; /* [0] stdin bytes, [1] stdout, [2] stderr */
  bool exited;
  int32_t exit_code;
  unsigned flags;
};

/* ------------------------------------------------------- one call */

typedef struct wasi_call {
  wasi_ctx *ctx;
  uint8_t *mem; /* memory 0 base, NULL if none */
  uint64_t mem_size;
  uint64_t *slots;
  wasi_version version; /* SNAPSHOT0 or SNAPSHOT1 */
} wasi_call;

static inline uint32_t wasi_arg32(const wasi_call *c, int i) {
  return (uint32_t)c->slots[i];
}
static inline uint64_t wasi_arg64(const wasi_call *c, int i) {
  return c->slots[i];
}
/* Guest range [ptr, ptr+len) or NULL if it is not inside memory 0. */
static inline uint8_t *wasi_ptr(const wasi_call *c, uint32_t ptr,
                                uint64_t len) {
  if (!c->mem || len > c->mem_size || ptr > c->mem_size - len)
    return NULL;
  return c->mem + ptr;
}
/* Little-endian stores/loads (guest memory is little-endian, like us). */
static inline void wasi_st64(uint8_t *p, uint64_t v) {
  memcpy(p, &v, 8);
}
static inline void wasi_st32(uint8_t *p, uint32_t v) {
  memcpy(p, &v, 4);
}
static inline void wasi_st16(uint8_t *p, uint16_t v) {
  memcpy(p, &v, 2);
}
static inline uint32_t wasi_ld32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline uint64_t wasi_ld64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
static inline uint16_t wasi_ld16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}
/* Stores a u32/u64 result at a guest pointer; FAULT if out of bounds. */
uint16_t wasi_put32(const wasi_call *c, uint32_t ptr, uint32_t v);
uint16_t wasi_put64(const wasi_call *c, uint32_t ptr, uint64_t v);

/* The descriptor `fd` if it exists and holds all of `rights`:
 * BADF if absent, NOTCAPABLE if a right is missing. */
uint16_t wasi_fd_get(wasi_ctx *ctx, uint32_t fd, uint64_t rights,
                     wasi_fd **out);
/* Installs an entry at the lowest free number; MFILE if full. */
uint16_t wasi_fd_insert(wasi_ctx *ctx, const wasi_fd *e, uint32_t *fd);
void wasi_fd_release(wasi_fd *e);
uint8_t wasi_filetype_from_mode(unsigned mode);

/* ------------------------------------------------------ path resolution */

/* A path resolved beneath a directory: `dirfd` is the directory holding
 * the final component `name` (NUL-terminated, never "..", no slash). */
typedef struct wasi_resolved {
  int dirfd;
  bool close_dirfd;
  bool must_be_dir; /* the guest path had a trailing slash */
  char name[256];
} wasi_resolved;

/* Resolves guest path (ptr,len) beneath directory descriptor `fd`, which
 * must hold `rights`. With `follow`, a final symlink is followed (only
 * while it stays beneath). */
uint16_t wasi_resolve(wasi_call *c, uint32_t fd, uint64_t rights, uint32_t ptr,
                      uint32_t len, bool follow, wasi_resolved *out);
void wasi_resolved_done(wasi_resolved *r);
/* True if `fd` is a virtual root and the guest path names it itself
 * ("." or "./"); those few operations are answered without a host fd. */
bool wasi_vroot_self(wasi_call *c, uint32_t fd, uint32_t ptr, uint32_t len);
/* The preopen name as it appears in the virtual root ("/data" and "./data"
 * are "data"); NULL for names that cannot appear there. */
const char *wasi_vroot_name(const wasi_fd *e);
uint16_t wasi_vroot_readdir(wasi_call *c, uint8_t *buf, uint32_t len,
                            uint64_t cookie, uint32_t *used);

/* --------------------------------------------------- implementations */

/* sock_accept is last: it is preview1 only (snapshot0 lacks it).
 * Each returns the WASI errno for slots[0]. Rows: name, signature
 * ("params:results", i=i32 I=i64), then the parameter types. */
#define WASI_FUNCS(X)                                                          \
  X(args_get, "ii:i", WASM_I32, WASM_I32)                                      \
  X(args_sizes_get, "ii:i", WASM_I32, WASM_I32)                                \
  X(environ_get, "ii:i", WASM_I32, WASM_I32)                                   \
  X(environ_sizes_get, "ii:i", WASM_I32, WASM_I32)                             \
  X(clock_res_get, "ii:i", WASM_I32, WASM_I32)                                 \
  X(clock_time_get, "iIi:i", WASM_I32, WASM_I64, WASM_I32)                     \
  X(fd_advise, "iIIi:i", WASM_I32, WASM_I64, WASM_I64, WASM_I32)               \
  X(fd_allocate, "iII:i", WASM_I32, WASM_I64, WASM_I64)                        \
  X(fd_close, "i:i", WASM_I32)                                                 \
  X(fd_datasync, "i:i", WASM_I32)                                              \
  X(fd_fdstat_get, "ii:i", WASM_I32, WASM_I32)                                 \
  X(fd_fdstat_set_flags, "ii:i", WASM_I32, WASM_I32)                           \
  X(fd_fdstat_set_rights, "iII:i", WASM_I32, WASM_I64, WASM_I64)               \
  X(fd_filestat_get, "ii:i", WASM_I32, WASM_I32)                               \
  X(fd_filestat_set_size, "iI:i", WASM_I32, WASM_I64)                          \
  X(fd_filestat_set_times, "iIIi:i", WASM_I32, WASM_I64, WASM_I64, WASM_I32)   \
  X(fd_pread, "iiiIi:i", WASM_I32, WASM_I32, WASM_I32, WASM_I64, WASM_I32)     \
  X(fd_prestat_get, "ii:i", WASM_I32, WASM_I32)                                \
  X(fd_prestat_dir_name, "iii:i", WASM_I32, WASM_I32, WASM_I32)                \
  X(fd_pwrite, "iiiIi:i", WASM_I32, WASM_I32, WASM_I32, WASM_I64, WASM_I32)    \
  X(fd_read, "iiii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32)                 \
  X(fd_readdir, "iiiIi:i", WASM_I32, WASM_I32, WASM_I32, WASM_I64, WASM_I32)   \
  X(fd_renumber, "ii:i", WASM_I32, WASM_I32)                                   \
  X(fd_seek, "iIii:i", WASM_I32, WASM_I64, WASM_I32, WASM_I32)                 \
  X(fd_sync, "i:i", WASM_I32)                                                  \
  X(fd_tell, "ii:i", WASM_I32, WASM_I32)                                       \
  X(fd_write, "iiii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32)                \
  X(path_create_directory, "iii:i", WASM_I32, WASM_I32, WASM_I32)              \
  X(path_filestat_get, "iiiii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32,      \
    WASM_I32)                                                                  \
  X(path_filestat_set_times, "iiiiIIi:i", WASM_I32, WASM_I32, WASM_I32,        \
    WASM_I32, WASM_I64, WASM_I64, WASM_I32)                                    \
  X(path_link, "iiiiiii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32, WASM_I32,  \
    WASM_I32, WASM_I32)                                                        \
  X(path_open, "iiiiiIIii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32,          \
    WASM_I32, WASM_I64, WASM_I64, WASM_I32, WASM_I32)                          \
  X(path_readlink, "iiiiii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32,         \
    WASM_I32, WASM_I32)                                                        \
  X(path_remove_directory, "iii:i", WASM_I32, WASM_I32, WASM_I32)              \
  X(path_rename, "iiiiii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32, WASM_I32, \
    WASM_I32)                                                                  \
  X(path_symlink, "iiiii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32, WASM_I32) \
  X(path_unlink_file, "iii:i", WASM_I32, WASM_I32, WASM_I32)                   \
  X(poll_oneoff, "iiii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32)             \
  X(proc_exit, "i:", WASM_I32)                                                 \
  X(proc_raise, "i:i", WASM_I32)                                               \
  X(sched_yield, ":i")                                                         \
  X(random_get, "ii:i", WASM_I32, WASM_I32)                                    \
  X(sock_recv, "iiiiii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32, WASM_I32,   \
    WASM_I32)                                                                  \
  X(sock_send, "iiiii:i", WASM_I32, WASM_I32, WASM_I32, WASM_I32, WASM_I32)    \
  X(sock_shutdown, "ii:i", WASM_I32, WASM_I32)                                 \
  X(sock_accept, "iii:i", WASM_I32, WASM_I32, WASM_I32)

#define WASI_X(name, sig, ...) uint16_t wasi_impl_##name(wasi_call *c);
WASI_FUNCS(WASI_X)
#undef WASI_X

/* Shared by fd_filestat_get and path_filestat_get: writes a filestat in
 * the layout of c->version. */
uint16_t wasi_store_filestat(const wasi_call *c, uint32_t ptr,
                             const void *host_stat);
/* fstflags + times -> utimensat's pair; INVAL on contradictory flags. */

uint16_t wasi_times_to_host(uint64_t atim, uint64_t mtim, uint32_t fst,
                            struct timespec *ts);
/* Seek whence from the guest's encoding to SEEK_*; false if invalid. */
bool wasi_whence_to_host(wasi_version v, uint32_t whence, int *out);
/* poll_oneoff subscription layout of c->version. */
typedef struct wasi_subscription {
  uint64_t userdata;
  uint8_t tag; /* 0 clock, 1 fd_read, 2 fd_write */
  uint32_t clock_id, fd;
  uint64_t timeout;
  uint16_t flags;
} wasi_subscription;
uint32_t wasi_subscription_size(wasi_version v);
void wasi_subscription_load(wasi_version v, const uint8_t *p,
                            wasi_subscription *s);

/* Time helpers shared by clocks, filestat and poll. */
uint16_t wasi_clock_to_host(uint32_t id, int *clk);
uint64_t wasi_timespec_ns(long sec, long nsec);

#endif /* WASI_INTERNAL_H */
