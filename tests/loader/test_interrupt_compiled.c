/* test_interrupt_compiled.c — wasmrt_interrupt against real compiled code,
 * at -O0 and -O2, with and without interrupt polls. By default the
 * runtime's signal stops compiled code wherever it is
 * (runtime/interrupt.c); with polls the compiler places checks after
 * optimization (compiler/codegen_poll.c). Either way these loops must stay
 * interruptible however the optimizer reshapes them, the loops it
 * vectorizes or collapses must still compute the right values, and an
 * interrupt that finds the thread in a host function must still stop the
 * call (as the host function returns: runtime/trap.c). */
#include "wasmc.h"
#include "wasmrt.h"
#include "wasmrt_loader.h"
#include "wat.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(c)                                                               \
  do {                                                                         \
    if (!(c)) {                                                                \
      failures++;                                                              \
      fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #c);          \
    }                                                                          \
  } while (0)

/* Export NAME(c: f64) -> i32: z = z*z + c, with BODY after each step, at
 * most STEPS times or until z > 4; the step count it stopped at. */
#define ESCAPE_LOOP(name, body, steps)                                         \
  "  (func (export \"" name "\") (param f64) (result i32)\n"                   \
  "    (local i32 f64)\n"                                                      \
  "    (block $out (loop $l\n"                                                 \
  "      (local.set 2 (f64.add (f64.mul (local.get 2) (local.get 2))\n"        \
  "                            (local.get 0)))\n" body                         \
  "      (br_if $out (f64.gt (local.get 2) (f64.const 4)))\n"                  \
  "      (br_if $l (i32.ne (local.tee 1 (i32.add (local.get 1)\n"              \
  "        (i32.const 1))) (i32.const " steps ")))))\n"                        \
  "    local.get 1)\n"

static const char module_wat[] =
    "(module (import \"env\" \"wait\" (func $wait))\n"
    "  (import \"env\" \"tick\" (func $tick)) (memory 1)\n"
    /* `n` rounds through the runtime (memory.grow takes the memory's
     * lock), a host function and compiled code; memory[8] counts them */
    "  (func (export \"busy\") (param i32) (result i32)\n"
    "    (loop $l\n"
    "      (drop (memory.grow (i32.const 0)))\n"
    "      call $tick\n"
    "      (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8))\n"
    "                                        (i32.const 1)))\n"
    "      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))\n"
    "    (i32.load (i32.const 8)))\n"
    /* an endless loop entered after a host call of 60 ms (host_wait):
     * an interrupt at 20 ms finds the thread outside compiled code */
    "  (func (export \"wait_spin\") call $wait (loop br 0))\n"
    /* an endless loop without side effects */
    "  (func (export \"spin\") (loop br 0))\n"
    /* br_table with several cases into the loop header; 1 ends, >= 2 spin */
    "  (func (export \"table\") (param i32) (result i32)\n"
    "    (loop $l (block $a (block $b\n"
    "      (br_table $a $b $l $l $l (local.get 0))))\n"
    "      local.get 0 i32.const 1 i32.sub local.tee 0 br_if $l)\n"
    "    local.get 0)\n"
    /* an inner loop the vectorizer takes, inside an outer one that runs
     * `n` times (n = 0: practically forever) */
    "  (func (export \"fill\") (param i32) (result i32) (local i32)\n"
    "    (loop $outer\n"
    "      i32.const 0 local.set 1\n"
    "      (loop $inner\n"
    "        (i32.store (i32.shl (local.get 1) (i32.const 2))\n"
    "          (i32.add (i32.load (i32.shl (local.get 1) (i32.const 2)))\n"
    "                   (local.get 1)))\n"
    "        (br_if $inner (i32.lt_u (local.tee 1 (i32.add (local.get 1)\n"
    "          (i32.const 1))) (i32.const 4096))))\n"
    "      (br_if $outer (local.tee 0 (i32.sub (local.get 0)\n"
    "                                          (i32.const 1)))))\n"
    "    (i32.load (i32.const 400)))\n"
    /* straight-line code that calls (a recursive function, which no
     * inlining removes): polled on entry */
    "  (func $leaf (param i32) (result i32) local.get 0 i32.const 1 i32.add)\n"
    "  (func $down (param i32) (result i32)\n"
    "    local.get 0 i32.eqz if (result i32) i32.const 0 else\n"
    "    local.get 0 i32.const 1 i32.sub call $down end)\n"
    "  (func (export \"calls\") (param i32) (result i32)\n"
    "    local.get 0 call $leaf i32.const 3 call $down i32.add)\n"
    /* an endless loop around recursion 1000 calls deep */
    "  (func (export \"recurse\") (result i32) (local i32)\n"
    "    (loop $l (local.set 0 (i32.add (local.get 0)\n"
    "      (call $down (i32.const 1000)))) br $l) local.get 0)\n"
    /* counted loops, which an optimizer sees the end of (ESCAPE_LOOP).
     * This one computes in registers only: short enough to go unpolled
     * (codegen_poll.c) */
    ESCAPE_LOOP("escape", "", "1000")
    /* the same, storing each z: touches memory, so polled */
    ESCAPE_LOOP("escape_mem",
                "      (f64.store (i32.shl (local.get 1) (i32.const 3))\n"
                "                 (local.get 2))\n",
                "1000")
    /* the register-only loop for 2^28 steps: too long to go unpolled */
    ESCAPE_LOOP("long", "", "0x10000000")
    /* odd numbers never reach 200: endless */
    "  (func (export \"odd\") (result i32) (local i32)\n"
    "    i32.const 1 local.set 0\n"
    "    (loop $l (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0)\n"
    "      (i32.const 2))) (i32.const 200))))\n"
    "    local.get 0))\n";

