/* wasi_fs_test.c — files and directories in a preopened temp dir: create,
 * write, read, seek/tell, pread/pwrite, truncate, stat, rights, rename,
 * unlink, mkdir/rmdir, symlinks, readdir with cookies; snapshot0 layouts
 * (filestat, seek whence). */
#define _GNU_SOURCE
#include "wasi_test_util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ALL UINT64_C(0xFFFFFFFFFFFFFFFF)
#define R_FD_READ (1u << 1)
#define R_FD_WRITE (1u << 6)
#define O_CREAT_ 1
#define O_DIR_ 2
#define O_EXCL_ 4
#define O_TRUNC_ 8
#define PATH 3000 /* where path strings go in guest memory */

/* path_open(3, follow, path, oflags, rights, ALL, fdflags) -> fd or -errno */
static long open_path(wt_env *e, const char *p, uint32_t oflags,
                      uint64_t rights, uint32_t fdflags) {
  uint32_t n = wt_str(e, PATH, p);
  uint64_t rc =
      CALL(e, "path_open", 3, 1, PATH, n, oflags, rights, ALL, fdflags, 8);
  return rc ? -(long)rc : (long)wt_u32(e, 8);
}

static uint64_t path_call(wt_env *e, const char *fn, const char *p) {
  uint32_t n = wt_str(e, PATH, p);
  return CALL(e, fn, 3, PATH, n);
}

static uint64_t write_str(wt_env *e, uint32_t fd, const char *s) {
  uint32_t n = wt_str(e, 1000, s);
  uint32_t iov[] = {1000, n};
  wt_put(e, 16, iov, sizeof iov);
  uint64_t rc = CALL(e, "fd_write", fd, 16, 1, 24);
  CHECK_EQ(wt_u32(e, 24), rc ? wt_u32(e, 24) : n);
  return rc;
}

/* Reads up to n bytes into guest 1500; returns bytes read or -errno. */
static long read_n(wt_env *e, uint32_t fd, uint32_t n) {
  uint32_t iov[] = {1500, n};
  wt_put(e, 16, iov, sizeof iov);
  uint64_t rc = CALL(e, "fd_read", fd, 16, 1, 24);
  return rc ? -(long)rc : (long)wt_u32(e, 24);
}

static uint64_t seek(wt_env *e, uint32_t fd, int64_t off, uint32_t whence) {
  uint64_t rc = CALL(e, "fd_seek", fd, (uint64_t)off, whence, 32);
  return rc ? UINT64_MAX - rc : wt_u64(e, 32);
}

static void setup(wt_env *e, wasi_version v, const char *dir) {
  wt_init(e, v);
  CHECK(wasi_ctx_preopen_dir(e->ctx, dir, ".", NULL));
}

static void test_prestat(wt_env *e) {
  CHECK_EQ(CALL(e, "fd_prestat_get", 3, 40), E_OK);
  CHECK_EQ(e->mem[40], 0);
  CHECK_EQ(wt_u32(e, 44), 1);
  CHECK_EQ(CALL(e, "fd_prestat_dir_name", 3, 50, 1), E_OK);
  CHECK_EQ(e->mem[50], '.');
  CHECK_EQ(CALL(e, "fd_prestat_dir_name", 3, 50, 0), 37); /* NAMETOOLONG */
  CHECK_EQ(CALL(e, "fd_prestat_get", 4, 40), E_BADF);
  CHECK_EQ(CALL(e, "fd_prestat_get", 1, 40), E_BADF);
  CHECK_EQ(CALL(e, "fd_fdstat_get", 3, 60), E_OK);
  CHECK_EQ(e->mem[60], 3); /* directory */
}

