/* wasm_sha256.h — SHA-256 (FIPS 180-4), one-shot and incremental. */
#ifndef WASM_SHA256_H
#define WASM_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct wasm_sha256_ctx {
  uint32_t h[8];
  uint64_t total; /* bytes hashed so far */
  uint8_t block[64];
  size_t used; /* bytes in block */
} wasm_sha256_ctx;

void wasm_sha256_init(wasm_sha256_ctx *c);
void wasm_sha256_update(wasm_sha256_ctx *c, const void *data, size_t len);
void wasm_sha256_final(wasm_sha256_ctx *c, uint8_t out[32]);
/* One-shot form. */
void wasm_sha256(const void *data, size_t len, uint8_t out[32]);

#endif /* WASM_SHA256_H */
