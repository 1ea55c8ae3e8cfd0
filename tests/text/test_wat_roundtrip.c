/* test_wat_roundtrip — every .wasm under the given folders (recursively)
 * must survive binary -> text -> binary: wat_to_wasm(wasm_to_wat(m)) has
 * the same bytes as m once custom sections are dropped from both. Real
 * toolchain output may use non-minimal LEB128s (padding left by the
 * linker), which no text can preserve; for those the re-encoding must be
 * smaller and a fixed point: printing it again gives the same text. Also
 * counts the modules whose `name` section put ids into the text, so the
 * printer's use of names is exercised on real toolchain output.
 *
 *   test_wat_roundtrip [--min N] DIR...
 *
 * Exit 0 if all round-trip (and at least N modules were found), 1 on a
 * failure, 77 (skip) when no folder exists. */
#define _GNU_SOURCE
#include "strip_custom.h"
#include "wat.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct stats {
  unsigned modules, failed, named, exact;
} stats;

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  uint8_t *buf = NULL;
  long n = -1;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
      fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = n > 0 ? (size_t)n : 0;
  return buf;
}

/* For a module whose bytes changed: its re-encoding `again` must print to
 * the same text (nothing printed was lost) and be smaller (only padding
 * went). */
static bool fixed_point(const char *path, const char *text, size_t len,
                        size_t stripped_len, const uint8_t *again,
                        size_t again_len) {
  wasm_module *m = NULL;
  wasm_error err = {0};
  char *text2 = NULL;
  size_t text2_len = 0;
  bool ok =
      stripped_len < len && wasm_module_decode(again, again_len, 0, &m, &err) &&
      wasm_to_wat(m, &text2, &text2_len, &err) && strcmp(text, text2) == 0;
  if (!ok)
    printf("%s: round trip differs (%zu vs %zu bytes)%s\n", path, len,
           stripped_len, text2 ? ", and so does the printed text" : "");
  free(text2);
  wasm_module_free(m);
  return ok;
}

/* The round trip of one module; prints why it failed. */
static bool round_trip(const char *path, uint8_t *bin, size_t len, bool *named,
                       bool *exact) {
  wasm_module *m = NULL;
  wasm_error err = {0};
  char *text = NULL;
  size_t text_len = 0, again_len = 0;
  uint8_t *again = NULL;
  bool ok = false;
  if (!wasm_module_decode(bin, len, 0, &m, &err))
    printf("%s: does not decode: %s\n", path, err.message);
  else if (!wasm_to_wat(m, &text, &text_len, &err))
    printf("%s: print failed: %s\n", path, err.message);
  else if (!wat_to_wasm(text, text_len, &again, &again_len, &err))
    printf("%s: printed text does not translate: %s\n", path, err.message);
  else
    ok = true;
  if (ok) {
    *named = m->names.num_funcs > 0 && strstr(text, "(func $") != NULL;
    len = strip_custom(bin, len);
    uint8_t *stripped = malloc(again_len ? again_len : 1);
    size_t stripped_len = 0;
    if (stripped) {
      memcpy(stripped, again, again_len);
      stripped_len = strip_custom(stripped, again_len);
    }
    /* The fixed point is checked with names (`again` keeps its section). */
    *exact = stripped && len == stripped_len && memcmp(bin, stripped, len) == 0;
    ok = *exact || fixed_point(path, text, len, stripped_len, again, again_len);
    free(stripped);
  }
  free(again);
  free(text);
  wasm_module_free(m);
  return ok;
}

static void check_file(const char *path, stats *st) {
  size_t len = 0;
  bool named = false, exact = false;
  uint8_t *bin = read_all(path, &len);
  st->modules++;
  if (!bin) {
    printf("%s: unreadable\n", path);
    st->failed++;
    return;
  }
  if (!round_trip(path, bin, len, &named, &exact))
    st->failed++;
  st->named += named;
  st->exact += exact;
  free(bin);
}

static bool has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void walk(const char *dir, stats *st, unsigned depth) {
  DIR *d = opendir(dir);
  struct dirent *e;
  if (!d || depth > 16)
    goto done;
  while ((e = readdir(d))) {
    char path[4096];
    struct stat sb;
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (stat(path, &sb) != 0)
      continue;
    if (S_ISDIR(sb.st_mode))
      walk(path, st, depth + 1);
    else if (S_ISREG(sb.st_mode) && has_suffix(e->d_name, ".wasm"))
      check_file(path, st);
  }
done:
  if (d)
    closedir(d);
}

int main(int argc, char **argv) {
  stats st = {0};
  unsigned min = 1, dirs = 0;
  for (int i = 1; i < argc; i++) {
    struct stat sb;
    if (strcmp(argv[i], "--min") == 0 && i + 1 < argc) {
      min = (unsigned)atoi(argv[++i]);
    } else if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
      dirs++;
      walk(argv[i], &st, 0);
    } else {
      printf("skipping %s: no such folder\n", argv[i]);
    }
  }
  if (dirs == 0) {
    printf("skipped: no folder of .wasm files found (shared data absent)\n");
    return 77;
  }
  printf("round trip: %u modules, %u failed (%u byte-exact, the others "
         "re-encoded without LEB128 padding), %u printed with names\n",
         st.modules, st.failed, st.exact, st.named);
  if (st.modules < min) {
    printf("expected at least %u modules\n", min);
    return 1;
  }
  return st.failed ? 1 : 0;
}
