/* test_cache.c — SHA-256 (compiler/wasm_sha256.h) and the artifact cache
 * (loader/wasmrt_cache.h): digests against FIPS vectors, directory
 * resolution, key separation, store/load round trip, damaged entries. */
#include "wasm_sha256.h"
#include "wasmrt_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

static void hex(const uint8_t d[32], char out[65]) {
  for (int i = 0; i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_digest(const char *msg, const char *want) {
  uint8_t d[32];
  char got[65];
  wasm_sha256(msg, strlen(msg), d);
  hex(d, got);
  CHECK(strcmp(got, want) == 0);
}

static void test_sha256(void) {
  check_digest("", "e3b0c44298fc1c149afbf4c8996fb924"
                   "27ae41e4649b934ca495991b7852b855");
  check_digest("abc", "ba7816bf8f01cfea414140de5dae2223"
                      "b00361a396177a9cb410ff61f20015ad");
  check_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
               "248d6a61d20638b8e5c026930c3e6039"
               "a33ce45964ff2167f6ecedd419db06c1");
  /* One million 'a' in uneven pieces exercises the buffering. */
  static char a[1000];
  memset(a, 'a', sizeof a);
  wasm_sha256_ctx c;
  wasm_sha256_init(&c);
  size_t done = 0, step = 1;
  while (done < 1000000) {
    size_t n = step < 1000000 - done ? step : 1000000 - done;
    wasm_sha256_update(&c, a, n);
    done += n;
    step = step % 983 + 13; /* at most 995 */
  }
  uint8_t d[32];
  char got[65];
  wasm_sha256_final(&c, d);
  hex(d, got);
  CHECK(strcmp(got, "cdc76e5c9914fb9281a1c7e284d73e67"
                    "f1809a48a497200e046d39ccc7112cd0") == 0);
}

static void test_dir(void) {
  setenv("WASMC_CACHE_DIR", "0", 1);
  CHECK(wasmrt_cache_dir() == NULL);
  setenv("WASMC_CACHE_DIR", "", 1);
  CHECK(wasmrt_cache_dir() == NULL);
  CHECK(wasmrt_cache_entry_path((const uint8_t *)"x", 1, NULL) == NULL);
  unsetenv("WASMC_CACHE_DIR");
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  char *d = wasmrt_cache_dir();
  CHECK(d && strcmp(d, "/xdg/wasmc") == 0);
  free(d);
  setenv("XDG_CACHE_HOME", "relative", 1); /* ignored, as XDG says */
  setenv("HOME", "/home/u", 1);
  d = wasmrt_cache_dir();
  CHECK(d && strcmp(d, "/home/u/.cache/wasmc") == 0);
  free(d);
}

static bool same_path(const char *a, const char *b) {
  return a && b && strcmp(a, b) == 0;
}

static void test_keys(const char *dir) {
  setenv("WASMC_CACHE_DIR", dir, 1);
  const uint8_t w1[] = "\0asm\1\0\0\0", w2[] = "\0asm\1\0\0\0\0";
  wasmrt_cache_options o2 = {.opt_level = 2, .target_cpu = "native"},
                       o3 = {.opt_level = 3, .target_cpu = "native"},
                       g2 = {.opt_level = 2, .target_cpu = "generic"},
                       o9 = {.opt_level = 9, .target_cpu = "native"};
  char *a = wasmrt_cache_entry_path(w1, 8, &o2);
  char *b = wasmrt_cache_entry_path(w1, 8, &o2);
  char *c = wasmrt_cache_entry_path(w2, 9, &o2);
  char *e = wasmrt_cache_entry_path(w1, 8, &o3);
  char *f = wasmrt_cache_entry_path(w1, 8, &g2);
  char *g = wasmrt_cache_entry_path(w1, 8, &o9);
  char *h = wasmrt_cache_entry_path(w1, 8, NULL);
  CHECK(a && strncmp(a, dir, strlen(dir)) == 0);
  CHECK(a && strlen(a) == strlen(dir) + 1 + 64 + 3);
  CHECK(a && strcmp(a + strlen(a) - 3, ".so") == 0);
  CHECK(same_path(a, b));  /* deterministic */
  CHECK(!same_path(a, c)); /* other wasm */
  CHECK(!same_path(a, e)); /* other opt level */
  CHECK(!same_path(a, f)); /* other target cpu */
  CHECK(same_path(e, g));  /* levels past 3 are 3 */
  CHECK(same_path(f, h));  /* NULL options: -O2, generic */
  wasmrt_cache_options dflt = {.opt_level = 2};
  char *i = wasmrt_cache_entry_path(w1, 8, &dflt);
  CHECK(same_path(f, i)); /* NULL cpu means "generic" */
  free(a), free(b), free(c), free(e), free(f), free(g), free(h), free(i);

  /* A rebuilt compiler (same version, new file) gets new entries. */
  char lib[4096];
  snprintf(lib, sizeof lib, "%s/libfake.so", dir);
  FILE *lf = fopen(lib, "w");
  CHECK(lf != NULL);
  if (lf)
    fclose(lf);
  wasmrt_cache_options c1 = {2, "native", lib};
  a = wasmrt_cache_entry_path(w1, 8, &c1);
  b = wasmrt_cache_entry_path(w1, 8, &c1);
  struct timespec old[2] = {{1000000, 0}, {1000000, 0}};
  CHECK(utimensat(AT_FDCWD, lib, old, 0) == 0);
  c = wasmrt_cache_entry_path(w1, 8, &c1);
  e = wasmrt_cache_entry_path(w1, 8, &o2);
  CHECK(same_path(a, b) && !same_path(a, c) && !same_path(a, e));
  free(a), free(b), free(c), free(e);
  unlink(lib);
}

static int count_files(const char *dir, const char *suffix) {
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *de; d && (de = readdir(d));) {
    size_t l = strlen(de->d_name), s = strlen(suffix);
    n += l > s && strcmp(de->d_name + l - s, suffix) == 0;
  }
  if (d)
    closedir(d);
  return n;
}

