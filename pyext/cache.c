/* cache.c — the per-user cache of compiled artifacts behind Module(bytes).
 *
 * Location: $WASMC_CACHE_DIR, else $XDG_CACHE_HOME/wasmc, else
 * ~/.cache/wasmc; WASMC_CACHE_DIR=0 (or empty) disables it.
 *
 * Entry name: hex SHA-256 of (SHA-256 of the wasm bytes, the compiler
 * version, the host CPU identity) + ".so". Entry contents: the artifact (a
 * plain ELF shared object, so tools can read it) followed by a 40-byte
 * trailer: "wasmcsum" and the SHA-256 of the artifact bytes. The trailer
 * lets a hit detect any corruption, even in code bytes the loader's own
 * checks (ELF structure, `.wasmc` section) would not notice; the loader
 * then checks the rest (format version, CPU features).
 *
 * Writers create a unique temporary file in the same directory, write,
 * fsync, then rename() over the entry: readers see the old entry, the new
 * one, or none, never a partial file. Every failure on the store path is
 * ignored (an unwritable cache only costs a compile). Hashing uses Python's
 * hashlib, so a cache hit needs neither libwasmc nor LLVM.
 */
#include "pyext_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef WASMER_VERSION
#define WASMER_VERSION "0.0.0"
#endif

#define TRAILER_MAGIC "wasmcsum"
#define TRAILER_SIZE (8 + 32)

/* hashlib.sha256(data).digest() as a new bytes object. */
static PyObject *sha256_digest(const void *data, size_t len) {
  PyObject *hashlib = PyImport_ImportModule("hashlib");
  if (!hashlib)
    return NULL;
  PyObject *view =
      PyMemoryView_FromMemory((char *)data, (Py_ssize_t)len, PyBUF_READ);
  PyObject *h = view ? PyObject_CallMethod(hashlib, "sha256", "O", view) : NULL;
  PyObject *digest = h ? PyObject_CallMethod(h, "digest", NULL) : NULL;
  Py_XDECREF(h);
  Py_XDECREF(view);
  Py_DECREF(hashlib);
  return digest;
}

/* "model name" and "flags" of the first CPU: artifacts are compiled for
 * the native CPU, so another CPU must not share entries. */
static void cpu_identity(char *buf, size_t size) {
  buf[0] = 0;
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f)
    return;
  char line[8192];
  size_t used = 0;
  int found = 0;
  while (found < 2 && fgets(line, sizeof line, f)) {
    if (strncmp(line, "model name", 10) && strncmp(line, "flags", 5))
      continue;
    size_t n = strlen(line);
    if (used + n >= size)
      break;
    memcpy(buf + used, line, n + 1);
    used += n;
    found++;
  }
  fclose(f);
}

/* The cache directory (malloc'd), or NULL when disabled. */
static char *cache_dir(void) {
  const char *env = getenv("WASMC_CACHE_DIR");
  if (env)
    return (!env[0] || !strcmp(env, "0")) ? NULL : strdup(env);
  char buf[4096];
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  if (xdg && xdg[0] == '/')
    snprintf(buf, sizeof buf, "%s/wasmc", xdg);
  else if (home && home[0])
    snprintf(buf, sizeof buf, "%s/.cache/wasmc", home);
  else
    return NULL;
  return strdup(buf);
}

/* mkdir -p, best effort (errors surface when the entry is written). */
static void make_dirs(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s", dir);
  for (char *p = path + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = 0;
    mkdir(path, 0700);
    *p = '/';
  }
  mkdir(path, 0700);
}

PyObject *pyext_cache_path(const uint8_t *wasm, size_t len) {
  char *dir = cache_dir();
  if (!dir)
    Py_RETURN_NONE;
  PyObject *result = NULL;
  PyObject *wasm_hash = sha256_digest(wasm, len);
  if (wasm_hash) {
    char cpu[8192];
    cpu_identity(cpu, sizeof cpu);
    size_t vlen = strlen(WASMER_VERSION), clen = strlen(cpu);
    char *k = malloc(32 + vlen + 1 + clen);
    if (k) {
      memcpy(k, PyBytes_AS_STRING(wasm_hash), 32); /* may hold NULs */
      memcpy(k + 32, WASMER_VERSION, vlen);
      k[32 + vlen] = '\n';
      memcpy(k + 33 + vlen, cpu, clen);
      PyObject *digest = sha256_digest(k, 33 + vlen + clen);
      PyObject *hex = digest ? PyObject_CallMethod(digest, "hex", NULL) : NULL;
      if (hex)
        result = PyUnicode_FromFormat("%s/%U.so", dir, hex);
      Py_XDECREF(hex);
      Py_XDECREF(digest);
      free(k);
    } else {
      PyErr_NoMemory();
    }
    Py_DECREF(wasm_hash);
  }
  free(dir);
  return result;
}

