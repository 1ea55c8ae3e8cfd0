/* emit.c — target machine selection, the optimization pipeline and object
 * emission into memory. */
#include "codegen_internal.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Support.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <llvm/Config/llvm-config.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WASMC_TRIPLE "x86_64-pc-linux-gnu"
/* The portable baseline: x86-64-v2 has SSE4.1, whose roundss/roundsd make
 * ceil/floor/trunc/nearest inline instructions instead of libm calls, so
 * artifacts stay free of undefined symbols. Every x86-64 CPU since 2009
 * (Nehalem, Bulldozer) has it. */
#define WASMC_GENERIC_CPU "x86-64-v2"
/* ...but tuned like clang's default (-mtune=generic). The x86-64-v2 CPU
 * model carries the 2009-era "fast-shld-rotate" tuning, which turns every
 * constant rotate into `shld`: 3-4x slower than `rol` on current cores
 * (SHA-256 ran at 1.95x native with it, 1.17x without). */
#define WASMC_GENERIC_TUNE "generic"

#ifndef WASMC_VERSION_STRING
#define WASMC_VERSION_STRING "0.1.0"
#endif

/* LLVM's target registry is process-global; registering is idempotent but
 * must not race, so it happens once. */
static pthread_once_t targets_once = PTHREAD_ONCE_INIT;
/* Code-layout tuning with no per-module or per-function knob in LLVM 19's
 * C API, so it goes through LLVM's (process-global) option parser, once.
 *
 * -align-all-nofallthru-blocks=4: every block that is only entered by a
 * jump starts on a 16-byte boundary. A `br_table` interpreter loop is a
 * set of such blocks, each the target of one indirect jump; unaligned, a
 * handler straddles fetch blocks and the decoded-uop cache far more often.
 * Measured A/B (benchmarks/run, medians of 5, pinned): the interp kernel
 * 628.8 -> 542.8 ms and 406.6 -> 335.8 ms in two runs (V8 optimised:
 * 335 ms), sightglass `switch` 6.2 -> 4.6 ms; the other 36 workloads
 * within +-2% (noise), geometric means unchanged; code size +7% (sqlite3).
 * Blocks reached by fall-through keep their layout, so loops stay dense.
 *
 * Where a small hot loop lands against 64-byte lines matters more on the
 * benchmark machine (AMD family 26) than any of this: interp ran 15-18%
 * slower whenever its dispatch block (load, bound check, indirect jump:
 * 30 bytes) straddled a line, sightglass switch 1.4-1.6x slower with its
 * 46-byte loop at offset 0x30 instead of 0x10. Starting innermost loops on
 * 64-byte boundaries (-x86-experimental-pref-innermost-loop-alignment=6)
 * was measured side by side against this setting (benchmarks/run, 9
 * rounds). Instead of nofallthru (two runs) it fixed switch, but minicsv
 * (-7%), matrix and tokenizer (-3%) lost their lucky placements and the
 * geometric means moved by 1-2% either way. On top of nofallthru, whose
 * alignment overwrites the loop's for blocks entered by a jump (switch's
 * loop head among them), it was a wash again (minicsv -9%). Neither is
 * kept: LLVM can only align blocks, not keep a loop from straddling a
 * line, and every alignment moves all the code after it.
 *
 * LLVMParseCommandLineOptions reports errors to a null stream and ignores
 * them, so an LLVM without the option leaves the default layout. The
 * setting applies to all of this process's LLVM code generation; wasmc
 * is its only user in the CLI and in the Python extension. */
static void set_codegen_options(void) {
  const char *argv[] = {"wasmc", "-align-all-nofallthru-blocks=4"};
  LLVMParseCommandLineOptions(2, argv, "");
}

static void init_targets(void) {
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86Target();
  LLVMInitializeX86TargetMC();
  LLVMInitializeX86AsmPrinter();
  set_codegen_options();
}

const char *wasmc_version(void) {
  return "wasmc " WASMC_VERSION_STRING " (LLVM " LLVM_VERSION_STRING ")";
}

static void copy_str(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

static bool choose_cpu(const wasmc_options *opts, cg_target *t,
                       wasm_error *err) {
  const char *cpu = opts->cpu;
  if (!cpu || !*cpu || strcmp(cpu, "generic") == 0) {
    copy_str(t->cpu, sizeof t->cpu, WASMC_GENERIC_CPU);
    t->tune_cpu = WASMC_GENERIC_TUNE;
    t->features = strdup("");
  } else if (strcmp(cpu, "native") == 0) {
    char *name = LLVMGetHostCPUName();
    char *feat = LLVMGetHostCPUFeatures();
    copy_str(t->cpu, sizeof t->cpu, name);
    t->features = strdup(feat ? feat : "");
    LLVMDisposeMessage(name);
    LLVMDisposeMessage(feat);
  } else {
    if (strlen(cpu) >= sizeof t->cpu)
      return wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET,
                            "cpu name too long: %.64s", cpu);
    copy_str(t->cpu, sizeof t->cpu, cpu);
    t->features = strdup("");
  }
  if (!t->features)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  return true;
}

