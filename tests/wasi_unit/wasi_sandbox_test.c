/* wasi_sandbox_test.c — nothing outside a preopened directory is
 * reachable: `..`, absolute paths, symlinks pointing out (absolute or
 * relative), rename/link/unlink/mkdir targets outside, symlink loops, bad
 * path bytes. Each case runs with openat2 and with the portable walker.
 * Escapes fail with NOTCAPABLE (76); see runtime/wasi/README.md. */
#define _GNU_SOURCE
#include "wasi_test_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALL UINT64_C(0xFFFFFFFFFFFFFFFF)
#define PATH 3000

static char root[512], box[600], outside[700];

static long open_at(wt_env *e, const char *p, uint32_t follow,
                    uint32_t oflags) {
  uint32_t n = wt_str(e, PATH, p);
  uint64_t rc =
      CALL(e, "path_open", 3, follow, PATH, n, oflags, ALL, ALL, 0, 8);
  if (rc == 0)
    CALL(e, "fd_close", wt_u32(e, 8));
  return rc ? -(long)rc : 0;
}

static uint64_t one_path(wt_env *e, const char *fn, const char *p) {
  uint32_t n = wt_str(e, PATH, p);
  return CALL(e, fn, 3, PATH, n);
}

static uint64_t stat_at(wt_env *e, const char *p, uint32_t follow) {
  uint32_t n = wt_str(e, PATH, p);
  return CALL(e, "path_filestat_get", 3, follow, PATH, n, 400);
}

static uint64_t rename_to(wt_env *e, const char *a, const char *b) {
  uint32_t na = wt_str(e, PATH, a), nb = wt_str(e, PATH + 512, b);
  return CALL(e, "path_rename", 3, PATH, na, 3, PATH + 512, nb);
}

static uint64_t link_to(wt_env *e, const char *a, const char *b) {
  uint32_t na = wt_str(e, PATH, a), nb = wt_str(e, PATH + 512, b);
  return CALL(e, "path_link", 3, 1, PATH, na, 3, PATH + 512, nb);
}

static void make_tree(void) {
  char *t = wt_tmpdir();
  snprintf(root, sizeof root, "%s", t);
  free(t);
  snprintf(box, sizeof box, "%s/box", root);
  snprintf(outside, sizeof outside, "%s/outside.txt", root);
  char p[800];
  CHECK(mkdir(box, 0700) == 0);
  int fd = open(outside, O_CREAT | O_WRONLY, 0600);
  CHECK(fd >= 0 && write(fd, "secret", 6) == 6);
  close(fd);
  snprintf(p, sizeof p, "%s/inner", box);
  CHECK(mkdir(p, 0700) == 0);
  snprintf(p, sizeof p, "%s/file", box);
  fd = open(p, O_CREAT | O_WRONLY, 0600);
  close(fd);
  snprintf(p, sizeof p, "%s/abs_escape", box);
  CHECK(symlink(root, p) == 0); /* absolute, to the dir above */
  snprintf(p, sizeof p, "%s/rel_escape", box);
  CHECK(symlink("inner/../..", p) == 0);
  snprintf(p, sizeof p, "%s/inner/up", box);
  CHECK(symlink("../../outside.txt", p) == 0);
  snprintf(p, sizeof p, "%s/ok_link", box);
  CHECK(symlink("inner/../file", p) == 0);
  snprintf(p, sizeof p, "%s/dir_link", box);
  CHECK(symlink("inner", p) == 0);
  snprintf(p, sizeof p, "%s/loop1", box);
  CHECK(symlink("loop2", p) == 0);
  snprintf(p, sizeof p, "%s/loop2", box);
  CHECK(symlink("loop1", p) == 0);
}

