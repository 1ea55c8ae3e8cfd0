/* spec_check.h — minimal assertion helpers shared by the runner's tests. */
#ifndef SPEC_CHECK_H
#define SPEC_CHECK_H

#include <stdio.h>

static int spec_check_failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      spec_check_failures++;                                                   \
    }                                                                          \
  } while (0)

#define CHECK_STR(a, b) CHECK(strcmp((a), (b)) == 0)

static inline int spec_check_report(const char *name) {
  if (spec_check_failures)
    fprintf(stderr, "%s: %d check(s) failed\n", name, spec_check_failures);
  else
    printf("%s: all checks passed\n", name);
  return spec_check_failures ? 1 : 0;
}

#endif /* SPEC_CHECK_H */
