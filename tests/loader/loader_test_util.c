/* loader_test_util.c — harness helpers for the loader tests. */
#include "loader_test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lt_art[ART_COUNT];
int lt_checks, lt_failures;

bool lt_check(bool ok, const char *what, const char *file, int line) {
  lt_checks++;
  if (!ok) {
    lt_failures++;
    fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
  }
  return ok;
}

uint8_t *lt_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

int lt_count_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  if (!d)
    return -1;
  int n = 0;
  while (readdir(d))
    n++;
  closedir(d);
  return n;
}

size_t lt_section_offset(const uint8_t *bytes, size_t len) {
  const uint8_t *sec = NULL;
  size_t sec_len = 0;
  wasm_error err;
  CHECK(wasmrt_artifact_extract_section(bytes, len, &sec, &sec_len, &err));
  return sec ? (size_t)(sec - bytes) : 0;
}

void lt_expect_refused(const uint8_t *bytes, size_t len, wasm_error_kind kind,
                       const char *substr, const char *file, int line) {
  wasmrt_artifact *a = (wasmrt_artifact *)1;
  wasm_error err;
  memset(&err, 0, sizeof err);
  bool ok = wasmrt_artifact_open_bytes(bytes, len, &a, &err);
  char what[400];
  snprintf(what, sizeof what, "refused with kind %s and \"%s\" (got %s%s: %s)",
           wasm_error_kind_str(kind), substr, ok ? "success, " : "",
           wasm_error_kind_str(err.kind), err.message);
  lt_check(!ok && !a && err.kind == kind && strstr(err.message, substr), what,
           file, line);
  if (ok)
    wasmrt_artifact_close(a);
}