static void test_file_io(wt_env *e) {
  long fd = open_path(e, "a.txt", O_CREAT_ | O_TRUNC_, ALL, 0);
  CHECK(fd >= 4);
  CHECK_EQ(write_str(e, (uint32_t)fd, "hello world"), E_OK);
  CHECK_EQ(CALL(e, "fd_tell", fd, 32), E_OK);
  CHECK_EQ(wt_u64(e, 32), 11);
  CHECK_EQ(seek(e, (uint32_t)fd, 0, 0), 0); /* SET */
  CHECK_EQ(read_n(e, (uint32_t)fd, 5), 5);
  CHECK(memcmp(e->mem + 1500, "hello", 5) == 0);
  CHECK_EQ(seek(e, (uint32_t)fd, -2, 1), 3); /* CUR */
  CHECK_EQ(seek(e, (uint32_t)fd, 0, 2), 11); /* END */
  CHECK_EQ(seek(e, (uint32_t)fd, 0, 3), UINT64_MAX - E_INVAL);
  CHECK_EQ(seek(e, (uint32_t)fd, -100, 0), UINT64_MAX - E_INVAL);
  CHECK_EQ(read_n(e, (uint32_t)fd, 5), 0); /* end of file */

  /* pread/pwrite leave the cursor alone. */
  uint32_t iov[] = {1600, 5};
  wt_put(e, 16, iov, sizeof iov);
  CHECK_EQ(CALL(e, "fd_pread", fd, 16, 1, 6, 24), E_OK);
  CHECK_EQ(wt_u32(e, 24), 5);
  CHECK(memcmp(e->mem + 1600, "world", 5) == 0);
  wt_str(e, 1700, "W");
  uint32_t wiov[] = {1700, 1};
  wt_put(e, 16, wiov, sizeof wiov);
  CHECK_EQ(CALL(e, "fd_pwrite", fd, 16, 1, 6, 24), E_OK);
  CHECK_EQ(seek(e, (uint32_t)fd, 0, 1), 11);
  CHECK_EQ(seek(e, (uint32_t)fd, 0, 0), 0);
  CHECK_EQ(read_n(e, (uint32_t)fd, 64), 11);
  CHECK(memcmp(e->mem + 1500, "hello World", 11) == 0);

  /* Scatter read over three iovecs, one empty. */
  uint32_t riov[] = {1800, 3, 1900, 0, 1810, 4};
  wt_put(e, 64, riov, sizeof riov);
  CHECK_EQ(seek(e, (uint32_t)fd, 0, 0), 0);
  CHECK_EQ(CALL(e, "fd_read", fd, 64, 3, 24), E_OK);
  CHECK_EQ(wt_u32(e, 24), 7);
  CHECK(memcmp(e->mem + 1800, "hel", 3) == 0);
  CHECK(memcmp(e->mem + 1810, "lo W", 4) == 0);

  /* Stat, truncate via filestat_set_size, allocate, times. */
  CHECK_EQ(CALL(e, "fd_filestat_get", fd, 200), E_OK);
  CHECK_EQ(e->mem[216], 4);    /* regular file */
  CHECK_EQ(wt_u64(e, 224), 1); /* nlink */
  CHECK_EQ(wt_u64(e, 232), 11);
  CHECK_EQ(CALL(e, "fd_filestat_set_size", fd, 5), E_OK);
  CHECK_EQ(CALL(e, "fd_filestat_get", fd, 200), E_OK);
  CHECK_EQ(wt_u64(e, 232), 5);
  CHECK_EQ(CALL(e, "fd_allocate", fd, 0, 100), E_OK);
  CHECK_EQ(CALL(e, "fd_filestat_get", fd, 200), E_OK);
  CHECK_EQ(wt_u64(e, 232), 100);
  CHECK_EQ(CALL(e, "fd_filestat_set_size", fd, 5), E_OK);
  CHECK_EQ(CALL(e, "fd_filestat_set_times", fd, 0, 1234567890123456789ull, 4),
           E_OK);
  CHECK_EQ(CALL(e, "fd_filestat_get", fd, 200), E_OK);
  CHECK_EQ(wt_u64(e, 248), 1234567890123456789ull); /* mtim */
  CHECK_EQ(CALL(e, "fd_filestat_set_times", fd, 0, 0, 1 | 2), E_INVAL);
  CHECK_EQ(CALL(e, "fd_advise", fd, 0, 0, 1), E_OK);
  CHECK_EQ(CALL(e, "fd_advise", fd, 0, 0, 9), E_INVAL);
  CHECK_EQ(CALL(e, "fd_sync", fd), E_OK);
  CHECK_EQ(CALL(e, "fd_datasync", fd), E_OK);
  CHECK_EQ(CALL(e, "fd_filestat_get", fd, WT_MEM_SIZE - 63), E_FAULT);

  /* Append mode through fdstat_set_flags. */
  CHECK_EQ(CALL(e, "fd_fdstat_set_flags", fd, 1), E_OK);
  CHECK_EQ(CALL(e, "fd_fdstat_get", fd, 300), E_OK);
  CHECK_EQ(e->mem[300], 4);
  CHECK_EQ(wt_u16(e, 302), 1);
  CHECK_EQ(seek(e, (uint32_t)fd, 0, 0), 0);
  CHECK_EQ(write_str(e, (uint32_t)fd, "!"), E_OK);
  CHECK_EQ(CALL(e, "fd_pread", fd, 16, 1, 0, 24), E_OK);
  CHECK_EQ(CALL(e, "fd_fdstat_set_flags", fd, 16), E_NOTSUP);

  /* Rights can be dropped, not regained. */
  uint64_t base = wt_u64(e, 308);
  CHECK(base & R_FD_WRITE);
  CHECK_EQ(CALL(e, "fd_fdstat_set_rights", fd, base & ~(uint64_t)R_FD_WRITE, 0),
           E_OK);
  CHECK_EQ(write_str(e, (uint32_t)fd, "x"), E_NOTCAPABLE);
  CHECK_EQ(CALL(e, "fd_fdstat_set_rights", fd, base, 0), E_NOTCAPABLE);
  CHECK_EQ(CALL(e, "fd_close", fd), E_OK);
  CHECK_EQ(CALL(e, "fd_close", fd), E_BADF);

  /* Read-only and write-only opens get matching rights. */
  long ro = open_path(e, "a.txt", 0, R_FD_READ, 0);
  CHECK(ro >= 0);
  CHECK_EQ(read_n(e, (uint32_t)ro, 64), 6);
  CHECK(memcmp(e->mem + 1500, "hello!", 6) == 0);
  CHECK_EQ(write_str(e, (uint32_t)ro, "x"), E_NOTCAPABLE);
  long wo = open_path(e, "a.txt", 0, R_FD_WRITE, 0);
  CHECK(wo >= 0 && wo != ro);
  CHECK_EQ(read_n(e, (uint32_t)wo, 4), -E_NOTCAPABLE);
  CHECK_EQ(write_str(e, (uint32_t)wo, "J"), E_OK);
  CHECK_EQ(CALL(e, "fd_renumber", wo, ro), E_OK);
  CHECK_EQ(CALL(e, "fd_close", wo), E_BADF);
  CHECK_EQ(read_n(e, (uint32_t)ro, 4), -E_NOTCAPABLE); /* now the wo file */
  CHECK_EQ(CALL(e, "fd_renumber", ro, 99), E_BADF);
  CHECK_EQ(CALL(e, "fd_close", ro), E_OK);
  CHECK_EQ(open_path(e, "a.txt", O_CREAT_ | O_EXCL_, ALL, 0), -E_EXIST);
  CHECK_EQ(open_path(e, "missing", 0, ALL, 0), -E_NOENT);
  CHECK_EQ(open_path(e, "a.txt", O_DIR_, ALL, 0), -E_NOTDIR);
}

