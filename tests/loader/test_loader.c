/* test_loader.c — loading the test artifacts: from a path, from bytes,
 * metadata only, twice at once, the post-dlopen checks, and fd hygiene.
 * Usage: loader_test GOOD BAD_ABI BAD_COUNT NO_INFO NO_SECTION (.so). */
#include "loader_test_util.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What gen_artifact.c put into the section. */
static void check_meta(const wasmrt_artifact_meta *m) {
  CHECK(m->format_version == 1);
  CHECK(m->abi_version == WASMRT_ABI_VERSION);
  CHECK(strcmp(m->compiler_version, "wasmc-test 0.0") == 0);
  CHECK(strcmp(m->llvm_version, "19.1.7") == 0);
  CHECK(strcmp(m->target_triple, "x86_64-pc-linux-gnu") == 0);
  CHECK(strcmp(m->cpu_name, "x86-64") == 0);
  CHECK(m->wasm_sha256[0] == 1 && m->wasm_sha256[31] == (uint8_t)(31 * 7 + 1));
  CHECK(m->features && strcmp(m->features, "+sse2,+64bit,-xop,-avx512f") == 0);
  const wasm_module *mod = m->module;
  if (!CHECK(mod != NULL))
    return;
  CHECK(mod->num_types == 2 && mod->types[0].nparams == 2);
  CHECK(mod->num_imported_funcs == 1 && mod->num_funcs == 2);
  CHECK(mod->num_memories == 1 && mod->memories[0].limits.min == 1);
  CHECK(mod->num_exports == 2 && mod->exports[0].name.len == 3 &&
        memcmp(mod->exports[0].name.data, "add", 3) == 0);
  const wasm_custom *c = wasm_module_custom(mod, "hello");
  CHECK(c && c->size == 2 && c->data[1] == 2);
}

/* The fake code: defined function 0 adds, through both ABIs. */
static void check_code(const wasmrt_artifact *a) {
  const wasmrt_artifact_info *info = wasmrt_artifact_code(a);
  if (!CHECK(info != NULL))
    return;
  CHECK(info->abi_version == WASMRT_ABI_VERSION);
  CHECK(info->num_imported_funcs == 1 && info->num_defined_funcs == 2);
  uint64_t slots[2] = {40, 2};
  info->array[0](NULL, slots);
  CHECK(slots[0] == 42);
  int32_t (*add)(wasmrt_vmctx *, int32_t, int32_t) =
      (int32_t(*)(wasmrt_vmctx *, int32_t, int32_t))info->native[0];
  CHECK(add(NULL, -5, 3) == -2);
  check_meta(wasmrt_artifact_metadata(a));
  CHECK(wasmrt_artifact_module(a) == wasmrt_artifact_metadata(a)->module);
}

static void test_open_path(void) {
  wasmrt_artifact *a;
  wasm_error err;
  if (CHECK(wasmrt_artifact_open(lt_art[ART_GOOD], &a, &err))) {
    check_code(a);
    wasmrt_artifact_close(a);
  } else {
    fprintf(stderr, "  open: %s\n", err.message);
  }
  /* A bare file name must not send dlopen searching the library path. */
  char *copy = strdup(lt_art[ART_GOOD]);
  char cwd[4096];
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  CHECK(chdir(dirname(copy)) == 0);
  free(copy);
  copy = strdup(lt_art[ART_GOOD]);
  if (CHECK(wasmrt_artifact_open(basename(copy), &a, &err))) {
    check_code(a);
    wasmrt_artifact_close(a);
  }
  free(copy);
  CHECK(chdir(cwd) == 0);
}

static void test_open_bytes_twice(void) {
  size_t len;
  uint8_t *bytes = lt_read(lt_art[ART_GOOD], &len);
  wasmrt_artifact *a = NULL, *b = NULL;
  wasm_error err;
  CHECK(wasmrt_artifact_open_bytes(bytes, len, &a, &err));
  /* The caller's bytes are not retained. */
  memset(bytes, 0, len);
  free(bytes);
  bytes = lt_read(lt_art[ART_GOOD], &len);
  CHECK(wasmrt_artifact_open_bytes(bytes, len, &b, &err));
  free(bytes);
  if (!CHECK(a && b))
    return;
  /* Two memfds are two inodes: two independent mappings. */
  CHECK(wasmrt_artifact_code(a) != wasmrt_artifact_code(b));
  check_code(a);
  wasmrt_artifact_close(a);
  check_code(b);
  wasmrt_artifact_close(b);
}

