/* link.c — object file -> ELF shared object with ld.lld, in a private
 * temporary directory that is removed on every path. */
#include "codegen_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef WASMC_LLD_PATH
#define WASMC_LLD_PATH "ld.lld-19"
#endif

/* Artifacts are bounded by what the compiler produced; this only guards
 * against reading something absurd back. */
#define MAX_SO_SIZE ((size_t)1 << 31)

extern char **environ;

static bool io_error(wasm_error *err, const char *what, const char *path) {
  return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET, "%s %s: %s", what,
                        path, strerror(errno));
}

static bool write_file(const char *path, const uint8_t *p, size_t n,
                       wasm_error *err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return io_error(err, "cannot create", path);
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      close(fd);
      return io_error(err, "cannot write", path);
    }
    p += w;
    n -= (size_t)w;
  }
  return close(fd) == 0 || io_error(err, "cannot write", path);
}

static bool read_file(const char *path, uint8_t **out, size_t *len,
                      wasm_error *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    if (fd >= 0)
      close(fd);
    return io_error(err, "cannot read", path);
  }
  size_t n = (size_t)st.st_size;
  uint8_t *buf = n <= MAX_SO_SIZE ? malloc(n ? n : 1) : NULL;
  size_t got = 0;
  while (buf && got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    got += (size_t)r;
  }
  close(fd);
  if (!buf || got != n) {
    free(buf);
    return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET,
                          "cannot read linker output %s", path);
  }
  *out = buf;
  *len = n;
  return true;
}

/* At most this many objects go to one link (compile.c caps partitions). */
#define MAX_OBJS 8

/* Runs the linker without a shell on objs[0..n); its stderr goes to
 * `log`. */
static bool run_lld(char *const *objs, unsigned n, const char *so,
                    const char *log, wasm_error *err) {
  char *argv[12 + MAX_OBJS] = {(char *)WASMC_LLD_PATH,
                               "-shared",
                               "--no-undefined",
                               "-z",
                               "now",
                               "-z",
                               "relro",
                               "--hash-style=gnu",
                               "-o",
                               (char *)so};
  unsigned k = 10;
  for (unsigned i = 0; i < n; i++)
    argv[k++] = objs[i];
  argv[k] = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, WASMC_LLD_PATH, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET, "cannot run %s: %s",
                          WASMC_LLD_PATH, strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return io_error(err, "waitpid", WASMC_LLD_PATH);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return true;
  char msg[160] = "";
  int fd = open(log, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t r = read(fd, msg, sizeof msg - 1);
    msg[r > 0 ? r : 0] = '\0';
    close(fd);
  }
  return wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET,
                        "linker failed: %s", msg);
}

static void make_path(char *out, size_t cap, const char *dir, const char *name,
                      unsigned i) {
  snprintf(out, cap, "%s/%s%u.o", dir, name, i);
}

bool cg_link_shared(uint8_t *const *objs, const size_t *obj_lens, unsigned n,
                    uint8_t **so, size_t *so_len, wasm_error *err) {
  if (n == 0 || n > MAX_OBJS)
    return wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET,
                          "cannot link %u objects", n);
  const char *tmp = getenv("TMPDIR");
  char dir[512];
  snprintf(dir, sizeof dir, "%s/wasmc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir))
    return io_error(err, "cannot create temporary directory in",
                    tmp && *tmp ? tmp : "/tmp");
  char obj_paths[MAX_OBJS][600], so_path[600], log_path[600];
  char *obj_argv[MAX_OBJS];
  snprintf(so_path, sizeof so_path, "%s/module.so", dir);
  snprintf(log_path, sizeof log_path, "%s/lld.log", dir);
  unsigned written = 0;
  bool ok = true;
  for (; ok && written < n; written++) {
    make_path(obj_paths[written], sizeof obj_paths[written], dir, "module",
              written);
    obj_argv[written] = obj_paths[written];
    ok = write_file(obj_paths[written], objs[written], obj_lens[written], err);
  }
  ok = ok && run_lld(obj_argv, n, so_path, log_path, err) &&
       read_file(so_path, so, so_len, err);
  for (unsigned i = 0; i < written; i++)
    unlink(obj_paths[i]);
  unlink(so_path);
  unlink(log_path);
  rmdir(dir);
  return ok;
}