static uint64_t path_stat(wt_env *e, const char *p, uint32_t follow) {
  uint32_t n = wt_str(e, PATH, p);
  return CALL(e, "path_filestat_get", 3, follow, PATH, n, 400);
}

static uint64_t two_paths(wt_env *e, const char *fn, const char *a,
                          const char *b) {
  uint32_t na = wt_str(e, PATH, a), nb = wt_str(e, PATH + 512, b);
  if (strcmp(fn, "path_link") == 0)
    return CALL(e, fn, 3, 0, PATH, na, 3, PATH + 512, nb);
  if (strcmp(fn, "path_symlink") == 0)
    return CALL(e, fn, PATH, na, 3, PATH + 512, nb);
  return CALL(e, fn, 3, PATH, na, 3, PATH + 512, nb);
}

static void test_dirs(wt_env *e) {
  CHECK_EQ(path_stat(e, "a.txt", 0), E_OK);
  CHECK_EQ(e->mem[416], 4);
  CHECK_EQ(wt_u64(e, 432), 6);
  CHECK_EQ(path_call(e, "path_create_directory", "sub"), E_OK);
  CHECK_EQ(path_call(e, "path_create_directory", "sub"), E_EXIST);
  CHECK_EQ(path_stat(e, "sub/", 0), E_OK);
  CHECK_EQ(e->mem[416], 3);
  long d = open_path(e, "sub", O_DIR_, ALL, 0);
  CHECK(d >= 4);
  CHECK_EQ(CALL(e, "fd_fdstat_get", d, 300), E_OK);
  CHECK_EQ(e->mem[300], 3);
  CHECK_EQ(CALL(e, "fd_close", d), E_OK);

  CHECK_EQ(two_paths(e, "path_rename", "a.txt", "sub/b.txt"), E_OK);
  CHECK_EQ(path_stat(e, "a.txt", 0), E_NOENT);
  CHECK_EQ(path_stat(e, "sub/b.txt", 0), E_OK);
  CHECK_EQ(path_stat(e, "sub/b.txt/", 0), E_NOTDIR);
  CHECK_EQ(two_paths(e, "path_link", "sub/b.txt", "hard"), E_OK);
  CHECK_EQ(path_stat(e, "hard", 0), E_OK);
  CHECK_EQ(wt_u64(e, 424), 2); /* nlink */
  CHECK_EQ(path_call(e, "path_unlink_file", "hard"), E_OK);

  /* Symlinks: readlink, stat with and without follow, path_open. */
  CHECK_EQ(two_paths(e, "path_symlink", "sub/b.txt", "ln"), E_OK);
  uint32_t n = wt_str(e, PATH, "ln");
  CHECK_EQ(CALL(e, "path_readlink", 3, PATH, n, 600, 100, 700), E_OK);
  CHECK_EQ(wt_u32(e, 700), 9);
  CHECK(memcmp(e->mem + 600, "sub/b.txt", 9) == 0);
  CHECK_EQ(CALL(e, "path_readlink", 3, PATH, n, 600, 3, 700), E_OK);
  CHECK_EQ(wt_u32(e, 700), 3); /* truncated */
  CHECK_EQ(path_stat(e, "ln", 0), E_OK);
  CHECK_EQ(e->mem[416], 7);
  CHECK_EQ(path_stat(e, "ln", 1), E_OK);
  CHECK_EQ(e->mem[416], 4);
  long f = open_path(e, "ln", 0, ALL, 0);
  CHECK(f >= 0);
  CHECK_EQ(CALL(e, "fd_close", f), E_OK);
  n = wt_str(e, PATH, "ln");
  CHECK_EQ(CALL(e, "path_open", 3, 0, PATH, n, 0, ALL, ALL, 0, 8), E_LOOP);
  CHECK_EQ(path_call(e, "path_unlink_file", "ln"), E_OK);
  n = wt_str(e, PATH, "sub");
  CHECK_EQ(CALL(e, "path_filestat_set_times", 3, 0, PATH, n, 0,
                1000000000ull * 86400, 4),
           E_OK);
  CHECK_EQ(path_stat(e, "sub", 0), E_OK);
  CHECK_EQ(wt_u64(e, 448), 1000000000ull * 86400);

  CHECK_EQ(path_call(e, "path_remove_directory", "sub"), E_NOTEMPTY);
  CHECK_EQ(path_call(e, "path_unlink_file", "sub"), E_ISDIR);
  CHECK_EQ(path_call(e, "path_unlink_file", "sub/b.txt"), E_OK);
  CHECK_EQ(path_call(e, "path_remove_directory", "sub"), E_OK);
  CHECK_EQ(path_stat(e, "sub", 0), E_NOENT);
}

