/* File reading and error reporting shared by the wasmc subcommands. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A module's size is a u32 in the model, so nothing larger can be one. */
#define WASMC_MAX_FILE_SIZE ((uint64_t)UINT32_MAX)

static bool io_error(wasm_error *err, const char *what) {
  return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET, "%s: %s", what,
                        strerror(errno));
}

/* Reads exactly `size` bytes; the file may not change size meanwhile. */
static bool read_exact(FILE *f, uint8_t *buf, size_t size, wasm_error *err) {
  size_t got = size ? fread(buf, 1, size, f) : 0;
  if (got != size || ferror(f))
    return ferror(f) ? io_error(err, "cannot read")
                     : wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET,
                                      "file shrank while being read");
  if (fgetc(f) != EOF)
    return wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET,
                          "file grew while being read");
  return true;
}

bool wasmc_cli_read_file(const char *path, uint8_t **bytes, size_t *size,
                         wasm_error *err) {
  *bytes = NULL;
  *size = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return io_error(err, "cannot open");
  struct stat st;
  bool ok = false;
  if (fstat(fileno(f), &st) != 0) {
    io_error(err, "cannot stat");
  } else if (!S_ISREG(st.st_mode)) {
    wasm_error_set(err, WASM_ERR_IO, WASM_NO_OFFSET, "not a regular file");
  } else if ((uint64_t)st.st_size > WASMC_MAX_FILE_SIZE) {
    wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                   "file too large for a module (%lld bytes)",
                   (long long)st.st_size);
  } else {
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) {
      wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET, "out of memory");
    } else if (!read_exact(f, buf, n, err)) {
      free(buf);
    } else {
      *bytes = buf;
      *size = n;
      ok = true;
    }
  }
  fclose(f);
  return ok;
}

void wasmc_cli_report(FILE *out, const char *path, const wasm_error *err) {
  if (err->offset == WASM_NO_OFFSET)
    fprintf(out, "%s: %s: %s\n", path, wasm_error_kind_str(err->kind),
            err->message);
  else
    fprintf(out, "%s:0x%x: %s: %s\n", path, (unsigned)err->offset,
            wasm_error_kind_str(err->kind), err->message);
}