/* Reads a whole file of at most `max` bytes; NULL (no exception) if it
 * cannot be read or is larger. */
static PyObject *read_file(const char *path, size_t max) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  struct stat sb;
  PyObject *bytes = NULL;
  if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (size_t)sb.st_size <= max) {
    bytes = PyBytes_FromStringAndSize(NULL, sb.st_size);
    size_t done = 0;
    while (bytes && done < (size_t)sb.st_size) {
      ssize_t n =
          read(fd, PyBytes_AS_STRING(bytes) + done, (size_t)sb.st_size - done);
      if (n <= 0)
        Py_CLEAR(bytes);
      else
        done += (size_t)n;
    }
  }
  close(fd);
  PyErr_Clear(); /* a miss, not an error */
  return bytes;
}

PyObject *pyext_cache_load(PyObject *path) {
  const char *p = PyUnicode_AsUTF8(path);
  if (!p) {
    PyErr_Clear();
    return NULL;
  }
  PyObject *entry = read_file(p, WASMRT_ARTIFACT_MAX_SIZE + TRAILER_SIZE);
  if (!entry)
    return NULL;
  size_t len = (size_t)PyBytes_GET_SIZE(entry);
  const char *data = PyBytes_AS_STRING(entry);
  PyObject *so = NULL;
  if (len > TRAILER_SIZE &&
      !memcmp(data + len - TRAILER_SIZE, TRAILER_MAGIC, 8)) {
    size_t so_len = len - TRAILER_SIZE;
    PyObject *digest = sha256_digest(data, so_len);
    if (digest && !memcmp(PyBytes_AS_STRING(digest), data + so_len + 8, 32))
      so = PyBytes_FromStringAndSize(data, (Py_ssize_t)so_len);
    Py_XDECREF(digest);
  }
  Py_DECREF(entry);
  PyErr_Clear();
  return so;
}

static int write_all(int fd, const char *data, size_t len) {
  while (len) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Writes `so` + trailer to a fresh temporary file beside `path`, fsyncs
 * and renames it into place. Returns 0 or -1 (errno-level failure). */
static int store_file(const char *path, unsigned serial, const char *so,
                      size_t len, const char *digest) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.%ld.%u.tmp", path, (long)getpid(), serial);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  int rc = write_all(fd, so, len);
  if (rc == 0)
    rc = write_all(fd, TRAILER_MAGIC, 8);
  if (rc == 0)
    rc = write_all(fd, digest, 32);
  if (rc == 0)
    rc = fsync(fd);
  if (close(fd) != 0)
    rc = -1;
  if (rc == 0)
    rc = rename(tmp, path);
  if (rc != 0)
    unlink(tmp);
  return rc;
}

void pyext_cache_store(PyObject *path, PyObject *so) {
  const char *p = PyUnicode_AsUTF8(path);
  PyObject *digest =
      p ? sha256_digest(PyBytes_AS_STRING(so), (size_t)PyBytes_GET_SIZE(so))
        : NULL;
  if (digest) {
    const char *slash = strrchr(p, '/');
    if (slash && slash != p) {
      char dir[4096];
      snprintf(dir, sizeof dir, "%.*s", (int)(slash - p), p);
      make_dirs(dir);
    }
    const char *data = PyBytes_AS_STRING(so);
    size_t len = (size_t)PyBytes_GET_SIZE(so);
    const char *d = PyBytes_AS_STRING(digest);
    static unsigned counter; /* under the GIL: unique per process */
    unsigned serial = counter++;
    Py_BEGIN_ALLOW_THREADS;
    (void)store_file(p, serial, data, len, d);
    Py_END_ALLOW_THREADS;
    Py_DECREF(digest);
  }
  PyErr_Clear(); /* best effort: the module works without the cache */
}