/* Reads the whole directory through buffers of `bufsize` bytes, resuming
 * from the last complete entry's d_next; returns the names joined. */
static int read_dir_names(wt_env *e, uint32_t fd, uint32_t bufsize, char *names,
                          size_t cap) {
  uint64_t cookie = 0;
  int count = 0;
  names[0] = '\0';
  for (int rounds = 0; rounds < 1000; rounds++) {
    if (CALL(e, "fd_readdir", fd, 5000, bufsize, cookie, 24) != E_OK)
      return -1;
    uint32_t used = wt_u32(e, 24), off = 0;
    while (off + 24 <= used) {
      uint32_t namlen = wt_u32(e, 5000 + off + 16);
      if (off + 24 + namlen > used)
        break; /* truncated: re-read from its cookie */
      char name[256];
      memcpy(name, e->mem + 5000 + off + 24, namlen);
      name[namlen] = '\0';
      if (strcmp(name, ".") && strcmp(name, "..")) {
        strncat(names, name, cap - strlen(names) - 2);
        strcat(names, ",");
      }
      count++;
      cookie = wt_u64(e, 5000 + off);
      off += 24 + namlen;
    }
    if (used < bufsize)
      return count;
  }
  return -2;
}

static int cmp_char(const void *a, const void *b) {
  return *(const char *)a - *(const char *)b;
}