typedef struct {
  wasmrt_instance *inst;
  unsigned delay_us;
} later_arg;

static void *interrupt_later(void *p) {
  later_arg *a = p;
  usleep(a->delay_us);
  wasmrt_interrupt(a->inst);
  return NULL;
}

static int host_wait(wasmrt_hostfn *fn, wasmrt_vmctx *caller, uint64_t *slots) {
  (void)fn, (void)caller, (void)slots;
  usleep(60 * 1000);
  return 0;
}

static volatile unsigned ticks;
static int host_tick(wasmrt_hostfn *fn, wasmrt_vmctx *caller, uint64_t *slots) {
  (void)fn, (void)caller, (void)slots;
  for (unsigned i = 0; i < 100; i++)
    ticks++;
  return 0;
}

/* SIGURG as another library of the process would see it: every one the
 * runtime did not send itself is passed on to this handler. */
static volatile sig_atomic_t foreign_sigurgs;
static void count_sigurg(int sig) {
  (void)sig;
  foreign_sigurgs++;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const wasmrt_funcref *export_fn(wasmrt_instance *inst,
                                       const char *name) {
  wasmrt_extern ex;
  if (!wasmrt_instance_export(inst, name, strlen(name), &ex) ||
      ex.kind != WASMRT_EXTERN_FUNC)
    return NULL;
  return ex.of.func;
}

/* Calls `name`(arg) with an interrupt 20 ms later: must trap INTERRUPTED
 * soon, and leave the flag clear. */
static void check_interrupted(wasmrt_instance *inst, const char *name,
                              uint64_t arg) {
  const wasmrt_funcref *fn = export_fn(inst, name);
  CHECK(fn != NULL);
  if (!fn)
    return;
  later_arg a = {inst, 20000}; /* 20 ms */
  pthread_t th;
  pthread_create(&th, NULL, interrupt_later, &a);
  double t0 = now_s();
  uint64_t slots[1] = {arg};
  wasmrt_trap_code code = wasmrt_call(fn, slots, NULL);
  double waited = now_s() - t0;
  pthread_join(th, NULL);
  if (code != WASMRT_TRAP_INTERRUPTED)
    fprintf(stderr, "%s: trap code %d, expected INTERRUPTED\n", name,
            (int)code);
  CHECK(code == WASMRT_TRAP_INTERRUPTED);
  CHECK(waited < 5.0);
  CHECK(wasmrt_instance_vmctx(inst)->interrupt == 0);
}

static uint32_t call_i32(wasmrt_instance *inst, const char *name, uint64_t arg,
                         wasmrt_trap_code *code) {
  const wasmrt_funcref *fn = export_fn(inst, name);
  uint64_t slots[1] = {arg};
  *code = fn ? wasmrt_call(fn, slots, NULL) : WASMRT_TRAP_UNREACHABLE;
  return (uint32_t)slots[0];
}

/* Calls `name` with the flag already set; returns the trap code and
 * clears the flag (should the call not have consumed it). */
static wasmrt_trap_code call_flagged(wasmrt_instance *inst, const char *name,
                                     uint64_t arg, uint32_t *result) {
  const wasmrt_funcref *fn = export_fn(inst, name);
  uint64_t slots[1] = {arg};
  wasmrt_interrupt(inst);
  wasmrt_trap_code code =
      fn ? wasmrt_call(fn, slots, NULL) : WASMRT_TRAP_UNREACHABLE;
  wasmrt_instance_vmctx(inst)->interrupt = 0;
  *result = (uint32_t)slots[0];
  return code;
}

static uint64_t f64_bits(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  return b;
}

/* Loops that count to a constant stay interruptible: one that would run
 * 2^28 steps, and one whose count never meets its end. A flag set before
 * the call stops any function, even one that neither loops nor calls
 * (the runtime checks it on entry). */
static void check_counted_loops(wasmrt_instance *inst) {
  uint64_t escapes = f64_bits(3.0); /* on the second step */
  uint64_t stays = f64_bits(0.25);  /* z converges to 0.5 */
  wasmrt_trap_code code;
  CHECK(call_i32(inst, "long", escapes, &code) == 1 &&
        code == WASMRT_TRAP_NONE);
  CHECK(call_i32(inst, "escape", escapes, &code) == 1 &&
        code == WASMRT_TRAP_NONE);
  CHECK(call_i32(inst, "escape", stays, &code) == 1000 &&
        code == WASMRT_TRAP_NONE);
  CHECK(call_i32(inst, "escape_mem", stays, &code) == 1000 &&
        code == WASMRT_TRAP_NONE);
  uint32_t r = 0;
  CHECK(call_flagged(inst, "long", 0, &r) == WASMRT_TRAP_INTERRUPTED);
  CHECK(call_flagged(inst, "odd", 0, &r) == WASMRT_TRAP_INTERRUPTED);
  CHECK(call_flagged(inst, "escape_mem", stays, &r) == WASMRT_TRAP_INTERRUPTED);
  CHECK(call_flagged(inst, "escape", stays, &r) == WASMRT_TRAP_INTERRUPTED);
  CHECK(call_flagged(inst, "table", 1, &r) == WASMRT_TRAP_INTERRUPTED);
  CHECK(call_i32(inst, "escape", stays, &code) == 1000 &&
        code == WASMRT_TRAP_NONE);
  check_interrupted(inst, "long", 0);
  check_interrupted(inst, "odd", 0);
}

/* Interrupts at 100 pseudo-random moments of "busy", which passes
 * through a runtime function that takes a lock, a host function and
 * compiled code: each call traps INTERRUPTED (or, should the interrupt
 * come after the end, finishes), and the instance stays usable
 * (memory.grow's lock was not left held: a later call runs its 10
 * rounds to the end). The call is about 100 times longer than the
 * longest delay: with calls of under 1 ms, a loaded machine (CI running
 * beside other jobs) started the interrupting thread after every one had
 * ended, and nothing was interrupted. A round is short and periodic, so
 * where the interrupt lands in it stays random. */
enum { BUSY_ROUNDS = 2000000 }; /* ~100 ms; 20000 took under 1 ms */

static void check_anywhere(wasmrt_instance *inst) {
  const wasmrt_funcref *busy = export_fn(inst, "busy");
  CHECK(busy != NULL);
  if (!busy)
    return;
  unsigned seed = 12345, interrupted = 0, finished = 0, bad = 0;
  for (int i = 0; i < 100; i++) {
    seed = seed * 1103515245u + 12345u;
    later_arg a = {inst, (seed >> 16) % 1000};
    pthread_t th;
    pthread_create(&th, NULL, interrupt_later, &a);
    uint64_t slots[1] = {BUSY_ROUNDS};
    wasmrt_trap_code code = wasmrt_call(busy, slots, NULL);
    pthread_join(th, NULL);
    wasmrt_instance_vmctx(inst)->interrupt = 0; /* if it came too late */
    interrupted += code == WASMRT_TRAP_INTERRUPTED;
    finished += code == WASMRT_TRAP_NONE;
    bad += code != WASMRT_TRAP_INTERRUPTED && code != WASMRT_TRAP_NONE;
  }
  CHECK(bad == 0);
  CHECK(interrupted > 0); /* practically all of the 100 */
  uint64_t slots[1] = {10};
  uint32_t before = 0;
  memcpy(&before, wasmrt_instance_vmctx(inst)->mem0_base + 8, 4);
  CHECK(wasmrt_call(busy, slots, NULL) == WASMRT_TRAP_NONE &&
        (uint32_t)slots[0] == before + 10);
  fprintf(stderr, "  anywhere: %u interrupted, %u finished\n", interrupted,
          finished);
}

static void check_level(const uint8_t *wasm, size_t len, unsigned opt,
                        bool polls) {
  wasmc_options opts;
  wasmc_options_init(&opts);
  opts.opt_level = opt;
  opts.interrupt_polls = polls;
  uint8_t *so = NULL;
  size_t so_len = 0;
  wasm_error err = {0};
  wasmrt_artifact *art = NULL;
  if (!wasmc_compile(wasm, len, &opts, &so, &so_len, &err) ||
      !wasmrt_artifact_open_bytes(so, so_len, &art, &err)) {
    fprintf(stderr, "-O%u%s: %s\n", opt, polls ? " polls" : "", err.message);
    failures++;
    free(so);
    return;
  }
  const wasm_module *m = wasmrt_artifact_module(art);
  wasmrt_extern imports[2] = {{.kind = WASMRT_EXTERN_HOSTFN},
                              {.kind = WASMRT_EXTERN_HOSTFN}};
  imports[0].of.hostfn = wasmrt_hostfn_new(wasm_module_func_type(m, 0),
                                           host_wait, NULL, NULL, &err);
  imports[1].of.hostfn = wasmrt_hostfn_new(wasm_module_func_type(m, 1),
                                           host_tick, NULL, NULL, &err);
  wasmrt_instance *inst = wasmrt_instance_new(m, wasmrt_artifact_code(art),
                                              imports, 2, NULL, NULL, &err);
  wasmrt_hostfn_release(imports[0].of.hostfn);
  wasmrt_hostfn_release(imports[1].of.hostfn);
  CHECK(inst != NULL);
  if (inst) {
    fprintf(stderr, "-O%u%s\n", opt, polls ? " with polls" : "");
    wasmrt_trap_code code;
    /* Not interrupted: the right values. */
    CHECK(call_i32(inst, "table", 1, &code) == 0 && code == WASMRT_TRAP_NONE);
    CHECK(call_i32(inst, "calls", 5, &code) == 6 && code == WASMRT_TRAP_NONE);
    /* fill(3): memory[100] = 3 * 100 */
    CHECK(call_i32(inst, "fill", 3, &code) == 300 && code == WASMRT_TRAP_NONE);
    /* Interrupted from another thread while running. */
    check_interrupted(inst, "spin", 0);
    check_interrupted(inst, "table", 2);
    check_interrupted(inst, "table", 7); /* the br_table default */
    check_interrupted(inst, "fill", 0);
    check_interrupted(inst, "recurse", 0);
    /* Interrupted while in the host function: stopped once it returns. */
    check_interrupted(inst, "wait_spin", 0);
    /* A flag set before the call stops it at entry, once. */
    wasmrt_interrupt(inst);
    call_i32(inst, "calls", 1, &code);
    CHECK(code == WASMRT_TRAP_INTERRUPTED);
    CHECK(call_i32(inst, "calls", 1, &code) == 2 && code == WASMRT_TRAP_NONE);
    check_counted_loops(inst);
    check_anywhere(inst);
    wasmrt_instance_release(inst);
  }
  wasmrt_artifact_close(art);
  free(so);
}

int main(void) {
  uint8_t *wasm = NULL;
  size_t len = 0;
  wasm_error err = {0};
  if (!wat_to_wasm(module_wat, strlen(module_wat), &wasm, &len, &err)) {
    fprintf(stderr, "wat: %s\n", err.message);
    return 1;
  }
  /* Installed before the runtime's own handler, which goes in front of it
   * at the first call. */
  signal(SIGURG, count_sigurg);
  check_level(wasm, len, 0, false);
  check_level(wasm, len, 2, false);
  check_level(wasm, len, 0, true);
  check_level(wasm, len, 2, true);
  /* None of the runtime's signals reached it; others still do. */
  CHECK(foreign_sigurgs == 0);
  raise(SIGURG);
  kill(getpid(), SIGURG);
  CHECK(foreign_sigurgs == 2);
  free(wasm);
  if (failures)
    fprintf(stderr, "%d failure(s)\n", failures);
  else
    printf("interrupt: all checks passed\n");
  return failures ? 1 : 0;
}
