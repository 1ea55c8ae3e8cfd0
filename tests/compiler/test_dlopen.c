/* test_dlopen.c — wasmc_library_open (compiler/wasmc_dlopen.c), built here
 * with a build-tree path that does not exist, so that each location is
 * tried on its own:
 *   test_dlopen SCRATCH_DIR FAKE_DIR REAL_DIR
 * SCRATCH_DIR: an empty folder the test writes a non-ELF libwasmc.so into;
 * FAKE_DIR: holds fake_libwasmc.c's library (another version);
 * REAL_DIR: holds the real libwasmc.so. */
#include "wasmc_dlopen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_check.h"

static const char module[] = "\0asm\1\0\0\0";

static void test_refusals(const char *scratch, const char *fake) {
  wasm_error err = {0};
  /* Nowhere: the build path is bogus and the search path has none. */
  CHECK(wasmc_library_open(NULL, &err) == NULL);
  CHECK(err.kind == WASM_ERR_INTERNAL);
  CHECK(strstr(err.message, "cannot load the compiler library") != NULL);

  /* Not an ELF file: dlopen's reason, naming the file. */
  char path[4096];
  snprintf(path, sizeof path, "%s/libwasmc.so", scratch);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) {
    fputs("not a shared object\n", f);
    fclose(f);
  }
  memset(&err, 0, sizeof err);
  CHECK(wasmc_library_open(scratch, &err) == NULL);
  CHECK(strstr(err.message, path) != NULL);

  /* Another version: refused, with both versions named. */
  memset(&err, 0, sizeof err);
  CHECK(wasmc_library_open(fake, &err) == NULL);
  CHECK(strstr(err.message, "0.0.0-fake") != NULL);
  CHECK(strstr(err.message, "not wasmc " WASMC_VERSION_STRING) != NULL);
  remove(path);
}

static void test_real(const char *real, const char *fake) {
  wasm_error err = {0};
  const wasmc_library *lib = wasmc_library_open(real, &err);
  CHECK(lib != NULL);
  if (!lib) {
    fprintf(stderr, "%s\n", err.message);
    return;
  }
  CHECK(strncmp(lib->path, real, strlen(real)) == 0);
  CHECK(strncmp(lib->version(), "wasmc " WASMC_VERSION_STRING " ",
                strlen("wasmc " WASMC_VERSION_STRING " ")) == 0);
  wasmc_options opts;
  lib->options_init(&opts);
  CHECK(opts.opt_level == 2);
  uint8_t *so = NULL;
  size_t so_len = 0;
  CHECK(lib->compile((const uint8_t *)module, sizeof module - 1, &opts, &so,
                     &so_len, &err));
  CHECK(so != NULL && so_len > 4 && memcmp(so, "\177ELF", 4) == 0);
  free(so);
  /* Opened once: later calls get the same table, whatever `dir` says. */
  CHECK(wasmc_library_open(fake, &err) == lib);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: test_dlopen SCRATCH_DIR FAKE_DIR REAL_DIR\n");
    return 2;
  }
  test_refusals(argv[1], argv[2]);
  test_real(argv[3], argv[2]);
  printf("test_dlopen: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
