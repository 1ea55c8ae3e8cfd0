/* loader_elf.c — finding the `.wasmc` section of an ELF image with libelf,
 * after checking that the image is an ELF64 little-endian shared object
 * for this machine. Nothing here trusts a size or offset in the file
 * before comparing it with the image's length. */
#include "loader_internal.h"
#include "wasmrt_artifact_format.h"

#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t elf_once = PTHREAD_ONCE_INIT;
static bool elf_ready;

/* libelf wants its version negotiated once per process. */
static void elf_init(void) {
  elf_ready = elf_version(EV_CURRENT) != EV_NONE;
}

/* Header checks done by hand first, so libelf only ever sees an image of
 * the one class and byte order we accept. */
static bool check_ident(const uint8_t *b, size_t len, wasm_error *err) {
  if (len < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG) != 0)
    return wasm_error_set(err, WASM_ERR_MALFORMED, 0,
                          "not a wasmc artifact: not an ELF file");
  if (b[EI_CLASS] != ELFCLASS64)
    return wasm_error_set(err, WASM_ERR_MALFORMED, EI_CLASS,
                          "not a wasmc artifact: not a 64-bit ELF file");
  if (b[EI_DATA] != ELFDATA2LSB)
    return wasm_error_set(err, WASM_ERR_MALFORMED, EI_DATA,
                          "not a wasmc artifact: not a little-endian ELF file");
  if (len < sizeof(Elf64_Ehdr))
    return wasm_error_set(err, WASM_ERR_MALFORMED, (uint32_t)len,
                          "truncated ELF file: incomplete ELF header");
  return true;
}

static bool check_ehdr(Elf *elf, wasm_error *err) {
  GElf_Ehdr eh;
  if (!gelf_getehdr(elf, &eh))
    return wasm_error_set(err, WASM_ERR_MALFORMED, 0, "bad ELF header: %s",
                          elf_errmsg(-1));
  if (eh.e_type != ET_DYN)
    return wasm_error_set(err, WASM_ERR_MALFORMED, 16,
                          "not a wasmc artifact: ELF file is not a shared "
                          "object (e_type %u)",
                          (unsigned)eh.e_type);
  if (eh.e_machine != LOADER_HOST_MACHINE)
    return wasm_error_set(err, WASM_ERR_UNLINKABLE, 18,
                          "artifact built for another machine (ELF e_machine "
                          "%u, this host is %u)",
                          (unsigned)eh.e_machine, LOADER_HOST_MACHINE);
  return true;
}

/* Scans the section headers for `.wasmc`; *found tells whether it exists. */
static bool find_wasmc(Elf *elf, size_t len, GElf_Shdr *out, bool *found,
                       wasm_error *err) {
  size_t shstrndx;
  *found = false;
  if (elf_getshdrstrndx(elf, &shstrndx) != 0)
    return wasm_error_set(err, WASM_ERR_MALFORMED, WASM_NO_OFFSET,
                          "bad ELF section headers: %s", elf_errmsg(-1));
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn(elf, scn)) != NULL) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh))
      return wasm_error_set(err, WASM_ERR_MALFORMED, WASM_NO_OFFSET,
                            "bad ELF section header: %s", elf_errmsg(-1));
    const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
    if (!name || strcmp(name, WASMRT_ARTIFACT_SECTION) != 0)
      continue;
    if (sh.sh_type != SHT_PROGBITS)
      return wasm_error_set(err, WASM_ERR_MALFORMED, WASM_NO_OFFSET,
                            "bad .wasmc section: type %u has no contents",
                            (unsigned)sh.sh_type);
    if (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset)
      return wasm_error_set(err, WASM_ERR_MALFORMED, (uint32_t)len,
                            "truncated artifact: .wasmc section (offset %llu "
                            "size %llu) extends past the end of the file "
                            "(%zu bytes)",
                            (unsigned long long)sh.sh_offset,
                            (unsigned long long)sh.sh_size, len);
    *out = sh;
    *found = true;
    return true;
  }
  return true;
}

bool wasmrt_artifact_extract_section(const uint8_t *bytes, size_t len,
                                     const uint8_t **section,
                                     size_t *section_len, wasm_error *err) {
  *section = NULL;
  *section_len = 0;
  if (!bytes && len)
    return wasm_error_set(err, WASM_ERR_INTERNAL, 0, "no bytes");
  if (len > WASMRT_ARTIFACT_MAX_SIZE)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "artifact too large: %zu bytes (limit 1 GiB)", len);
  if (!check_ident(bytes, len, err))
    return false;
  pthread_once(&elf_once, elf_init);
  if (!elf_ready)
    return wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET,
                          "libelf version mismatch");
  /* elf_memory takes a mutable pointer, but a read descriptor of a native
   * byte order image (checked above) only reads it. */
  Elf *elf = elf_memory((char *)(uintptr_t)bytes, len);
  if (!elf)
    return wasm_error_set(err, WASM_ERR_MALFORMED, 0, "bad ELF file: %s",
                          elf_errmsg(-1));
  GElf_Shdr sh;
  bool found = false;
  bool ok = check_ehdr(elf, err) && find_wasmc(elf, len, &sh, &found, err);
  elf_end(elf);
  if (!ok)
    return false;
  if (!found)
    return wasm_error_set(err, WASM_ERR_MALFORMED, WASM_NO_OFFSET,
                          "not a wasmc artifact: no .wasmc section");
  *section = bytes + sh.sh_offset;
  *section_len = (size_t)sh.sh_size;
  return true;
}