/* Many artifacts alive at once, each loaded through the same reused memfd
 * number: every load must still get its own mapping (the name that
 * dlopen sees is unique per load). */
static void test_open_bytes_many(void) {
  enum { N = 40 };
  size_t len;
  uint8_t *bytes = lt_read(lt_art[ART_GOOD], &len);
  wasmrt_artifact *a[N] = {0};
  wasm_error err;
  for (int i = 0; i < N; i++)
    CHECK(wasmrt_artifact_open_bytes(bytes, len, &a[i], &err));
  free(bytes);
  int distinct = 1;
  for (int i = 1; i < N; i++)
    for (int j = 0; j < i && a[i] && a[j]; j++)
      if (wasmrt_artifact_code(a[i]) == wasmrt_artifact_code(a[j]))
        distinct = 0;
  CHECK(distinct);
  for (int i = 0; i < N; i++) {
    if (a[i])
      check_code(a[i]);
    wasmrt_artifact_close(a[i]);
  }
}

static void test_read_meta(void) {
  wasmrt_artifact_meta m;
  wasm_error err;
  if (CHECK(wasmrt_artifact_read_meta_file(lt_art[ART_GOOD], &m, &err))) {
    check_meta(&m);
    CHECK(wasmrt_artifact_check_host(&m, &err));
    wasmrt_artifact_meta_free(&m);
    CHECK(m.module == NULL && m.features == NULL);
  }
  size_t len;
  uint8_t *bytes = lt_read(lt_art[ART_GOOD], &len);
  const uint8_t *sec;
  size_t sec_len;
  CHECK(wasmrt_artifact_extract_section(bytes, len, &sec, &sec_len, &err));
  CHECK(sec_len > 272 && memcmp(sec, "WASMC\0\0\0", 8) == 0);
  free(bytes);
  CHECK(!wasmrt_artifact_read_meta_file("/nonexistent/x.so", &m, &err) &&
        err.kind == WASM_ERR_IO && strstr(err.message, "cannot open"));
  CHECK(!wasmrt_artifact_read_meta_file("/", &m, &err) &&
        err.kind == WASM_ERR_IO && strstr(err.message, "not a regular file"));
}

static void expect_open_fails(const char *path, wasm_error_kind kind,
                              const char *substr) {
  wasmrt_artifact *a = (wasmrt_artifact *)1;
  wasm_error err;
  bool ok = wasmrt_artifact_open(path, &a, &err);
  if (!CHECK(!ok && !a && err.kind == kind && strstr(err.message, substr)))
    fprintf(stderr, "  %s: want \"%s\", got %s: %s\n", path, substr,
            ok ? "success" : wasm_error_kind_str(err.kind),
            ok ? "" : err.message);
  if (ok)
    wasmrt_artifact_close(a);
  if (kind == WASM_ERR_IO)
    return; /* no bytes to try */
  size_t len;
  uint8_t *bytes = lt_read(path, &len);
  EXPECT_REFUSED(bytes, len, kind, substr);
  free(bytes);
}

static void test_after_dlopen(void) {
  expect_open_fails(lt_art[ART_BAD_ABI], WASM_ERR_UNLINKABLE,
                    "code built for runtime ABI version 99");
  expect_open_fails(lt_art[ART_BAD_COUNT], WASM_ERR_MALFORMED,
                    "code has 1 imported + 3 defined functions, "
                    "description 1 + 2");
  expect_open_fails(lt_art[ART_NO_INFO], WASM_ERR_MALFORMED,
                    "no wasmc_artifact_info symbol");
  expect_open_fails(lt_art[ART_NO_SECTION], WASM_ERR_MALFORMED,
                    "not a wasmc artifact: no .wasmc section");
  expect_open_fails("/nonexistent.so", WASM_ERR_IO, "cannot open");
}

int main(int argc, char **argv) {
  if (argc != 1 + ART_COUNT) {
    fprintf(stderr, "usage: loader_test GOOD BAD_ABI BAD_COUNT NO_INFO "
                    "NO_SECTION\n");
    return 2;
  }
  for (int i = 0; i < ART_COUNT; i++)
    lt_art[i] = argv[1 + i];
  int fds = lt_count_fds();
  test_open_path();
  test_open_bytes_twice();
  test_open_bytes_many();
  test_read_meta();
  test_after_dlopen();
  test_loader_refusals();
  test_loader_fuzz();
  test_loader_cpu();
  CHECK(lt_count_fds() == fds); /* nothing leaked, memfds included */
  printf("loader_test: %d checks, %d failed\n", lt_checks, lt_failures);
  return lt_failures ? 1 : 0;
}