static void check_escapes(wt_env *e) {
  CHECK_EQ(open_at(e, "../outside.txt", 1, 0), -E_NOTCAPABLE);
  CHECK_EQ(open_at(e, "..", 1, 0), -E_NOTCAPABLE);
  CHECK_EQ(open_at(e, "/etc/passwd", 1, 0), -E_NOTCAPABLE);
  CHECK_EQ(open_at(e, "inner/../../outside.txt", 1, 0), -E_NOTCAPABLE);
  CHECK_EQ(open_at(e, "./inner/./../../box/file", 1, 0), -E_NOTCAPABLE);
  CHECK_EQ(open_at(e, "abs_escape/outside.txt", 1, 0), -E_NOTCAPABLE);
  CHECK_EQ(open_at(e, "abs_escape", 1, 0), -E_NOTCAPABLE);
  CHECK_EQ(open_at(e, "abs_escape", 0, 0), -E_LOOP); /* not followed */
  CHECK_EQ(open_at(e, "rel_escape/outside.txt", 1, 0), -E_NOTCAPABLE);
  CHECK_EQ(open_at(e, "inner/up", 1, 0), -E_NOTCAPABLE);
  CHECK_EQ(stat_at(e, "inner/up", 1), E_NOTCAPABLE);
  CHECK_EQ(stat_at(e, "inner/up", 0), E_OK); /* the link itself is fine */
  CHECK_EQ(e->mem[416], 7);
  CHECK_EQ(stat_at(e, "abs_escape/outside.txt", 0), E_NOTCAPABLE);

  /* Inside stays reachable, through `..` and in-box symlinks. */
  CHECK_EQ(open_at(e, "inner/../file", 1, 0), 0);
  CHECK_EQ(open_at(e, "ok_link", 1, 0), 0);
  CHECK_EQ(open_at(e, "dir_link/../file", 1, 0), 0);
  CHECK_EQ(open_at(e, ".", 1, 2), 0);
  CHECK_EQ(open_at(e, "inner/", 1, 0), 0);
  CHECK_EQ(open_at(e, "file/", 1, 0), -E_NOTDIR);
  CHECK_EQ(open_at(e, "loop1", 1, 0), -E_LOOP);
  CHECK_EQ(open_at(e, "loop1/x", 1, 0), -E_LOOP);

  /* Mutations aimed outside. */
  CHECK_EQ(rename_to(e, "file", "../stolen"), E_NOTCAPABLE);
  CHECK_EQ(rename_to(e, "file", "abs_escape/stolen"), E_NOTCAPABLE);
  CHECK_EQ(rename_to(e, "../outside.txt", "got"), E_NOTCAPABLE);
  CHECK_EQ(link_to(e, "inner/up", "got"), E_NOTCAPABLE);
  CHECK_EQ(link_to(e, "file", "rel_escape/hard"), E_NOTCAPABLE);
  CHECK_EQ(one_path(e, "path_unlink_file", "../outside.txt"), E_NOTCAPABLE);
  CHECK_EQ(one_path(e, "path_unlink_file", "abs_escape/outside.txt"),
           E_NOTCAPABLE);
  CHECK_EQ(one_path(e, "path_create_directory", "../newdir"), E_NOTCAPABLE);
  CHECK_EQ(one_path(e, "path_remove_directory", "rel_escape/box"),
           E_NOTCAPABLE);
  struct stat st;
  CHECK(stat(outside, &st) == 0 && st.st_size == 6);
  char p[800];
  snprintf(p, sizeof p, "%s/stolen", root);
  CHECK(access(p, F_OK) != 0);
  snprintf(p, sizeof p, "%s/newdir", root);
  CHECK(access(p, F_OK) != 0);

  /* A symlink may be created with any target; following it is checked. */
  uint32_t na = wt_str(e, PATH, "../outside.txt");
  uint32_t nb = wt_str(e, PATH + 512, "made");
  CHECK_EQ(CALL(e, "path_symlink", PATH, na, 3, PATH + 512, nb), E_OK);
  CHECK_EQ(open_at(e, "made", 1, 0), -E_NOTCAPABLE);
  CHECK_EQ(one_path(e, "path_unlink_file", "made"), E_OK);

  /* Bad path bytes and pointers. */
  wt_put(e, PATH, "fi\0le", 5);
  CHECK_EQ(CALL(e, "path_open", 3, 0, PATH, 5, 0, ALL, ALL, 0, 8), E_INVAL);
  CHECK_EQ(CALL(e, "path_open", 3, 0, WT_MEM_SIZE - 2, 4, 0, ALL, ALL, 0, 8),
           E_FAULT);
  CHECK_EQ(CALL(e, "path_open", 3, 0, PATH, 0, 0, ALL, ALL, 0, 8), E_NOENT);
  CHECK_EQ(CALL(e, "path_open", 3, 0, 0, 5000, 0, ALL, ALL, 0, 8),
           37); /* NAMETOOLONG */
  /* Paths are relative to directories only, and only to open ones. */
  uint32_t n = wt_str(e, PATH, "x");
  CHECK_EQ(CALL(e, "path_create_directory", 1, PATH, n), E_NOTDIR);
  CHECK_EQ(CALL(e, "path_create_directory", 42, PATH, n), E_BADF);
}