static void test_readdir(wt_env *e) {
  const char *files[] = {"f1", "f2", "f3", "f4", "longer_file_name_5"};
  for (int i = 0; i < 5; i++) {
    long fd = open_path(e, files[i], O_CREAT_, ALL, 0);
    CHECK(fd >= 0);
    CALL(e, "fd_close", fd);
  }
  char big[512], small[512];
  CHECK_EQ(read_dir_names(e, 3, 4096, big, sizeof big), 7);
  CHECK_EQ(read_dir_names(e, 3, 50, small, sizeof small), 7);
  /* Same set of names whatever the buffer size (order may differ). */
  CHECK_EQ(strlen(big), strlen(small));
  qsort(big, strlen(big), 1, cmp_char);
  qsort(small, strlen(small), 1, cmp_char);
  CHECK(strcmp(big, small) == 0);
  CHECK_EQ(strlen(big), strlen("f1,f2,f3,f4,longer_file_name_5,"));
  /* A buffer smaller than a header is filled with a truncated entry. */
  CHECK_EQ(CALL(e, "fd_readdir", 3, 5000, 10, 0, 24), E_OK);
  CHECK_EQ(wt_u32(e, 24), 10);
  CHECK_EQ(CALL(e, "fd_readdir", 3, WT_MEM_SIZE - 5, 10, 0, 24), E_FAULT);
  long f = open_path(e, "f1", 0, ALL, 0);
  CHECK_EQ(CALL(e, "fd_readdir", f, 5000, 100, 0, 24), E_NOTCAPABLE);
  CALL(e, "fd_close", f);
  for (int i = 0; i < 5; i++)
    CHECK_EQ(path_call(e, "path_unlink_file", files[i]), E_OK);
}

/* Snapshot0: 56-byte filestat with u32 nlink; whence CUR=0 END=1 SET=2. */
static void test_snapshot0(const char *dir) {
  wt_env e;
  setup(&e, WASI_SNAPSHOT0, dir);
  long fd = open_path(&e, "s0.txt", O_CREAT_ | O_TRUNC_, ALL, 0);
  CHECK(fd >= 0);
  CHECK_EQ(write_str(&e, (uint32_t)fd, "0123456789"), E_OK);
  CHECK_EQ(seek(&e, (uint32_t)fd, 2, 2), 2);  /* SET */
  CHECK_EQ(seek(&e, (uint32_t)fd, 3, 0), 5);  /* CUR */
  CHECK_EQ(seek(&e, (uint32_t)fd, -1, 1), 9); /* END */
  memset(e.mem + 200, 0xEE, 64);
  CHECK_EQ(CALL(&e, "fd_filestat_get", fd, 200), E_OK);
  CHECK_EQ(e.mem[216], 4);
  CHECK_EQ(wt_u32(&e, 220), 1);  /* nlink: u32 at 20 */
  CHECK_EQ(wt_u64(&e, 224), 10); /* size at 24 */
  CHECK(wt_u64(&e, 240) > 0);    /* mtim at 40 */
  CHECK_EQ(e.mem[256], 0xEE);    /* nothing past 56 bytes */
  CHECK_EQ(CALL(&e, "fd_filestat_get", fd, WT_MEM_SIZE - 56), E_OK);
  uint32_t n = wt_str(&e, PATH, "s0.txt");
  CHECK_EQ(CALL(&e, "path_filestat_get", 3, 0, PATH, n, 400), E_OK);
  CHECK_EQ(wt_u64(&e, 424), 10);
  CALL(&e, "fd_close", fd);
  CHECK_EQ(path_call(&e, "path_unlink_file", "s0.txt"), E_OK);
  wt_free(&e);
}

