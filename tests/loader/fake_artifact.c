/* fake_artifact.c — the code half of a test artifact: what the compiler
 * would emit for the module in gen_artifact.c, written in C. Variants:
 *   FAKE_ABI=n         wasmc_artifact_info.abi_version
 *   FAKE_DEFINED=n     num_defined_funcs (2 matches the description)
 *   FAKE_NO_INFO       no wasmc_artifact_info symbol at all */
#include "wasmrt_abi.h"

#ifndef FAKE_ABI
#define FAKE_ABI WASMRT_ABI_VERSION
#endif
#ifndef FAKE_DEFINED
#define FAKE_DEFINED 2
#endif

static int32_t add(wasmrt_vmctx *vmctx, int32_t a, int32_t b) {
  (void)vmctx;
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

static void run(wasmrt_vmctx *vmctx) {
  (void)vmctx;
}

static void add_array(wasmrt_vmctx *vmctx, uint64_t *slots) {
  slots[0] = (uint32_t)add(vmctx, (int32_t)slots[0], (int32_t)slots[1]);
}

static void run_array(wasmrt_vmctx *vmctx, uint64_t *slots) {
  (void)slots;
  run(vmctx);
}

static void log_adapter(wasmrt_vmctx *vmctx) {
  (void)vmctx;
}

static void *const natives[] = {(void *)add, (void *)run};
static void (*const arrays[])(wasmrt_vmctx *, uint64_t *) = {add_array,
                                                             run_array};
static void *const adapters[] = {(void *)log_adapter};

#ifndef FAKE_NO_INFO
__attribute__((visibility("default")))
const wasmrt_artifact_info wasmc_artifact_info = {
    FAKE_ABI, 1, FAKE_DEFINED, 0, natives, arrays, adapters, NULL};
#else
__attribute__((visibility("default")))
const void *wasmc_test_keep[] = {natives, arrays, adapters};
#endif