bool cg_target_create(const wasmc_options *opts, cg_target *t,
                      wasm_error *err) {
  pthread_once(&targets_once, init_targets);
  memset(t, 0, sizeof *t);
  copy_str(t->triple, sizeof t->triple, WASMC_TRIPLE);
  if (!choose_cpu(opts, t, err))
    return false;
  LLVMTargetRef target;
  char *msg = NULL;
  if (LLVMGetTargetFromTriple(t->triple, &target, &msg)) {
    wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET, "target: %s",
                   msg ? msg : "?");
    LLVMDisposeMessage(msg);
    cg_target_dispose(t);
    return false;
  }
  unsigned lvl = opts->opt_level;
  LLVMCodeGenOptLevel cg = lvl == 0   ? LLVMCodeGenLevelNone
                           : lvl == 1 ? LLVMCodeGenLevelLess
                           : lvl == 2 ? LLVMCodeGenLevelDefault
                                      : LLVMCodeGenLevelAggressive;
  t->tm = LLVMCreateTargetMachine(target, t->triple, t->cpu, t->features, cg,
                                  LLVMRelocPIC, LLVMCodeModelDefault);
  if (!t->tm) {
    cg_target_dispose(t);
    return wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET,
                          "cannot create a target machine for cpu %s", t->cpu);
  }
  return true;
}

void cg_target_dispose(cg_target *t) {
  if (t->tm)
    LLVMDisposeTargetMachine(t->tm);
  t->tm = NULL;
  free(t->features);
  t->features = NULL;
}

static bool run_pipeline(cg_module *cm, cg_target *t, const char *pipeline,
                         wasm_error *err) {
  LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
  LLVMErrorRef e = LLVMRunPasses(cm->mod, pipeline, t->tm, po);
  LLVMDisposePassBuilderOptions(po);
  if (e) {
    char *msg = LLVMGetErrorMessage(e);
    wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET, "passes: %s", msg);
    LLVMDisposeErrorMessage(msg);
    return false;
  }
  return true;
}

static bool run_passes(cg_module *cm, cg_target *t, unsigned lvl,
                       wasm_error *err) {
  /* Locals become SSA values first: a load's value is then dead only if
   * nothing uses it, and an address read from a local twice is one value
   * for the no-wrap facts. */
  if (!run_pipeline(cm, t, "mem2reg", err))
    return false;
  cg_keep_dead_loads(cm);
  if (lvl == 0)
    return true;
  cg_mark_nowrap_adds(cm);
  char pipeline[32];
  snprintf(pipeline, sizeof pipeline, "default<O%u>", lvl > 3 ? 3 : lvl);
  return run_pipeline(cm, t, pipeline, err);
}

/* A verifier failure is our bug, reported rather than crashing LLVM. */
static bool verify(cg_module *cm, const char *when, wasm_error *err) {
  char *msg = NULL;
  bool bad = LLVMVerifyModule(cm->mod, LLVMReturnStatusAction, &msg);
  if (bad)
    wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET,
                   "invalid IR %s: %.200s", when, msg ? msg : "?");
  LLVMDisposeMessage(msg);
  return !bad;
}

bool cg_emit_object(cg_module *cm, cg_target *t, unsigned opt_level,
                    uint8_t **obj, size_t *obj_len, wasm_error *err) {
  LLVMSetTarget(cm->mod, t->triple);
  LLVMTargetDataRef td = LLVMCreateTargetDataLayout(t->tm);
  char *layout = LLVMCopyStringRepOfTargetData(td);
  LLVMSetDataLayout(cm->mod, layout);
  LLVMDisposeMessage(layout);
  LLVMDisposeTargetData(td);
  /* SLP vectorization runs from -O2 on. */
  if (opt_level >= 2)
    cg_tune_vectorization(cm);
  if (!verify(cm, "generated", err) || !run_passes(cm, t, opt_level, err))
    return false;
  if (opt_level >= 1) {
    cg_switch_tables(cm);
    cg_mark_selects_unpredictable(cm);
  }
  /* These passes edit the CFG by hand: their work is checked too. */
  if (!cg_place_polls(cm) ||
      !verify(cm, "after the post-optimization passes", err))
    return false;
  LLVMMemoryBufferRef buf = NULL;
  char *msg = NULL;
  if (LLVMTargetMachineEmitToMemoryBuffer(t->tm, cm->mod, LLVMObjectFile, &msg,
                                          &buf)) {
    wasm_error_set(err, WASM_ERR_INTERNAL, WASM_NO_OFFSET, "emit: %s",
                   msg ? msg : "?");
    LLVMDisposeMessage(msg);
    return false;
  }
  size_t n = LLVMGetBufferSize(buf);
  *obj = malloc(n ? n : 1);
  if (*obj)
    memcpy(*obj, LLVMGetBufferStart(buf), n);
  *obj_len = n;
  LLVMDisposeMemoryBuffer(buf);
  if (!*obj)
    return wasm_error_set(err, WASM_ERR_RESOURCE, WASM_NO_OFFSET,
                          "out of memory");
  return true;
}
