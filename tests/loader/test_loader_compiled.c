/* test_loader_compiled.c — end to end with the real compiler: compile a
 * small module, load the artifact from bytes and from a file, call it. */
#include "wasmc.h"
#include "wasmrt_loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;
#define CHECK(c)                                                               \
  do {                                                                         \
    if (!(c)) {                                                                \
      failures++;                                                              \
      fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #c);          \
    }                                                                          \
  } while (0)

/* (module (func (export "add") (param i32 i32) (result i32)
 *   local.get 0 local.get 1 i32.add)) */
static const uint8_t wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01,
    0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07,
    0x07, 0x01, 0x03, 'a',  'd',  'd',  0x00, 0x00, 0x0a, 0x09, 0x01,
    0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};

static void check_loaded(wasmrt_artifact *a) {
  const wasmrt_artifact_meta *m = wasmrt_artifact_metadata(a);
  uint8_t sha[32];
  wasmc_sha256(wasm, sizeof wasm, sha);
  CHECK(memcmp(m->wasm_sha256, sha, 32) == 0);
  CHECK(strcmp(m->target_triple, "x86_64-pc-linux-gnu") == 0);
  CHECK(strcmp(m->compiler_version, wasmc_version()) == 0);
  const wasm_module *mod = wasmrt_artifact_module(a);
  CHECK(mod->num_funcs == 1 && mod->num_exports == 1);
  const wasmrt_artifact_info *info = wasmrt_artifact_code(a);
  CHECK(info->num_defined_funcs == 1 && info->num_imported_funcs == 0);
  /* A zeroed context: stack limit 0, no interrupt; `add` needs no more. */
  wasmrt_vmctx ctx;
  memset(&ctx, 0, sizeof ctx);
  uint64_t slots[2] = {40, 2};
  info->array[0](&ctx, slots);
  CHECK((uint32_t)slots[0] == 42);
  /* Straight-line `add` is bounded (the extension keeps the GIL for it). */
  CHECK(info->func_flags && info->func_flags[0] == WASMRT_FUNC_BOUNDED);
}

/* (module (func) (func loop end) (func call 0)): only the first is
 * bounded; a loop or a call may run for any time. */
static const uint8_t wasm_flags[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04,
    0x01, 0x60, 0x00, 0x00, 0x03, 0x04, 0x03, 0x00, 0x00, 0x00,
    0x0a, 0x0f, 0x03, 0x02, 0x00, 0x0b, 0x05, 0x00, 0x03, 0x40,
    0x0b, 0x0b, 0x04, 0x00, 0x10, 0x00, 0x0b};

static void check_bounded_flags(const wasmc_options *opts) {
  uint8_t *so;
  size_t so_len;
  wasm_error err;
  wasmrt_artifact *a;
  if (!wasmc_compile(wasm_flags, sizeof wasm_flags, opts, &so, &so_len, &err)) {
    fprintf(stderr, "compile failed: %s\n", err.message);
    failures++;
    return;
  }
  if (wasmrt_artifact_open_bytes(so, so_len, &a, &err)) {
    const uint8_t *flags = wasmrt_artifact_code(a)->func_flags;
    CHECK(flags && flags[0] == WASMRT_FUNC_BOUNDED && flags[1] == 0 &&
          flags[2] == 0);
    wasmrt_artifact_close(a);
  } else {
    CHECK(!"open the flags module");
  }
  free(so);
}

int main(void) {
  wasmc_options opts;
  wasmc_options_init(&opts);
  uint8_t *so;
  size_t so_len;
  wasm_error err;
  if (!wasmc_compile(wasm, sizeof wasm, &opts, &so, &so_len, &err)) {
    fprintf(stderr, "compile failed: %s\n", err.message);
    return 1;
  }
  wasmrt_artifact *a;
  CHECK(wasmrt_artifact_open_bytes(so, so_len, &a, &err));
  if (!failures) {
    check_loaded(a);
    wasmrt_artifact_close(a);
  }
  char path[] = "/tmp/wasmc-loader-test-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0 && write(fd, so, so_len) == (ssize_t)so_len);
  close(fd);
  if (wasmrt_artifact_open(path, &a, &err)) {
    check_loaded(a);
    wasmrt_artifact_close(a);
  } else {
    CHECK(!"open from a file");
    fprintf(stderr, "  %s\n", err.message);
  }
  unlink(path);
  free(so);
  check_bounded_flags(&opts);
  printf("loader_test_compiled: %d failed\n", failures);
  return failures ? 1 : 0;
}
