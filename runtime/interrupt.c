/* interrupt.c — asking running wasm to stop: wasmrt_interrupt, and the
 * registry of compiled code an interrupt may unwind from.
 *
 * Compiled code does not poll for interrupts (unless compiled with
 * interrupt polls, compiler/codegen_poll.c): wasmrt_interrupt sets the
 * instance's flag and sends WASMRT_INTERRUPT_SIGNAL to the thread running
 * the instance. The handler (trap.c) unwinds with INTERRUPTED if that
 * thread is executing the instructions of a compiled artifact. Host
 * functions and the runtime services compiled code calls trap as they
 * return (rt_interrupt_point). Anywhere else (the few instructions between
 * wasmrt_call's own check of the flag and the callee, a builtin without
 * that check, libc) the handler arms a per-thread timer and looks again a
 * little later, until the call leaves the instance. A call that starts
 * with the flag set traps at once (wasmrt_call).
 *
 * Why a signal and not polls alone: a poll is a load and a branch on every
 * loop back-edge and at the entry of every function that calls, and
 * cheaper forms of it saved instructions but not time (codegen_poll.c).
 * Timed side by side without polls (benchmarks/run, 5 runs, pinned): the
 * kernels and the sightglass programs 2% faster in geomean, matmul 10%,
 * switch 12%, bz2 and sieve 10%, richards 5-9%. One loss: seqhash 5%,
 * where without the outer loop's poll the register allocator spills the
 * pointer to the 16-word hash state, reloaded ~20 times per round of its
 * hot loop (+13% instructions). Turning off
 * LLVM's pre-RA scheduler (-enable-misched=false) won that back and cost
 * switch 42%, ratelimit 23%, matrix 13%: not done.
 *
 * Why any instruction of compiled code is a safe place to stop: compiled
 * code holds no locks and owns no resources; everything that does (memory
 * growth, table operations, WASI, host functions) runs in runtime or host
 * code, outside the registered ranges. What an interrupted call leaves
 * behind is what any trap leaves: the stores it made. Unlike a trap at a
 * wasm instruction, it may also leave part of a bulk operation that was
 * done inline, and stores that the optimizer moved past others (a store
 * sunk out of a loop, say) made or not in another order than the wasm's;
 * an interrupted computation's memory is not meant to be resumed.
 */
#define _GNU_SOURCE /* _dl_find_object */
#include "wasmrt_internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

rt_range *rt_code_register(const wasmrt_artifact_info *code) {
  if (!code || code->num_defined_funcs == 0 || !code->array ||
      !code->array[0]) {
    return NULL;
  }
  /* The whole mapping of the object that holds the code (its data too,
   * where no instruction runs), from glibc's lock-free lookup: walking
   * every loaded object with dl_iterate_phdr instead made the spec suite,
   * which loads thousands of artifacts, 12.6 s where it took 11.2 s. */
  struct dl_find_object found;
  if (_dl_find_object((void *)code->array[0], &found) != 0) {
    return NULL;
  }
  uintptr_t lo = (uintptr_t)found.dlfo_map_start;
  uintptr_t hi = (uintptr_t)found.dlfo_map_end;
  /* Never the runtime's own object: code linked into it (the unit tests'
   * hand-written "compiled" functions) is not an artifact, and unwinding
   * from inside a runtime function that holds a lock would leave it held.
   * Such code polls the flag itself. */
  uintptr_t self = (uintptr_t)&rt_code_register;
  if (self >= lo && self < hi) {
    return NULL;
  }
  return rt_range_add(&rt_code_ranges, lo, hi);
}

void rt_code_unregister(rt_range *range) {
  rt_range_remove(&rt_code_ranges, range);
}

/* Sends the interrupt signal to thread `tid` of this process, marked as
 * ours (si_value is &rt_interrupt_marker) so that the handler passes every
 * other SIGURG on to the handler installed before it. rt_tgsigqueueinfo
 * lets a process pick si_code for signals to itself; tgkill would give
 * SI_TKILL, which raise() gives too. */
void rt_interrupt_send(pid_t tid) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = WASMRT_INTERRUPT_SIGNAL;
  si.si_code = SI_QUEUE;
  si.si_pid = getpid();
  si.si_uid = getuid();
  si.si_value.sival_ptr = (void *)&rt_interrupt_marker;
  syscall(SYS_rt_tgsigqueueinfo, si.si_pid, tid, WASMRT_INTERRUPT_SIGNAL, &si);
}

void wasmrt_interrupt(wasmrt_instance *inst) {
  /* Flag, then thread: the entry publishes the thread, then reads the
   * flag (wasmrt_call), so one of the two sides sees the other. */
  __atomic_store_n(&inst->vmctx.interrupt, 1, __ATOMIC_SEQ_CST);
  pid_t tid = atomic_load(&inst->run_tid);
  if (tid) {
    /* Called from signal handlers (pyext's SIGINT hook): the code they
     * interrupted must find errno as it left it, whatever the syscall
     * says (ESRCH if that thread has just gone). */
    int saved_errno = errno;
    rt_interrupt_send(tid);
    errno = saved_errno;
  }
}
