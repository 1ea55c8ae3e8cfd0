/* A JSON tokenizer over a generated document: classifies every token
 * (punctuation, strings with escapes, numbers, literals) and hashes them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

enum tok { T_PUNCT, T_STRING, T_NUMBER, T_LITERAL, T_ERROR, T_COUNT };

struct stats {
  uint32_t count[T_COUNT];
  uint32_t hash;
  int64_t int_sum;
};

static size_t skip_ws(const char *s, size_t i) {
  while (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')
    i++;
  return i;
}

static size_t scan_string(const char *s, size_t i, uint32_t *h) {
  for (i++; s[i] && s[i] != '"'; i++) {
    if (s[i] == '\\' && s[i + 1])
      i++;
    *h = (*h ^ (uint8_t)s[i]) * 16777619u;
  }
  return s[i] ? i + 1 : i;
}

static size_t scan_number(const char *s, size_t i, int64_t *sum) {
  int64_t v = 0;
  int neg = s[i] == '-';
  i += neg;
  while (s[i] >= '0' && s[i] <= '9')
    v = v * 10 + (s[i++] - '0');
  if (s[i] == '.')
    for (i++; s[i] >= '0' && s[i] <= '9'; i++)
      ;
  *sum += neg ? -v : v;
  return i;
}

static void tokenize(const char *s, struct stats *st) {
  size_t i = skip_ws(s, 0);
  while (s[i]) {
    char c = s[i];
    enum tok t;
    if (strchr("{}[]:,", c)) {
      t = T_PUNCT, i++;
    } else if (c == '"') {
      t = T_STRING, i = scan_string(s, i, &st->hash);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      t = T_NUMBER, i = scan_number(s, i, &st->int_sum);
    } else if (!strncmp(s + i, "true", 4) || !strncmp(s + i, "null", 4)) {
      t = T_LITERAL, i += 4;
    } else if (!strncmp(s + i, "false", 5)) {
      t = T_LITERAL, i += 5;
    } else {
      t = T_ERROR, i++;
    }
    st->count[t]++;
    st->hash = (st->hash ^ (uint32_t)t) * 16777619u;
    i = skip_ws(s, i);
  }
}

/* Appends one record like
 * {"id": 12, "name": "item\"12", "price": -3.25, "tags": ["a", "b"], ...} */
static size_t emit_record(char *p, unsigned *seed, int id) {
  static const char *names[] = {"alpha", "beta\\n", "gamma \\\"q\\\"", "delta",
                                "epsilon"};
  unsigned r = bench_rand(seed);
  return (size_t)sprintf(
      p,
      "{\"id\": %d, \"name\": \"%s%u\", \"price\": %d.%02u, \"ok\": %s,\n"
      " \"tags\": [\"t%u\", \"u%u\", null], \"nested\": {\"x\": %u}},\n",
      id, names[r % 5], r % 1000, (int)(r % 2000) - 1000, r % 100,
      (r & 64) ? "true" : "false", r % 7, r % 11, r >> 20);
}

int main(int argc, char **argv) {
  int quick = bench_is_quick(argc, argv);
  int records = 20000, reps = quick ? 4 : 100;
  char *doc = malloc((size_t)records * 200 + 16);
  unsigned seed = 5150;
  struct stats st;
  if (!doc)
    return 1;
  size_t len = 0;
  doc[len++] = '[';
  for (int i = 0; i < records; i++)
    len += emit_record(doc + len, &seed, i);
  strcpy(doc + len, "{}]");
  memset(&st, 0, sizeof st);
  st.hash = 2166136261u;
  bench_start();
  for (int r = 0; r < reps; r++)
    tokenize(doc, &st);
  bench_end();
  printf("tokenizer bytes=%zu punct=%u str=%u num=%u lit=%u err=%u "
         "sum=%lld hash=%08x\n",
         len, st.count[T_PUNCT], st.count[T_STRING], st.count[T_NUMBER],
         st.count[T_LITERAL], st.count[T_ERROR], (long long)st.int_sum,
         st.hash);
  free(doc);
  return 0;
}
