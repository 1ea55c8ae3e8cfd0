/* test_loader_refuse.c — every refusal before dlopen, on mutated copies of
 * the good test artifact, and fuzz-style truncation and byte flips. */
#include "loader_internal.h"
#include "loader_test_util.h"
#include "wasmrt_artifact_format.h"

#include <elf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *good;
static size_t good_len, sec_off;

/* A fresh copy of the good artifact to mutate. */
static uint8_t *copy(void) {
  uint8_t *b = malloc(good_len);
  memcpy(b, good, good_len);
  return b;
}

#define HDR(field) (sec_off + offsetof(wasmrt_artifact_header, field))

static void put_u32(uint8_t *b, size_t off, uint32_t v) {
  memcpy(b + off, &v, 4);
}

/* The section header describing `.wasmc` (found by its file offset). */
static Elf64_Shdr *wasmc_shdr(uint8_t *b) {
  Elf64_Ehdr eh;
  memcpy(&eh, b, sizeof eh);
  for (unsigned i = 0; i < eh.e_shnum; i++) {
    Elf64_Shdr *sh =
        (Elf64_Shdr *)(b + eh.e_shoff + (size_t)i * eh.e_shentsize);
    if (sh->sh_offset == sec_off && sh->sh_type == SHT_PROGBITS)
      return sh;
  }
  CHECK(!"found the .wasmc section header");
  return NULL;
}

/* Mutates one copy with `edit`, expects a refusal, frees it. */
#define REFUSE_EDIT(edit, kind, substr)                                        \
  do {                                                                         \
    uint8_t *b = copy();                                                       \
    edit;                                                                      \
    EXPECT_REFUSED(b, good_len, kind, substr);                                 \
    free(b);                                                                   \
  } while (0)

static void refuse_elf(void) {
  EXPECT_REFUSED(good, 0, WASM_ERR_MALFORMED, "not an ELF file");
  EXPECT_REFUSED((const uint8_t *)"hello, world\n", 13, WASM_ERR_MALFORMED,
                 "not a wasmc artifact: not an ELF file");
  EXPECT_REFUSED(good, 40, WASM_ERR_MALFORMED, "incomplete ELF header");
  REFUSE_EDIT(b[EI_CLASS] = ELFCLASS32, WASM_ERR_MALFORMED,
              "not a 64-bit ELF file");
  REFUSE_EDIT(b[EI_DATA] = ELFDATA2MSB, WASM_ERR_MALFORMED,
              "not a little-endian ELF file");
  REFUSE_EDIT(b[16] = ET_EXEC, WASM_ERR_MALFORMED, "not a shared object");
  REFUSE_EDIT(b[18] = EM_AARCH64, WASM_ERR_UNLINKABLE,
              "artifact built for another machine (ELF e_machine 183");
  REFUSE_EDIT(wasmc_shdr(b)->sh_size = good_len, WASM_ERR_MALFORMED,
              "truncated artifact: .wasmc section");
  REFUSE_EDIT(wasmc_shdr(b)->sh_offset = good_len - 8, WASM_ERR_MALFORMED,
              "extends past the end of the file");
  REFUSE_EDIT(wasmc_shdr(b)->sh_type = SHT_NOBITS, WASM_ERR_MALFORMED,
              "has no contents");
  /* 1 GiB + 1: refused on the length alone, before any byte is read. */
  EXPECT_REFUSED(good, WASMRT_ARTIFACT_MAX_SIZE + 1, WASM_ERR_RESOURCE,
                 "artifact too large");
}

static void refuse_header(void) {
  REFUSE_EDIT(b[sec_off] ^= 0xFF, WASM_ERR_MALFORMED,
              "not a wasmc artifact: bad .wasmc magic");
  REFUSE_EDIT(put_u32(b, HDR(format_version), 2), WASM_ERR_UNLINKABLE,
              "artifact format version 2, this loader reads version 1");
  REFUSE_EDIT(put_u32(b, HDR(abi_version), 99), WASM_ERR_UNLINKABLE,
              "artifact built for runtime ABI version 99");
  REFUSE_EDIT(put_u32(b, HDR(features_size), 1000), WASM_ERR_MALFORMED,
              "inconsistent .wasmc section");
  REFUSE_EDIT(put_u32(b, HDR(features_size), UINT32_MAX), WASM_ERR_MALFORMED,
              "inconsistent .wasmc section");
  REFUSE_EDIT(b[HDR(payload_size)] += 1, WASM_ERR_MALFORMED,
              "inconsistent .wasmc section");
  REFUSE_EDIT(b[HDR(payload_size) + 7] = 0x80, WASM_ERR_MALFORMED,
              "inconsistent .wasmc section");
  /* Shrinking the section in its ELF header cuts the header itself. */
  REFUSE_EDIT(wasmc_shdr(b)->sh_size = 100, WASM_ERR_MALFORMED,
              "truncated .wasmc section: 100 bytes");
  REFUSE_EDIT(wasmc_shdr(b)->sh_size = 10, WASM_ERR_MALFORMED,
              "truncated .wasmc section: 10 bytes");
  REFUSE_EDIT(wasmc_shdr(b)->sh_size = 0, WASM_ERR_MALFORMED,
              "bad .wasmc magic");
}

