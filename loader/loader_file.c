/* loader_file.c — reading an artifact file into memory, bounded. */
#include "loader_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads up to `size` bytes; stops early at end of file (it may shrink). */
static bool read_all(int fd, uint8_t *buf, size_t size, size_t *got,
                     const char *path, wasm_error *err) {
  size_t n = 0;
  while (n < size) {
    ssize_t r = read(fd, buf + n, size - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET,
                            "cannot read %s: %s", path, strerror(errno));
    if (r == 0)
      break;
    n += (size_t)r;
  }
  *got = n;
  return true;
}

bool loader_read_fd(int fd, const char *path, uint8_t **bytes, size_t *len,
                    wasm_error *err) {
  *bytes = NULL;
  *len = 0;
  struct stat st;
  if (fstat(fd, &st) != 0)
    return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET,
                          "cannot stat %s: %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode))
    return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET,
                          "cannot read %s: not a regular file", path);
  if ((uint64_t)st.st_size > WASMRT_ARTIFACT_MAX_SIZE)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "artifact too large: %s is %lld bytes (limit 1 GiB)",
                          path, (long long)st.st_size);
  *bytes = malloc(st.st_size ? (size_t)st.st_size : 1);
  if (!*bytes)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  if (read_all(fd, *bytes, (size_t)st.st_size, len, path, err))
    return true;
  free(*bytes);
  *bytes = NULL;
  return false;
}

bool loader_read_file(const char *path, uint8_t **bytes, size_t *len,
                      wasm_error *err) {
  *bytes = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET,
                          "cannot open %s: %s", path, strerror(errno));
  bool ok = loader_read_fd(fd, path, bytes, len, err);
  close(fd);
  return ok;
}
