/* artifact_write.c — contents of the `.wasmc` section (layout in
 * runtime/wasmrt_artifact_format.h): header, feature string, and the
 * source module without its code section. */
#include "codegen_internal.h"
#include "wasm_sha256.h"
#include "wasmrt_abi.h"
#include "wasmrt_artifact_format.h"

#include <llvm/Config/llvm-config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a LEB128 u32; false if malformed or past `end`. */
static bool read_u32(const uint8_t *p, size_t end, size_t *pos, uint32_t *out) {
  uint32_t v = 0;
  for (unsigned shift = 0; shift < 35; shift += 7) {
    if (*pos >= end)
      return false;
    uint8_t byte = p[(*pos)++];
    v |= (uint32_t)(byte & 0x7F) << shift;
    if (!(byte & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

/* Copies the module's sections except the code section (id 10). The input
 * was validated already, so malformation here is an internal error. */
static bool strip_code(const uint8_t *wasm, size_t len, uint8_t *out,
                       size_t *out_len, wasm_error *err) {
  if (len < 8)
    return wasm_error_set(err, WASM_ERR_INTERNAL, 0, "module too short");
  memcpy(out, wasm, 8);
  size_t pos = 8, k = 8;
  while (pos < len) {
    size_t start = pos;
    uint8_t id = wasm[pos++];
    uint32_t size;
    if (!read_u32(wasm, len, &pos, &size) || size > len - pos)
      return wasm_error_set(err, WASM_ERR_INTERNAL, (uint32_t)start,
                            "bad section header");
    pos += size;
    if (id == 10)
      continue;
    memcpy(out + k, wasm + start, pos - start);
    k += pos - start;
  }
  *out_len = k;
  return true;
}

static void fill_header(wasmrt_artifact_header *h, const uint8_t *wasm,
                        size_t len, const cg_target *t) {
  memset(h, 0, sizeof *h);
  memcpy(h->magic, WASMRT_ARTIFACT_MAGIC, 8);
  h->format_version = WASMRT_ARTIFACT_FORMAT_VERSION;
  h->abi_version = WASMRT_ABI_VERSION;
  snprintf(h->compiler_version, sizeof h->compiler_version, "%s",
           wasmc_version());
  snprintf(h->llvm_version, sizeof h->llvm_version, "%s", LLVM_VERSION_STRING);
  snprintf(h->target_triple, sizeof h->target_triple, "%s", t->triple);
  snprintf(h->cpu_name, sizeof h->cpu_name, "%s", t->cpu);
  wasmc_sha256(wasm, len, h->wasm_sha256);
}

bool cg_artifact_section(const uint8_t *wasm, size_t len, const cg_target *t,
                         uint8_t **out, size_t *out_len, wasm_error *err) {
  size_t feat = strlen(t->features);
  if (feat > UINT32_MAX)
    return wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET,
                          "feature string too long");
  size_t hdr = sizeof(wasmrt_artifact_header);
  uint8_t *buf = malloc(hdr + feat + len);
  if (!buf)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  size_t payload = 0;
  if (!strip_code(wasm, len, buf + hdr + feat, &payload, err)) {
    free(buf);
    return false;
  }
  wasmrt_artifact_header h;
  fill_header(&h, wasm, len, t);
  h.features_size = (uint32_t)feat;
  h.payload_size = payload;
  memcpy(buf, &h, hdr);
  memcpy(buf + hdr, t->features, feat);
  *out = buf;
  *out_len = hdr + feat + payload;
  return true;
}

void wasmc_sha256(const uint8_t *data, size_t len, uint8_t out[32]) {
  wasm_sha256(data, len, out);
}