static void refuse_contents(void) {
  size_t feat = sec_off + sizeof(wasmrt_artifact_header);
  size_t payload = feat + strlen("+sse2,+64bit,-xop,-avx512f");
  REFUSE_EDIT(b[feat + 2] = '\n', WASM_ERR_MALFORMED,
              "feature string is not printable text");
  REFUSE_EDIT(b[payload] = 0x01, WASM_ERR_MALFORMED,
              "bad module description in artifact");
  REFUSE_EDIT(b[payload + 8] = 0x0e, WASM_ERR_MALFORMED,
              "bad module description in artifact");
  REFUSE_EDIT(strcpy((char *)b + HDR(target_triple), "aarch64-linux-gnu"),
              WASM_ERR_UNLINKABLE,
              "artifact built for target 'aarch64-linux-gnu', this host is "
              "'x86_64-pc-linux-gnu'");
  /* An unknown CPU name with no feature list cannot be checked. */
  REFUSE_EDIT(
      (strcpy((char *)b + HDR(cpu_name), "cpu9000"), memset(b + feat, ',', 26)),
      WASM_ERR_UNLINKABLE, "CPU 'cpu9000' unknown to this loader");
  REFUSE_EDIT(memcpy(b + feat, "+sse2,+quantum,+teleport,,", 26),
              WASM_ERR_UNLINKABLE,
              "CPU features +quantum,+teleport unknown to this loader");
}

/* A feature this CPU lacks, to see the end-to-end refusal; NULL if it has
 * every candidate (no x86 CPU has both XOP and AVX512-FP16). */
static const char *absent_feature(void) {
  static const char *const cands[] = {"xop",        "fma4",     "tbm",
                                      "avx512fp16", "amx-tile", "lwp"};
  loader_cpu_caps caps;
  loader_cpu_probe(&caps);
  for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
    bool known;
    if (!loader_cpu_has(&caps, cands[i], &known) && known)
      return cands[i];
  }
  return NULL;
}

static void refuse_cpu(void) {
  const char *f = absent_feature();
  if (!CHECK(f != NULL))
    return;
  size_t feat = sec_off + sizeof(wasmrt_artifact_header);
  char list[64], want[80];
  snprintf(list, sizeof list, "+%s,+sse2,,,,,,,,,,,,,,,,,,,,,,", f);
  snprintf(want, sizeof want, "CPU features +%s not available on this machine",
           f);
  REFUSE_EDIT(memcpy(b + feat, list, 26), WASM_ERR_UNLINKABLE, want);
  /* The metadata itself still reads (inspect shows foreign artifacts). */
  uint8_t *b = copy();
  memcpy(b + feat, list, 26);
  wasmrt_artifact_meta m;
  wasm_error err;
  if (CHECK(wasmrt_artifact_read_meta(b, good_len, &m, &err))) {
    CHECK(!wasmrt_artifact_check_host(&m, &err) && strstr(err.message, want));
    wasmrt_artifact_meta_free(&m);
  }
  free(b);
}

void test_loader_refusals(void) {
  good = lt_read(lt_art[ART_GOOD], &good_len);
  sec_off = lt_section_offset(good, good_len);
  refuse_elf();
  refuse_header();
  refuse_contents();
  refuse_cpu();
}

/* Every prefix of the file is refused (section headers sit at the end),
 * never crashes; the ones around the section go through open_bytes too. */
static void fuzz_truncate(void) {
  int refused = 0;
  for (size_t n = 0; n < good_len; n++) {
    wasmrt_artifact_meta m;
    wasm_error err;
    if (wasmrt_artifact_read_meta(good, n, &m, &err))
      wasmrt_artifact_meta_free(&m);
    else
      refused++;
    if (n % 101 == 0 || (n + 64 > sec_off && n < sec_off + 400)) {
      wasmrt_artifact *a;
      if (wasmrt_artifact_open_bytes(good, n, &a, &err))
        wasmrt_artifact_close(a);
    }
  }
  CHECK(refused == (int)good_len);
}

/* Every single-byte flip inside `.wasmc`: either refused or loaded. */
static void fuzz_flip_section(void) {
  const uint8_t *sec;
  size_t sec_len;
  wasm_error err;
  CHECK(wasmrt_artifact_extract_section(good, good_len, &sec, &sec_len, &err));
  uint8_t *b = copy();
  int loaded = 0;
  for (size_t i = sec_off; i < sec_off + sec_len; i++) {
    b[i] ^= 0xFF;
    wasmrt_artifact *a;
    if (wasmrt_artifact_open_bytes(b, good_len, &a, &err)) {
      loaded++;
      wasmrt_artifact_close(a);
    }
    b[i] ^= 0xFF;
  }
  /* The version strings and hash are free text: flips there still load. */
  CHECK(loaded > 0 && loaded < (int)sec_len);
  free(b);
}

/* Random multi-byte damage anywhere: metadata reading never crashes. (No
 * dlopen here: a damaged program header is the dynamic linker's problem.) */
static void fuzz_random(void) {
  uint32_t seed = 12345;
  uint8_t *b = copy();
  for (int round = 0; round < 3000; round++) {
    memcpy(b, good, good_len);
    for (int k = 0; k < 4; k++) {
      seed = seed * 1103515245u + 12345u;
      size_t at = (seed >> 8) % (round % 2 ? 128 : good_len);
      seed = seed * 1103515245u + 12345u;
      b[at] = (uint8_t)(seed >> 16);
    }
    wasmrt_artifact_meta m;
    wasm_error err;
    if (wasmrt_artifact_read_meta(b, good_len, &m, &err))
      wasmrt_artifact_meta_free(&m);
  }
  free(b);
}

void test_loader_fuzz(void) {
  fuzz_truncate();
  fuzz_flip_section();
  fuzz_random();
  free(good);
}