/* The virtual root: "/" lists the preopens and leads into them. */
static void test_virtual_root(const char *dir) {
  wt_env e;
  wt_init(&e, WASI_SNAPSHOT1);
  CHECK(wasi_ctx_add_virtual_root(e.ctx, NULL));
  CHECK(wasi_ctx_preopen_dir(e.ctx, dir, "the_host_current_dir", NULL));
  CHECK(wasi_ctx_preopen_dir(e.ctx, dir, "./other", NULL));
  CHECK_EQ(CALL(&e, "fd_prestat_get", 3, 40), E_OK);
  CHECK_EQ(wt_u32(&e, 44), 1);
  CHECK_EQ(CALL(&e, "fd_prestat_dir_name", 3, 50, 1), E_OK);
  CHECK_EQ(e.mem[50], '/');
  CHECK_EQ(CALL(&e, "fd_filestat_get", 3, 200), E_OK);
  CHECK_EQ(e.mem[216], 3);
  CHECK_EQ(path_stat(&e, ".", 0), E_OK);
  CHECK_EQ(e.mem[416], 3);

  long root = open_path(&e, ".", O_DIR_, ALL, 0);
  CHECK(root >= 6);
  char names[512];
  CHECK_EQ(read_dir_names(&e, (uint32_t)root, 4096, names, sizeof names), 4);
  CHECK(strcmp(names, "the_host_current_dir,other,") == 0);
  CHECK_EQ(read_dir_names(&e, (uint32_t)root, 50, names, sizeof names), 4);
  CHECK(strcmp(names, "the_host_current_dir,other,") == 0);
  CHECK_EQ(CALL(&e, "fd_readdir", root, 5000, 4096, 3, 24), E_OK);
  CHECK_EQ(wt_u32(&e, 5000 + 16), 5); /* resumes at "other" */
  CHECK_EQ(CALL(&e, "fd_close", root), E_OK);

  long f = open_path(&e, "the_host_current_dir/vr.txt", O_CREAT_, ALL, 0);
  CHECK(f >= 0);
  CHECK_EQ(write_str(&e, (uint32_t)f, "via root"), E_OK);
  CALL(&e, "fd_close", f);
  CHECK_EQ(path_stat(&e, "./other/vr.txt", 0), E_OK);
  CHECK_EQ(wt_u64(&e, 432), 8);
  CHECK_EQ(path_stat(&e, "other", 0), E_OK);
  CHECK_EQ(e.mem[416], 3);
  CHECK_EQ(path_stat(&e, "nope/x", 0), E_NOENT);
  CHECK_EQ(path_stat(&e, "../x", 0), E_NOTCAPABLE);
  CHECK_EQ(path_stat(&e, "other/../../x", 0), E_NOTCAPABLE);
  CHECK_EQ(path_stat(&e, "/other", 0), E_NOTCAPABLE);
  CHECK_EQ(path_call(&e, "path_unlink_file", "other/vr.txt"), E_OK);
  CHECK_EQ(path_call(&e, "path_create_directory", "newtop"), E_NOENT);
  wt_free(&e);
}

int main(void) {
  char *dir = wt_tmpdir();
  wt_env e;
  setup(&e, WASI_SNAPSHOT1, dir);
  test_prestat(&e);
  test_file_io(&e);
  test_dirs(&e);
  test_readdir(&e);
  CHECK_EQ(CALL(&e, "fd_close", 3), E_OK); /* preopens may be closed */
  CHECK_EQ(path_stat(&e, "x", 0), E_BADF);
  wt_free(&e);
  test_snapshot0(dir);
  test_virtual_root(dir);
  wt_rmtree(dir);
  free(dir);
  return wt_report("wasi_fs_test");
}
