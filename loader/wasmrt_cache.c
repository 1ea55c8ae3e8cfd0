/* wasmrt_cache.c — the artifact cache (see wasmrt_cache.h for the layout). */
#define _GNU_SOURCE /* mkostemps */
#include "wasmrt_cache.h"

#include "loader_internal.h"
#include "wasm_sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef WASMRT_CACHE_VERSION
#define WASMRT_CACHE_VERSION "0.0.0"
#endif

#define TRAILER_MAGIC "wasmcsum"

/* A digest of the "model name" and "flags" lines of the first CPU:
 * artifacts compiled for "native" must not be shared with another CPU.
 * The CPU does not change under a running process, so /proc/cpuinfo (tens
 * of microseconds to generate) is read once, not on every lookup. */
static uint8_t cpu_digest[32];
static pthread_once_t cpu_digest_once = PTHREAD_ONCE_INIT;

static void compute_cpu_digest(void) {
  wasm_sha256_ctx c;
  wasm_sha256_init(&c);
  FILE *f = fopen("/proc/cpuinfo", "re");
  if (f) {
    char line[8192];
    int found = 0;
    while (found < 2 && fgets(line, sizeof line, f)) {
      if (strncmp(line, "model name", 10) && strncmp(line, "flags", 5))
        continue;
      wasm_sha256_update(&c, line, strlen(line));
      found++;
    }
    fclose(f);
  }
  wasm_sha256_final(&c, cpu_digest);
}

static void hash_cpu_identity(wasm_sha256_ctx *key) {
  pthread_once(&cpu_digest_once, compute_cpu_digest);
  wasm_sha256_update(key, cpu_digest, sizeof cpu_digest);
}

/* Size and modification time of the compiler's code: cheap, and they
 * change whenever the compiler is rebuilt or replaced. */
static void hash_compiler_file(wasm_sha256_ctx *key, const char *path) {
  struct stat st;
  if (!path || stat(path, &st) != 0)
    return;
  char id[96];
  int n = snprintf(id, sizeof id, "\n%lld.%lld.%09ld", (long long)st.st_size,
                   (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
  wasm_sha256_update(key, id, (size_t)n);
}

char *wasmrt_cache_dir(void) {
  const char *env = getenv("WASMC_CACHE_DIR");
  if (env)
    return (!env[0] || !strcmp(env, "0")) ? NULL : strdup(env);
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  const char *base, *leaf;
  if (xdg && xdg[0] == '/') /* the XDG spec ignores relative values */
    base = xdg, leaf = "/wasmc";
  else if (home && home[0])
    base = home, leaf = "/.cache/wasmc";
  else
    return NULL;
  size_t n = strlen(base) + strlen(leaf) + 1;
  char *dir = malloc(n);
  if (dir)
    snprintf(dir, n, "%s%s", base, leaf);
  return dir;
}

char *wasmrt_cache_entry_path(const uint8_t *wasm, size_t len,
                              const wasmrt_cache_options *opts) {
  char *dir = wasmrt_cache_dir();
  if (!dir)
    return NULL;
  uint8_t wasm_sha[32], digest[32];
  wasm_sha256(wasm, len, wasm_sha);
  wasm_sha256_ctx key;
  wasm_sha256_init(&key);
  wasm_sha256_update(&key, wasm_sha, sizeof wasm_sha);
  wasm_sha256_update(&key, WASMRT_CACHE_VERSION "\n",
                     strlen(WASMRT_CACHE_VERSION) + 1);
  hash_cpu_identity(&key);
  unsigned opt = !opts ? 2 : opts->opt_level < 3 ? opts->opt_level : 3;
  const char *cpu = opts && opts->target_cpu && opts->target_cpu[0]
                        ? opts->target_cpu
                        : "generic";
  char tail[32];
  int n = snprintf(tail, sizeof tail, "\nO%u\n", opt);
  wasm_sha256_update(&key, tail, (size_t)n);
  wasm_sha256_update(&key, cpu, strlen(cpu));
  hash_compiler_file(&key, opts ? opts->compiler_file : NULL);
  wasm_sha256_final(&key, digest);

  size_t plen = strlen(dir) + 1 + 64 + 4;
  char *path = malloc(plen);
  if (path) {
    int at = snprintf(path, plen, "%s/", dir);
    for (int i = 0; i < 32; i++)
      at += snprintf(path + at, plen - (size_t)at, "%02x", digest[i]);
    snprintf(path + at, plen - (size_t)at, ".so");
  }
  free(dir);
  return path;
}

bool wasmrt_cache_load(const char *path, uint8_t **so, size_t *so_len) {
  *so = NULL;
  *so_len = 0;
  uint8_t *bytes;
  size_t len;
  wasm_error err = {0};
  if (!loader_read_file(path, &bytes, &len, &err))
    return false;
  uint8_t digest[32];
  bool ok = len > WASMRT_CACHE_TRAILER_SIZE;
  size_t body = ok ? len - WASMRT_CACHE_TRAILER_SIZE : 0;
  ok = ok && memcmp(bytes + body, TRAILER_MAGIC, 8) == 0;
  if (ok) {
    wasm_sha256(bytes, body, digest);
    ok = memcmp(digest, bytes + body + 8, 32) == 0;
  }
  if (!ok) {
    free(bytes);
    return false;
  }
  *so = bytes; /* the trailer stays allocated but outside *so_len */
  *so_len = body;
  return true;
}

/* mkdir -p with mode 0700; existing components are fine. */
static bool make_dirs(char *dir) {
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    int rc = mkdir(dir, 0700);
    *p = '/';
    if (rc != 0 && errno != EEXIST)
      return false;
  }
  return mkdir(dir, 0700) == 0 || errno == EEXIST;
}

static bool write_all(int fd, const uint8_t *data, size_t len) {
  while (len) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data += n;
    len -= (size_t)n;
  }
  return true;
}

