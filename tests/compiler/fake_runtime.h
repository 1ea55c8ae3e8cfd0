/* fake_runtime.h — just enough of a runtime to run compiled artifacts in
 * the code generator's tests: one instance, its memory (real 8 GiB
 * reservation with guard pages), up to two tables, globals, host imports,
 * and traps that siglongjmp back to the test. Not the project's runtime. */
#ifndef FAKE_RUNTIME_H
#define FAKE_RUNTIME_H

#include "wasm.h"
#include "wasmrt_abi.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fake_instance fake_instance;

/* Host functions for imports, by import index; NULL leaves them unbound. */
typedef int (*fake_host_fn)(uint64_t *slots);

/* Loads `so_path` (dlopen), decodes `wasm` for the description, builds an
 * instance (memory, table from active elem segments, globals, data). */
fake_instance *fake_instantiate(const char *so_path, const uint8_t *wasm,
                                size_t len, fake_host_fn *hosts, char *errbuf,
                                size_t errcap);
void fake_free(fake_instance *inst);

/* Calls export `name` through its array-ABI entry. Returns the trap code
 * (WASMRT_TRAP_NONE on success); slots carry params in, results out. */
uint32_t fake_call(fake_instance *inst, const char *name, uint64_t *slots);
/* The instance's linear memory 0. */
uint8_t *fake_memory(fake_instance *inst);
/* Table t (< FAKE_MAX_TABLES; a module may define no more). */
#define FAKE_MAX_TABLES 2
wasmrt_table *fake_table(fake_instance *inst, uint32_t t);

#endif