/* Overwrites one byte of the file at `off` from the end. */
static void poke(const char *path, long off) {
  FILE *f = fopen(path, "r+b");
  CHECK(f != NULL);
  if (!f)
    return;
  fseek(f, -off, SEEK_END);
  int ch = fgetc(f);
  fseek(f, -off, SEEK_END);
  fputc(ch ^ 0x5a, f);
  fclose(f);
}

static void test_store_load(const char *dir) {
  char sub[4096];
  snprintf(sub, sizeof sub, "%s/deeper/cache", dir);
  setenv("WASMC_CACHE_DIR", sub, 1);
  wasmrt_cache_options o = {.opt_level = 2, .target_cpu = "native"};
  char *path = wasmrt_cache_entry_path((const uint8_t *)"wasm", 4, &o);
  uint8_t *so;
  size_t len;
  CHECK(!wasmrt_cache_load(path, &so, &len)); /* nothing yet */
  uint8_t art[5000];
  for (size_t k = 0; k < sizeof art; k++)
    art[k] = (uint8_t)(k * 7);
  wasm_error err = {0};
  CHECK(wasmrt_cache_store(path, art, sizeof art, &err)); /* makes dirs */
  struct stat sb;
  CHECK(stat(path, &sb) == 0 && sb.st_size == sizeof art + 40);
  CHECK(count_files(sub, ".tmp") == 0 && count_files(sub, ".so") == 1);
  CHECK(wasmrt_cache_load(path, &so, &len));
  CHECK(len == sizeof art && memcmp(so, art, len) == 0);
  free(so);
  poke(path, 100); /* a code byte: only the trailer checksum sees it */
  CHECK(!wasmrt_cache_load(path, &so, &len));
  CHECK(wasmrt_cache_store(path, art, sizeof art, &err)); /* replaced */
  CHECK(wasmrt_cache_load(path, &so, &len));
  free(so);
  CHECK(truncate(path, 10) == 0);
  CHECK(!wasmrt_cache_load(path, &so, &len));
  free(path);
  /* A cache "directory" below a regular file can never be created. */
  char bad[4200];
  snprintf(bad, sizeof bad, "%s/deeper/cache/plain", dir);
  FILE *pf = fopen(bad, "w");
  CHECK(pf != NULL);
  if (pf)
    fclose(pf);
  snprintf(bad, sizeof bad, "%s/deeper/cache/plain/sub/e.so", dir);
  CHECK(!wasmrt_cache_store(bad, art, 10, &err));
  CHECK(err.kind == WASM_ERR_IO && strstr(err.message, "cache:"));
}

int main(void) {
  char dir[] = "/tmp/wasmc_cache_test.XXXXXX";
  if (!mkdtemp(dir))
    return 1;
  test_sha256();
  test_dir();
  test_keys(dir);
  test_store_load(dir);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    failures++;
  if (failures)
    fprintf(stderr, "%d check(s) failed\n", failures);
  return failures != 0;
}
