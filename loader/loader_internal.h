/* loader_internal.h — private interfaces between the loader's files. */
#ifndef LOADER_INTERNAL_H
#define LOADER_INTERNAL_H

#include "wasmrt_loader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The features of a CPU as a bit set indexed like loader_cpu.c's table. */
typedef struct loader_cpu_caps {
  uint64_t bits[2];
} loader_cpu_caps;

/* Probes the running CPU (cpuid + xgetbv for OS-enabled vector state). */
void loader_cpu_probe(loader_cpu_caps *caps);
/* Marks `name` (an LLVM feature name) present or absent; false if the name
 * is not in the table. For tests that simulate another CPU. */
bool loader_cpu_set(loader_cpu_caps *caps, const char *name, bool present);
/* Is `name` known and present in caps? *known says whether it is known. */
bool loader_cpu_has(const loader_cpu_caps *caps, const char *name, bool *known);
/* Checks that code built for LLVM CPU `cpu_name` with `features` runs on a
 * CPU with `caps`; UNLINKABLE error naming what is missing otherwise. */
bool loader_cpu_check(const char *cpu_name, const char *features,
                      const loader_cpu_caps *caps, wasm_error *err);

/* Reads a whole file (at most WASMRT_ARTIFACT_MAX_SIZE) into malloc'd
 * memory; the _fd form reads an open regular file (named `path` in
 * messages) from its current position. */
bool loader_read_fd(int fd, const char *path, uint8_t **bytes, size_t *len,
                    wasm_error *err);
bool loader_read_file(const char *path, uint8_t **bytes, size_t *len,
                      wasm_error *err);

/* The host's target triple and ELF machine (compile-time constants). */
#if defined(__x86_64__)
#define LOADER_HOST_TRIPLE "x86_64-pc-linux-gnu"
#define LOADER_HOST_MACHINE 62 /* EM_X86_64 */
#else
#error "wasmc artifacts are only produced for x86-64"
#endif

#endif /* LOADER_INTERNAL_H */
