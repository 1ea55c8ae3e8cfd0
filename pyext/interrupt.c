/* interrupt.c — Ctrl-C during a wasm call.
 *
 * Wasm runs with the GIL released, and Python runs its SIGINT handler only
 * on the main thread between bytecodes, so a long wasm loop would never
 * see Ctrl-C. While the main thread is in wasm, the instance it runs is
 * published in `running`; a C-level SIGINT handler, installed in front of
 * whatever handler was there (Python's own, normally), asks that instance
 * to stop (wasmrt_interrupt: the runtime signals the thread running it,
 * here the main thread itself, and the call traps INTERRUPTED as soon as
 * that thread is back in compiled code) and chains to the previous handler,
 * which marks the signal pending for Python. When the call returns INTERRUPTED,
 * exports.c runs PyErr_CheckSignals(), i.e. Python's handler: KeyboardInterrupt
 * by default.
 *
 * The hook is installed on the first call from the main thread, and
 * re-checked every CHECK_EVERY calls (a sigaction query is a system
 * call, too slow for every call): if the program replaces the SIGINT
 * handler later (signal.signal), ours goes in front of it again soon.
 */
#include "pyext_internal.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#define CHECK_EVERY 256

static _Atomic(wasmrt_instance *) running;
static struct sigaction previous;
static unsigned long main_thread;
static unsigned calls_until_check;

static void on_sigint(int sig, siginfo_t *info, void *uctx) {
  wasmrt_instance *inst = atomic_load_explicit(&running, memory_order_acquire);
  if (inst)
    wasmrt_interrupt(inst);
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction)
      previous.sa_sigaction(sig, info, uctx);
  } else if (previous.sa_handler != SIG_IGN && previous.sa_handler != SIG_DFL &&
             previous.sa_handler) {
    previous.sa_handler(sig);
  }
  /* SIG_DFL would kill the process: Python always installs a handler for
   * SIGINT unless told otherwise, and SIG_IGN means "ignore". */
}

/* Puts on_sigint in front of the current handler if it is not there. */
static void ensure_hook(void) {
  struct sigaction cur;
  if (sigaction(SIGINT, NULL, &cur) != 0)
    return;
  if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_sigint)
    return;
  if (!(cur.sa_flags & SA_SIGINFO) && cur.sa_handler == SIG_IGN)
    return; /* the program chose to ignore Ctrl-C */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigint;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  previous = cur;
  sigaction(SIGINT, &sa, NULL);
}

void pyext_sigint_init(void) {
  main_thread = PyThread_get_thread_ident();
}

void pyext_sigint_enter(pyext_sigint_scope *scope, wasmrt_instance *inst) {
  scope->active = false;
  if (!inst || PyThread_get_thread_ident() != main_thread)
    return;
  if (calls_until_check-- == 0) {
    calls_until_check = CHECK_EVERY;
    ensure_hook();
  }
  scope->active = true;
  scope->inst = inst;
  /* Only the main thread writes `running` (the handler only reads it), so
   * a plain load and a release store suffice: no locked exchange on the
   * call path. */
  scope->prev = atomic_load_explicit(&running, memory_order_relaxed);
  atomic_store_explicit(&running, scope->inst, memory_order_release);
}

void pyext_sigint_leave(pyext_sigint_scope *scope, wasmrt_trap_code code) {
  if (!scope->active)
    return;
  atomic_store_explicit(&running, scope->prev, memory_order_release);
  /* A SIGINT that arrived after the wasm code's last check must not stop
   * the next call; Python still sees the signal itself. */
  if (code != WASMRT_TRAP_INTERRUPTED)
    wasmrt_instance_vmctx(scope->inst)->interrupt = 0;
}
