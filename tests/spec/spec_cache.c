/* spec_cache.c — see spec_cache.h. */
#include "spec_cache.h"
#include "spec_script.h"
#include "wasm_sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPEC_CACHE_MAX_ENTRY (256u << 20)

/* Hashes the compiler library file. */
static bool hash_compiler(const char *path, uint8_t out[32]) {
  char err[256];
  size_t len = 0;
  if (!path)
    return false;
  char *bytes = spec_read_file(path, 1u << 30, &len, err, sizeof err);
  if (!bytes)
    return false;
  wasm_sha256(bytes, len, out);
  free(bytes);
  return true;
}

void spec_cache_init(spec_cache *c, const char *compiler_path) {
  const char *dir = getenv("WASMC_SPEC_CACHE");
  memset(c, 0, sizeof *c);
  if (!dir || !*dir || strlen(dir) >= sizeof c->dir - 80)
    return;
  snprintf(c->dir, sizeof c->dir, "%s", dir);
  mkdir(c->dir, 0777); /* may exist already */
  c->enabled = hash_compiler(compiler_path, c->compiler_id);
}

/* dir/<hex of SHA-256(compiler id, opt, wasm)>.so */
static void entry_path(const spec_cache *c, const uint8_t *wasm, size_t len,
                       int opt, char *path, size_t size) {
  uint8_t *buf = malloc(len + 33);
  uint8_t key[32];
  char hex[65];
  if (!buf) {
    path[0] = '\0';
    return;
  }
  memcpy(buf, c->compiler_id, 32);
  buf[32] = (uint8_t)opt;
  memcpy(buf + 33, wasm, len);
  wasm_sha256(buf, len + 33, key);
  free(buf);
  for (int i = 0; i < 32; i++)
    snprintf(hex + 2 * i, 3, "%02x", key[i]);
  snprintf(path, size, "%s/%s.so", c->dir, hex);
}

bool spec_cache_open(const spec_cache *c, const uint8_t *wasm, size_t len,
                     int opt, wasmrt_artifact **out) {
  char path[1200], err[256];
  size_t so_len = 0;
  wasm_error werr = {0};
  uint8_t sha[32];
  if (!c->enabled)
    return false;
  entry_path(c, wasm, len, opt, path, sizeof path);
  if (!path[0])
    return false;
  uint8_t *so = (uint8_t *)spec_read_file(path, SPEC_CACHE_MAX_ENTRY, &so_len,
                                          err, sizeof err);
  if (!so)
    return false;
  bool ok = wasmrt_artifact_open_bytes(so, so_len, out, &werr);
  free(so);
  if (!ok)
    return false;
  /* The loader checked the object; also make sure it is this module's. */
  wasm_sha256(wasm, len, sha);
  if (memcmp(wasmrt_artifact_metadata(*out)->wasm_sha256, sha, 32) != 0) {
    wasmrt_artifact_close(*out);
    *out = NULL;
    return false;
  }
  return true;
}

void spec_cache_store(const spec_cache *c, const uint8_t *wasm, size_t len,
                      int opt, const uint8_t *so, size_t so_len) {
  char path[1200], tmp[1300];
  if (!c->enabled)
    return;
  entry_path(c, wasm, len, opt, path, sizeof path);
  if (!path[0])
    return;
  snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f)
    return;
  bool ok = fwrite(so, 1, so_len, f) == so_len;
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(tmp, path) != 0)
    unlink(tmp);
}
