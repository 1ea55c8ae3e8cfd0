/* test_check.h — CHECK for the compiler's unit tests: counts checks and
 * failures, and names the failing condition with its line. */
#ifndef WASMC_TEST_CHECK_H
#define WASMC_TEST_CHECK_H

#include <stdio.h>

static int failures, checks;

#define CHECK(cond)                                                            \
  do {                                                                         \
    checks++;                                                                  \
    if (!(cond)) {                                                             \
      failures++;                                                              \
      fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__, __LINE__, #cond);          \
    }                                                                          \
  } while (0)

#endif
