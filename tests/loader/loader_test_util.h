/* loader_test_util.h — tiny test harness shared by the loader tests. */
#ifndef LOADER_TEST_UTIL_H
#define LOADER_TEST_UTIL_H

#include "wasmrt_loader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The test artifacts built by loader/CMakeLists.txt, in argv order. */
enum {
  ART_GOOD,
  ART_BAD_ABI,
  ART_BAD_COUNT,
  ART_NO_INFO,
  ART_NO_SECTION,
  ART_COUNT
};
extern const char *lt_art[ART_COUNT];

extern int lt_checks, lt_failures;
bool lt_check(bool ok, const char *what, const char *file, int line);
#define CHECK(cond) lt_check((cond), #cond, __FILE__, __LINE__)

/* A whole file in malloc'd memory (aborts the test run if unreadable). */
uint8_t *lt_read(const char *path, size_t *len);
/* Open file descriptors of this process. */
int lt_count_fds(void);
/* Offset of the `.wasmc` section in an image (CHECKs it is found). */
size_t lt_section_offset(const uint8_t *bytes, size_t len);

/* open_bytes must refuse with `kind` and a message containing `substr`. */
void lt_expect_refused(const uint8_t *bytes, size_t len, wasm_error_kind kind,
                       const char *substr, const char *file, int line);
#define EXPECT_REFUSED(b, n, kind, substr)                                     \
  lt_expect_refused((b), (n), (kind), (substr), __FILE__, __LINE__)

void test_loader_refusals(void);
void test_loader_fuzz(void);
void test_loader_cpu(void);

#endif
