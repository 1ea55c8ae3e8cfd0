/* test_compiler_api.c — the compiler's API outside code generation proper:
 * SHA-256 known answers (FIPS 180-4 examples), wasmc_version, and clean
 * errors for invalid input, and that a SIMD module compiles.
 * Usage: test_compiler_api SIMD.wasm */
#include "wasmc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_check.h"

static void hex(const uint8_t d[32], char out[65]) {
  for (int i = 0; i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_sha(const char *msg, size_t len, const char *want) {
  uint8_t d[32];
  char h[65];
  wasmc_sha256((const uint8_t *)msg, len, d);
  hex(d, h);
  CHECK(strcmp(h, want) == 0);
}

static void test_sha256(void) {
  check_sha("", 0,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  check_sha("abc", 3,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  check_sha(two, strlen(two),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  /* One million 'a': many blocks, and a padding block of its own. */
  size_t n = 1000000;
  char *a = malloc(n);
  memset(a, 'a', n);
  check_sha(a, n,
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  free(a);
}

static void test_errors(const char *simd_path) {
  uint8_t *so = (uint8_t *)1;
  size_t so_len = 1;
  wasm_error err;
  const uint8_t junk[] = {0, 'a', 's', 'n', 2, 0, 0, 0};
  CHECK(!wasmc_compile(junk, sizeof junk, NULL, &so, &so_len, &err));
  CHECK(err.kind == WASM_ERR_MALFORMED && so == NULL && so_len == 0);

  FILE *f = fopen(simd_path, "rb");
  CHECK(f != NULL);
  if (!f)
    return;
  uint8_t buf[4096];
  size_t len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  wasmc_options o;
  wasmc_options_init(&o);
  /* SIMD compiles now (lane semantics are test_simd's business). */
  CHECK(wasmc_compile(buf, len, &o, &so, &so_len, &err));
  CHECK(so != NULL && so_len > 0);
  free(so);
  o.cpu = "no-such-cpu-name-at-all";
  CHECK(!wasmc_compile((const uint8_t *)"\0asm\1\0\0\0", 8, &o, &so, &so_len,
                       &err) ||
        (free(so), true));
}

int main(int argc, char **argv) {
  test_sha256();
  CHECK(strncmp(wasmc_version(), "wasmc ", 6) == 0);
  CHECK(strstr(wasmc_version(), "LLVM 19") != NULL);
  if (argc > 1)
    test_errors(argv[1]);
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
