/* loader_meta.c — decoding and checking the `.wasmc` section (layout in
 * runtime/wasmrt_artifact_format.h) without mapping the object, and the
 * host compatibility check (triple, CPU). */
#include "loader_internal.h"
#include "wasmrt_artifact_format.h"

#include <stdlib.h>
#include <string.h>

/* File offset of a position inside the section, for error reports. */
static uint32_t at(const uint8_t *bytes, const uint8_t *p) {
  return (uint32_t)(p - bytes);
}

/* Copies a NUL-padded fixed field into a NUL-terminated string. A field
 * without NUL fills its array exactly: still accepted, and terminated. */
static void copy_field(char *dst, const char *src, size_t n) {
  size_t len = strnlen(src, n);
  memcpy(dst, src, len);
  dst[len] = '\0';
}

/* The header, in the order the format prescribes: magic, version, then
 * sizes against the section, before anything else is read. */
static bool check_header(const uint8_t *bytes, const uint8_t *sec,
                         size_t sec_len, wasmrt_artifact_header *h,
                         wasm_error *err) {
  if (sec_len < 8 || memcmp(sec, WASMRT_ARTIFACT_MAGIC, 8) != 0)
    return wasm_error_set(err, WASM_ERR_MALFORMED, at(bytes, sec),
                          "not a wasmc artifact: bad .wasmc magic");
  if (sec_len < 12)
    return wasm_error_set(err, WASM_ERR_MALFORMED, at(bytes, sec),
                          "truncated .wasmc section: %zu bytes", sec_len);
  uint32_t version;
  memcpy(&version, sec + 8, 4);
  if (version != WASMRT_ARTIFACT_FORMAT_VERSION)
    return wasm_error_set(err, WASM_ERR_UNLINKABLE, at(bytes, sec + 8),
                          "artifact format version %u, this loader reads "
                          "version %u",
                          version, WASMRT_ARTIFACT_FORMAT_VERSION);
  if (sec_len < sizeof *h)
    return wasm_error_set(err, WASM_ERR_MALFORMED, at(bytes, sec),
                          "truncated .wasmc section: %zu bytes, header needs "
                          "%zu",
                          sec_len, sizeof *h);
  memcpy(h, sec, sizeof *h);
  uint64_t rest = sec_len - sizeof *h;
  if (h->features_size > rest || h->payload_size != rest - h->features_size)
    return wasm_error_set(err, WASM_ERR_MALFORMED, at(bytes, sec),
                          "inconsistent .wasmc section: header says %u + "
                          "%llu bytes follow, section has %llu",
                          h->features_size, (unsigned long long)h->payload_size,
                          (unsigned long long)rest);
  if (h->abi_version != WASMRT_ABI_VERSION)
    return wasm_error_set(err, WASM_ERR_UNLINKABLE, at(bytes, sec + 12),
                          "artifact built for runtime ABI version %u, this "
                          "runtime has version %u",
                          h->abi_version, WASMRT_ABI_VERSION);
  return true;
}

static void fill_strings(wasmrt_artifact_meta *m,
                         const wasmrt_artifact_header *h) {
  m->format_version = h->format_version;
  m->abi_version = h->abi_version;
  copy_field(m->compiler_version, h->compiler_version,
             sizeof h->compiler_version);
  copy_field(m->llvm_version, h->llvm_version, sizeof h->llvm_version);
  copy_field(m->target_triple, h->target_triple, sizeof h->target_triple);
  copy_field(m->cpu_name, h->cpu_name, sizeof h->cpu_name);
  memcpy(m->wasm_sha256, h->wasm_sha256, 32);
}

/* The feature string: printable ASCII only (it is shown in messages). */
static bool copy_features(wasmrt_artifact_meta *m, const uint8_t *bytes,
                          const uint8_t *p, uint32_t n, wasm_error *err) {
  for (uint32_t i = 0; i < n; i++)
    if (p[i] < 0x20 || p[i] > 0x7E)
      return wasm_error_set(err, WASM_ERR_MALFORMED, at(bytes, p + i),
                            "bad .wasmc section: feature string is not "
                            "printable text");
  m->features = malloc((size_t)n + 1);
  if (!m->features)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  memcpy(m->features, p, n);
  m->features[n] = '\0';
  return true;
}

static bool decode_payload(wasmrt_artifact_meta *m, const uint8_t *bytes,
                           const uint8_t *p, size_t n, wasm_error *err) {
  wasm_error derr;
  if (wasm_module_decode(p, n, WASM_DECODE_NO_CODE, &m->module, &derr))
    return true;
  m->module = NULL;
  if (derr.kind == WASM_ERR_RESOURCE)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "artifact module description: %s", derr.message);
  uint32_t off = derr.offset == WASM_NO_OFFSET || derr.offset > n
                     ? at(bytes, p)
                     : at(bytes, p) + derr.offset;
  return wasm_error_set(err, WASM_ERR_MALFORMED, off,
                        "bad module description in artifact: %s", derr.message);
}

bool wasmrt_artifact_read_meta(const uint8_t *bytes, size_t len,
                               wasmrt_artifact_meta *meta, wasm_error *err) {
  memset(meta, 0, sizeof *meta);
  const uint8_t *sec;
  size_t sec_len;
  wasmrt_artifact_header h;
  if (!wasmrt_artifact_extract_section(bytes, len, &sec, &sec_len, err) ||
      !check_header(bytes, sec, sec_len, &h, err))
    return false;
  fill_strings(meta, &h);
  const uint8_t *feat = sec + sizeof h;
  if (!copy_features(meta, bytes, feat, h.features_size, err) ||
      !decode_payload(meta, bytes, feat + h.features_size,
                      (size_t)h.payload_size, err)) {
    wasmrt_artifact_meta_free(meta);
    return false;
  }
  return true;
}

bool wasmrt_artifact_read_meta_file(const char *path,
                                    wasmrt_artifact_meta *meta,
                                    wasm_error *err) {
  memset(meta, 0, sizeof *meta);
  uint8_t *bytes;
  size_t len;
  if (!loader_read_file(path, &bytes, &len, err))
    return false;
  bool ok = wasmrt_artifact_read_meta(bytes, len, meta, err);
  free(bytes);
  return ok;
}

void wasmrt_artifact_meta_free(wasmrt_artifact_meta *meta) {
  if (!meta)
    return;
  free(meta->features);
  wasm_module_free(meta->module);
  memset(meta, 0, sizeof *meta);
}

bool wasmrt_artifact_check_host(const wasmrt_artifact_meta *meta,
                                wasm_error *err) {
  if (strcmp(meta->target_triple, LOADER_HOST_TRIPLE) != 0)
    return wasm_error_set(err, WASM_ERR_UNLINKABLE, WASM_NO_OFFSET,
                          "artifact built for target '%s', this host is '%s'",
                          meta->target_triple, LOADER_HOST_TRIPLE);
  loader_cpu_caps caps;
  loader_cpu_probe(&caps);
  return loader_cpu_check(meta->cpu_name, meta->features ? meta->features : "",
                          &caps, err);
}