static bool io_error(wasm_error *err, const char *what, const char *path) {
  return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET, "cache: %s %s: %s",
                        what, path, strerror(errno));
}

/* Creates the directory holding `path` (dirname, in place of a copy). */
static bool ensure_parent(const char *path, wasm_error *err) {
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path)
    return true;
  char *dir = strndup(path, (size_t)(slash - path));
  if (!dir)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  bool ok = make_dirs(dir);
  if (!ok)
    io_error(err, "cannot create", dir);
  free(dir);
  return ok;
}

/* Writes body + trailer to the open temporary file and syncs it. */
static bool write_entry(int fd, const uint8_t *so, size_t len) {
  uint8_t trailer[WASMRT_CACHE_TRAILER_SIZE];
  memcpy(trailer, TRAILER_MAGIC, 8);
  wasm_sha256(so, len, trailer + 8);
  return write_all(fd, so, len) && write_all(fd, trailer, sizeof trailer) &&
         fsync(fd) == 0;
}

bool wasmrt_cache_store(const char *path, const uint8_t *so, size_t so_len,
                        wasm_error *err) {
  if (!ensure_parent(path, err))
    return false;
  size_t n = strlen(path) + sizeof ".XXXXXX.tmp";
  char *tmp = malloc(n);
  if (!tmp)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  snprintf(tmp, n, "%s.XXXXXX.tmp", path);
  int fd = mkostemps(tmp, 4, O_CLOEXEC); /* unique: no two writers clash */
  if (fd < 0) {
    io_error(err, "cannot create", tmp);
    free(tmp);
    return false;
  }
  bool ok = write_entry(fd, so, so_len);
  if (!ok)
    io_error(err, "cannot write", tmp);
  if (close(fd) != 0 && ok)
    ok = io_error(err, "cannot write", tmp);
  if (ok && rename(tmp, path) != 0)
    ok = io_error(err, "cannot rename to", path);
  if (!ok)
    unlink(tmp);
  free(tmp);
  return ok;
}