/* A directory fd with PATH_OPEN dropped cannot open anything. */
static void check_rights(wt_env *e) {
  CHECK_EQ(CALL(e, "fd_fdstat_get", 3, 300), E_OK);
  uint64_t base = wt_u64(e, 308), inh = wt_u64(e, 316);
  uint64_t path_open = 1ull << 13, create_dir = 1ull << 9;
  CHECK_EQ(CALL(e, "fd_fdstat_set_rights", 3, base & ~create_dir, inh), E_OK);
  CHECK_EQ(one_path(e, "path_create_directory", "nope"), E_NOTCAPABLE);
  CHECK_EQ(
      CALL(e, "fd_fdstat_set_rights", 3, base & ~create_dir & ~path_open, inh),
      E_OK);
  CHECK_EQ(open_at(e, "file", 0, 0), -E_NOTCAPABLE);
}

/* Hostile calls: random arguments to every function that cannot block or
 * fill the disk, with guest memory full of random bytes. Nothing may
 * crash (ASan build), and nothing may appear outside the sandbox. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static uint64_t rnd_arg(void) {
  switch (rnd() % 6) {
  case 0:
    return rnd() % 8; /* small: fds, flags, whence */
  case 1:
    return rnd() % (WT_MEM_SIZE + 64); /* pointer, maybe past the end */
  case 2:
    return 0xFFFFFFFFu - rnd() % 16;
  case 3:
    return rnd() % 64; /* short lengths */
  case 4:
    return rnd(); /* full 64 bits */
  default:
    return 0;
  }
}

static bool skip_in_fuzz(const char *name) {
  static const char *const skip[] = {"poll_oneoff", "proc_exit", "fd_allocate",
                                     "sock_recv", "sock_accept"};
  for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
    if (strcmp(name, skip[i]) == 0)
      return true;
  return false;
}

static void fuzz_calls(void) {
  int ok = 0;
  for (int v = 0; v < 2; v++) {
    wt_env e;
    wt_init(&e, v ? WASI_SNAPSHOT0 : WASI_SNAPSHOT1);
    CHECK(wasi_ctx_preopen_dir(e.ctx, box, ".", NULL));
    CHECK(wasi_ctx_capture_output(e.ctx, 1, 4096, NULL));
    CHECK(wasi_ctx_capture_output(e.ctx, 2, 4096, NULL));
    CHECK(wasi_ctx_set_stdin(e.ctx, "in", 2, NULL));
    size_t n;
    const wasi_func_desc *t = wasi_functions(e.version, &n);
    for (int iter = 0; iter < 20000; iter++) {
      const wasi_func_desc *d = &t[rnd() % n];
      if (skip_in_fuzz(d->name))
        continue;
      if (iter % 64 == 0)
        for (uint32_t i = 0; i < WT_MEM_SIZE; i += 8)
          wt_set64(&e, i, rnd() & 0x0000FFFF0000FFFFull);
      uint64_t args[9];
      for (int i = 0; i < 9; i++)
        args[i] = rnd_arg();
      uint64_t rc = wt_callv(&e, d->name, args, (int)d->nparams);
      ok += rc == 0;
      if (rc > 76 || e.last_status != 0) {
        fprintf(stderr, "%s returned %llu / status %d\n", d->name,
                (unsigned long long)rc, e.last_status);
        CHECK(rc <= 76 && e.last_status == 0);
        break;
      }
    }
    wt_free(&e);
  }
  CHECK(ok > 1000); /* the calls get past argument checks too */
  /* Only box/ and outside.txt exist in the root. */
  DIR *dir = opendir(root);
  int entries = 0;
  for (struct dirent *de; dir && (de = readdir(dir));)
    entries += de->d_name[0] != '.';
  if (dir)
    closedir(dir);
  CHECK_EQ(entries, 2);
}

int main(void) {
  make_tree();
  for (int mode = 0; mode < 2; mode++) {
    wt_env e;
    wt_init(&e, WASI_SNAPSHOT1);
    CHECK(wasi_ctx_preopen_dir(e.ctx, box, "/sandbox", NULL));
    wasi_ctx_set_flags(e.ctx, mode ? WASI_CTX_NO_OPENAT2 : 0);
    int before = wt_failures;
    check_escapes(&e);
    check_rights(&e);
    if (wt_failures != before)
      fprintf(stderr, "  (failures above: %s)\n",
              mode ? "portable walker" : "openat2");
    wt_free(&e);
  }
  fuzz_calls();
  wt_rmtree(root);
  return wt_report("wasi_sandbox_test");
}
