/* embed.c — running a wasmc artifact from C, through the loader and the
 * runtime only (no LLVM, no libwasmc in the process).
 *
 *   wasmc simple.wasm -o app.so
 *   embed app.so sum 1 2          # prints 3
 *
 * Calls an export whose parameters and results are all i32 or i64 (as
 * decimal integers) on an instance that imports nothing. Exit status: 0,
 * 1 on a load/link/call error or trap (message on stderr), 2 on usage. */
#include "wasmrt.h"
#include "wasmrt_loader.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const wasm_error *err) {
  fprintf(stderr, "embed: %s: %s\n", what, err->message);
  return 1;
}

/* Parses argv into the array-ABI slots: one uint64_t per i32/i64. */
static bool parse_args(const wasm_functype *ft, char **argv, int argc,
                       uint64_t *slots) {
  if ((uint32_t)argc != ft->nparams) {
    fprintf(stderr, "embed: the export takes %u arguments, %d given\n",
            ft->nparams, argc);
    return false;
  }
  for (int i = 0; i < argc; i++) {
    wasm_valtype t = ft->params[i];
    char *end;
    long long v = strtoll(argv[i], &end, 0);
    if (*end || (t != WASM_I32 && t != WASM_I64)) {
      fprintf(stderr, "embed: argument %d: want an integer for i32/i64\n",
              i + 1);
      return false;
    }
    slots[i] = t == WASM_I32 ? (uint32_t)v : (uint64_t)v;
  }
  return true;
}

static void print_results(const wasm_functype *ft, const uint64_t *slots) {
  for (uint32_t i = 0; i < ft->nresults; i++) {
    if (ft->results[i] == WASM_I32)
      printf("%" PRId32 "\n", (int32_t)slots[i]);
    else
      printf("%" PRId64 "\n", (int64_t)slots[i]);
  }
}

/* Looks the export up and calls it. */
static int run_export(wasmrt_instance *inst, const char *name, char **argv,
                      int argc) {
  wasmrt_extern ex;
  if (!wasmrt_instance_export(inst, name, strlen(name), &ex) ||
      ex.kind != WASMRT_EXTERN_FUNC) {
    fprintf(stderr, "embed: no exported function '%s'\n", name);
    return 1;
  }
  const wasm_functype *ft = wasmrt_funcref_type(ex.of.func);
  uint64_t slots[16] = {0};
  if (ft->nparams > 16 || ft->nresults > 16) {
    fprintf(stderr, "embed: too many parameters or results\n");
    return 1;
  }
  if (!parse_args(ft, argv, argc, slots))
    return 2;
  wasmrt_trap trap = {0};
  wasmrt_trap_code code = wasmrt_call(ex.of.func, slots, &trap);
  if (code != WASMRT_TRAP_NONE) {
    fprintf(stderr, "embed: wasm trap: %s\n",
            trap.message[0] ? trap.message : wasmrt_trap_message(code));
    return 1;
  }
  print_results(ft, slots);
  return 0;
}

/* Instantiates the artifact's module and calls one export. */
static int call_export(wasmrt_artifact *art, const char *name, char **argv,
                       int argc) {
  wasm_error err = {0};
  const wasm_module *m = wasmrt_artifact_module(art);
  if (m->num_imports) {
    fprintf(stderr, "embed: the module has imports; this example links none\n");
    return 1;
  }
  wasmrt_instance *inst = wasmrt_instance_new(m, wasmrt_artifact_code(art),
                                              NULL, 0, NULL, NULL, &err);
  if (!inst)
    return fail("instantiate", &err);
  int status = run_export(inst, name, argv, argc);
  wasmrt_instance_release(inst);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fputs("usage: embed ARTIFACT.so EXPORT [INT...]\n", stderr);
    return 2;
  }
  wasm_error err = {0};
  wasmrt_artifact *art = NULL;
  if (!wasmrt_artifact_open(argv[1], &art, &err))
    return fail(argv[1], &err);
  int status = call_export(art, argv[2], argv + 3, argc - 3);
  wasmrt_artifact_close(art);
  return status;
}
