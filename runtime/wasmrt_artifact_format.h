/* wasmrt_artifact_format.h — layout of the `.wasmc` section every artifact
 * carries (written by compiler/artifact_write.c, read by the loader).
 *
 * The section is: a wasmrt_artifact_header (fixed size, little-endian,
 * naturally aligned), then `features_size` bytes of the LLVM target feature
 * string (no NUL), then `payload_size` bytes of payload. The payload is the
 * source module's binary with its code section (id 10) removed; decode it
 * with wasm_module_decode(..., WASM_DECODE_NO_CODE, ...) to get the full
 * module description (types, imports, exports, memories, tables, globals,
 * segments, custom sections and names).
 *
 * Strings in the header are NUL-padded fixed arrays. A reader must check
 * `magic`, then `format_version`, then sizes against the section size
 * before touching anything else.
 */
#ifndef WASMRT_ARTIFACT_FORMAT_H
#define WASMRT_ARTIFACT_FORMAT_H

#include <stdint.h>

#define WASMRT_ARTIFACT_SECTION ".wasmc"
#define WASMRT_ARTIFACT_MAGIC "WASMC\0\0\0" /* 8 bytes */
#define WASMRT_ARTIFACT_FORMAT_VERSION 1u

typedef struct wasmrt_artifact_header {
  char magic[8];             /*   0 WASMRT_ARTIFACT_MAGIC */
  uint32_t format_version;   /*   8 WASMRT_ARTIFACT_FORMAT_VERSION */
  uint32_t abi_version;      /*  12 WASMRT_ABI_VERSION compiled against */
  char compiler_version[64]; /*  16 wasmc_version() */
  char llvm_version[16];     /*  80 "19.1.7" */
  char target_triple[64];    /*  96 "x86_64-pc-linux-gnu" */
  char cpu_name[64];         /* 160 LLVM CPU name the code targets */
  uint8_t wasm_sha256[32];   /* 224 SHA-256 of the complete source wasm */
  uint32_t features_size;    /* 256 bytes of feature string after header */
  uint32_t reserved_;        /* 260 zero */
  uint64_t payload_size;     /* 264 bytes of payload after the features */
} wasmrt_artifact_header;    /* 272 bytes */

_Static_assert(sizeof(wasmrt_artifact_header) == 272,
               "the artifact header layout is part of the format");

#endif /* WASMRT_ARTIFACT_FORMAT_H */
