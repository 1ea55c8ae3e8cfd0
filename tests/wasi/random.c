/* random.c — random_get fills buffers with non-constant bytes: two draws
 * differ, a large draw is not all one value, and zero length is fine. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static int failed;

static void check(const char *what, int ok) {
  printf("%s: %s\n", what, ok ? "ok" : "FAIL");
  failed |= !ok;
}

int main(void) {
  static uint8_t a[4096], b[4096];
  check("random_get a", __wasi_random_get(a, sizeof a) == 0);
  check("random_get b", __wasi_random_get(b, sizeof b) == 0);
  check("two draws differ", memcmp(a, b, sizeof a) != 0);
  int counts[256] = {0}, distinct = 0;
  for (size_t i = 0; i < sizeof a; i++)
    distinct += counts[a[i]]++ == 0;
  /* 4096 uniform bytes hit nearly all 256 values; 200 is very safe. */
  check("many distinct byte values", distinct > 200);
  check("zero length", __wasi_random_get(b, 0) == 0);
  return failed;
}
