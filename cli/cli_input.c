/* Input files of every subcommand: binary modules, text modules and
 * compiled artifacts, told apart by name or by content; and the atomic
 * output writer the compile and wat2wasm forms share. */
#include "cli.h"
#include "wat.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

wasmc_input_kind wasmc_cli_input_kind(const char *path, const uint8_t *bytes,
                                      size_t size) {
  /* The name wins, so a damaged foo.wasm is reported as a binary module
   * (with a byte offset) rather than as text that fails to parse. */
  if (has_suffix(path, ".wasm"))
    return WASMC_INPUT_WASM;
  if (has_suffix(path, ".wat") || has_suffix(path, ".wast"))
    return WASMC_INPUT_WAT;
  if (has_suffix(path, ".so"))
    return WASMC_INPUT_ARTIFACT;
  if (size >= 4 && memcmp(bytes, "\0asm", 4) == 0)
    return WASMC_INPUT_WASM;
  if (size >= 4 && memcmp(bytes,
                          "\x7f"
                          "ELF",
                          4) == 0)
    return WASMC_INPUT_ARTIFACT;
  return WASMC_INPUT_WAT;
}

/* Text → binary; a parse error keeps its "LINE:COL: " message, and its
 * offset (into the text, not a module) is dropped so reports do not show
 * it as a module offset. */
static bool translate_text(uint8_t **bytes, size_t *size, wasm_error *err) {
  uint8_t *out;
  size_t out_len;
  bool ok = wat_to_wasm((const char *)*bytes, *size, &out, &out_len, err);
  free(*bytes);
  *bytes = NULL;
  *size = 0;
  if (!ok) {
    err->offset = WASM_NO_OFFSET;
    return false;
  }
  *bytes = out;
  *size = out_len;
  return true;
}

bool wasmc_cli_read_wasm(const char *path, uint8_t **bytes, size_t *size,
                         bool *is_artifact, wasm_error *err) {
  if (is_artifact)
    *is_artifact = false;
  if (!wasmc_cli_read_file(path, bytes, size, err))
    return false;
  switch (wasmc_cli_input_kind(path, *bytes, *size)) {
  case WASMC_INPUT_WASM:
    return true;
  case WASMC_INPUT_WAT:
    return translate_text(bytes, size, err);
  case WASMC_INPUT_ARTIFACT:
    if (is_artifact) {
      *is_artifact = true;
      return true;
    }
    break;
  }
  free(*bytes);
  *bytes = NULL;
  *size = 0;
  return wasm_error_set(err, WASM_ERR_MALFORMED, WASM_NO_OFFSET,
                        "a compiled artifact, not a module (.wasm or .wat)");
}

bool wasmc_cli_load_module(const char *path, wasm_module **out,
                           wasm_error *err) {
  uint8_t *bytes;
  size_t size;
  *out = NULL;
  if (!wasmc_cli_read_wasm(path, &bytes, &size, NULL, err))
    return false;
  /* The module keeps its own copy of the bytes. */
  bool ok = wasm_module_load(bytes, size, out, err);
  free(bytes);
  return ok;
}

/* ------------------------------------------------------- atomic output */

static bool write_all(int fd, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return false;
    p += w;
    n -= (size_t)w;
  }
  return true;
}

/* "DIR/.BASE.XXXXXX": same directory, so rename() cannot cross devices. */
static char *temp_name_for(const char *path) {
  char *d = strdup(path), *b = strdup(path);
  char *out = NULL;
  if (d && b) {
    const char *dir = dirname(d), *base = basename(b);
    size_t n = strlen(dir) + strlen(base) + 16;
    out = malloc(n);
    if (out)
      snprintf(out, n, "%s/.%s.XXXXXX", dir, base);
  }
  free(d);
  free(b);
  return out;
}

static unsigned current_umask(void) {
  mode_t m = umask(0);
  umask(m);
  return (unsigned)m;
}

bool wasmc_cli_write_file_atomic(const char *path, const void *bytes,
                                 size_t size, unsigned mode, wasm_error *err) {
  char *tmp = temp_name_for(path);
  if (!tmp)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  int fd = mkstemp(tmp);
  if (fd < 0) {
    wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET, "cannot create %s: %s",
                   tmp, strerror(errno));
    free(tmp);
    return false;
  }
  bool ok = fchmod(fd, (mode_t)(mode & ~current_umask())) == 0 &&
            write_all(fd, bytes, size) && fsync(fd) == 0;
  int saved = errno;
  if (close(fd) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (ok && rename(tmp, path) != 0) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    unlink(tmp);
    wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET, "cannot write: %s",
                   strerror(saved));
  }
  free(tmp);
  return ok;
}
