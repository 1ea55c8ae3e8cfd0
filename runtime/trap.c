/* Traps: the single host→wasm entry (wasmrt_call), the per-thread stack of
 * jump buffers it pushes, the SIGSEGV/SIGBUS handler that turns faults in
 * wasm memory reservations into traps (and chains every other fault to the
 * handler that was there before), the interrupt signal's handler (see
 * interrupt.c), and host-call dispatch. */
#define _GNU_SOURCE /* pthread_getattr_np */
#include "wasmrt_internal.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* One per active wasmrt_call on this thread, innermost first. */
typedef struct rt_entry {
  sigjmp_buf jb;
  struct rt_entry *prev;
  wasmrt_instance *inst; /* the callee's, or NULL (a host function) */
} rt_entry;

typedef struct rt_thread {
  rt_entry *top;
  /* Non-zero while compiled code runs on this thread (cleared around host
   * callbacks): only then may a fault become a trap. */
  volatile sig_atomic_t in_wasm;
  uintptr_t stack_limit; /* while top != NULL */
  uintptr_t stack_lo;    /* lowest usable address of this thread's stack */
  pid_t tid;
  timer_t retry_timer; /* re-sends the interrupt signal to this thread */
  bool has_retry_timer;
  uint32_t retry_us; /* the next retry's delay; 0: none pending */
  bool setup_done;
  bool has_pending;
  wasmrt_trap pending; /* recorded by a failing host callback */
  wasmrt_trap current; /* the trap being delivered */
} rt_thread;

static _Thread_local rt_thread tl;

/* Space kept free below the wasm stack limit for the trap path, host
 * callbacks' own checks, and the kernel's guard page. */
#define STACK_MARGIN ((uintptr_t)128 << 10)
#define ALTSTACK_SIZE ((size_t)64 << 10)

static const char *const trap_messages[] = {
#define WASMRT_X(id, msg) msg,
    WASMRT_TRAPS(WASMRT_X)
#undef WASMRT_X
};

const char *wasmrt_trap_message(wasmrt_trap_code code) {
  if ((unsigned)code >= WASMRT_TRAP_COUNT) {
    return "unknown trap";
  }
  return trap_messages[code];
}

/* -------------------------------------------------------- fault handler */

static struct sigaction old_segv, old_bus;
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;
static pthread_key_t altstack_key;

/* Hands a fault that is not ours to whoever was installed before us. */
static void chain_fault(int sig, siginfo_t *info, void *uctx) {
  const struct sigaction *old = sig == SIGSEGV ? &old_segv : &old_bus;
  if (old->sa_flags & SA_SIGINFO) {
    old->sa_sigaction(sig, info, uctx);
    return;
  }
  /* SIG_IGN cannot ignore a real fault (it would refault forever), so a
   * kernel-generated one is treated like SIG_DFL. */
  if (old->sa_handler == SIG_IGN && info->si_code <= 0) {
    return;
  }
  if (old->sa_handler == SIG_DFL || old->sa_handler == SIG_IGN) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  old->sa_handler(sig);
}

static void on_fault(int sig, siginfo_t *info, void *uctx) {
  /* si_code > 0: raised by the kernel for this access, so si_addr is real. */
  if (tl.in_wasm && tl.top && info->si_code > 0 &&
      rt_range_contains(&rt_memory_ranges, (uintptr_t)info->si_addr)) {
    tl.in_wasm = 0;
    tl.current = (wasmrt_trap){.code = WASMRT_TRAP_MEMORY_OOB};
    siglongjmp(tl.top->jb, WASMRT_TRAP_MEMORY_OOB);
  }
  chain_fault(sig, info, uctx);
}

static void altstack_free(void *mem) {
  stack_t ss = {.ss_flags = SS_DISABLE};
  stack_t cur;
  if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == mem) {
    sigaltstack(&ss, NULL);
  }
  munmap(mem, ALTSTACK_SIZE);
}

/* ----------------------------------------------------- interrupt signal */

const char rt_interrupt_marker;
static struct sigaction old_interrupt;
static pthread_key_t thread_key; /* set on threads with a retry timer */

/* How long the handler waits before looking again when the thread was
 * not in compiled code: doubling from the first to the last, so a thread
 * blocked in a host call is not woken 5000 times a second. */
#define RETRY_FIRST_US 200u
#define RETRY_MAX_US 50000u

static uintptr_t signal_pc(const void *uctx) {
  const ucontext_t *uc = uctx;
#if defined(__x86_64__)
  return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
  return (uintptr_t)uc->uc_mcontext.pc;
#else
#error "wasmrt: where is the program counter in this ucontext?"
#endif
}

/* Some open call on this thread is of an instance whose flag is set. */
static bool interrupt_pending(const rt_thread *t) {
  for (const rt_entry *e = t->top; e; e = e->prev) {
    if (e->inst && e->inst->vmctx.interrupt) {
      return true;
    }
  }
  return false;
}

static void arm_retry(rt_thread *t) {
  if (!t->has_retry_timer) {
    return;
  }
  uint32_t us = t->retry_us ? t->retry_us : RETRY_FIRST_US;
  struct itimerspec its = {
      .it_value = {.tv_sec = us / 1000000,
                   .tv_nsec = (long)(us % 1000000) * 1000}};
  timer_settime(t->retry_timer, 0, &its, NULL);
  t->retry_us = us < RETRY_MAX_US / 2 ? 2 * us : RETRY_MAX_US;
}

static void chain_interrupt(int sig, siginfo_t *info, void *uctx) {
  if (old_interrupt.sa_flags & SA_SIGINFO) {
    if (old_interrupt.sa_sigaction) {
      old_interrupt.sa_sigaction(sig, info, uctx);
    }
  } else if (old_interrupt.sa_handler != SIG_DFL &&
             old_interrupt.sa_handler != SIG_IGN) {
    old_interrupt.sa_handler(sig);
  }
  /* SIGURG's default action is to ignore it. */
}

/* Unwinds the innermost call if its instance's flag is set and the thread
 * is in compiled code; else, while an open call's instance is flagged,
 * looks again later. Signals that rt_interrupt_send or the retry timer
 * did not send go on to the previous handler too. */
static void on_interrupt(int sig, siginfo_t *info, void *uctx) {
  int saved_errno = errno;
  if ((info->si_code != SI_QUEUE && info->si_code != SI_TIMER) ||
      info->si_value.sival_ptr != &rt_interrupt_marker) {
    chain_interrupt(sig, info, uctx);
  }
  rt_thread *t = &tl;
  if (!interrupt_pending(t)) {
    t->retry_us = 0;
    errno = saved_errno;
    return;
  }
  wasmrt_instance *inst = t->top->inst;
  if (t->in_wasm && inst && inst->vmctx.interrupt &&
      rt_range_contains(&rt_code_ranges, signal_pc(uctx))) {
    inst->vmctx.interrupt = 0;
    t->retry_us = 0;
    t->in_wasm = 0;
    t->current = (wasmrt_trap){.code = WASMRT_TRAP_INTERRUPTED};
    siglongjmp(t->top->jb, WASMRT_TRAP_INTERRUPTED);
  }
  arm_retry(t);
  errno = saved_errno;
}

static void thread_exit(void *unused) {
  (void)unused;
  if (tl.has_retry_timer) {
    timer_delete(tl.retry_timer);
    tl.has_retry_timer = false;
  }
}

/* The child of a fork has one thread, with a new id and no timers. */
static void after_fork_child(void) {
  tl.has_retry_timer = false;
  tl.retry_us = 0;
  tl.setup_done = false;
}

/* A one-shot timer that sends the interrupt signal to this thread. */
static void create_retry_timer(rt_thread *t) {
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = WASMRT_INTERRUPT_SIGNAL;
  ev._sigev_un._tid = t->tid; /* sigev_notify_thread_id */
  ev.sigev_value.sival_ptr = (void *)&rt_interrupt_marker;
  t->has_retry_timer = timer_create(CLOCK_MONOTONIC, &ev, &t->retry_timer) == 0;
  if (t->has_retry_timer) {
    pthread_setspecific(thread_key, t);
  }
}

/* ------------------------------------------------------------- handlers */

static void install_handler(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &old_segv);
  sigaction(SIGBUS, &sa, &old_bus);
  /* SA_NODEFER here too: siglongjmp does not restore the mask. SA_RESTART:
   * a signal that finds the thread in a host function's read() must not
   * make it fail. */
  sa.sa_sigaction = on_interrupt;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
  sigaction(WASMRT_INTERRUPT_SIGNAL, &sa, &old_interrupt);
  pthread_key_create(&altstack_key, altstack_free);
  pthread_key_create(&thread_key, thread_exit);
  pthread_atfork(NULL, NULL, after_fork_child);
}

/* Gives this thread an alternate signal stack (unless it has a big enough
 * one, e.g. Python's faulthandler's) and learns its stack bounds. */
static void thread_setup(void) {
  pthread_once(&handler_once, install_handler);
  stack_t cur;
  if (sigaltstack(NULL, &cur) != 0 || (cur.ss_flags & SS_DISABLE) ||
      cur.ss_size < ALTSTACK_SIZE / 2) {
    void *mem = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem != MAP_FAILED) {
      stack_t ss = {.ss_sp = mem, .ss_size = ALTSTACK_SIZE};
      if (sigaltstack(&ss, NULL) == 0) {
        pthread_setspecific(altstack_key, mem);
      } else {
        munmap(mem, ALTSTACK_SIZE);
      }
    }
  }
  pthread_attr_t attr;
  void *lo = NULL;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &lo, &size);
    pthread_attr_destroy(&attr);
  }
  tl.stack_lo = (uintptr_t)lo;
  tl.tid = gettid();
  if (!tl.has_retry_timer) {
    create_retry_timer(&tl);
  }
  tl.setup_done = true;
}

/* The limit for an outermost entry: `size` below here, but never closer
 * than STACK_MARGIN to the real end of the thread's stack. */
static uintptr_t compute_limit(const rt_thread *t, size_t size) {
  uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  uintptr_t floor = t->stack_lo ? t->stack_lo + STACK_MARGIN : 0;
  uintptr_t limit = sp > size ? sp - size : 0;
  if (limit < floor) {
    limit = floor < sp ? floor : sp;
  }
  return limit;
}

/* ---------------------------------------------------------------- entry */

static void fill_trap(wasmrt_trap *out, wasmrt_trap_code code) {
  if (!out) {
    return;
  }
  if (code == WASMRT_TRAP_NONE) {
    /* The success path runs on every call: set the few fields a caller
     * reads instead of rebuilding the 272-byte record. */
    out->code = WASMRT_TRAP_NONE;
    out->exit_code = 0;
    out->payload = NULL;
    out->message[0] = '\0';
    return;
  }
  *out = tl.current;
  if (!out->message[0]) {
    snprintf(out->message, sizeof out->message, "%s",
             wasmrt_trap_message(code));
  }
}

/* Sets the callee's stack limit. */
static void enter_limits(rt_thread *t, const wasmrt_funcref *fn) {
  const rt_funcref *rf = rt_fref(fn);
  if (!t->top) {
    size_t size = WASMRT_DEFAULT_STACK_SIZE;
    if (rf->owner && rf->owner->opts.stack_size) {
      size = rf->owner->opts.stack_size;
    }
    t->stack_limit = compute_limit(t, size);
  }
  /* Nested entries keep the outermost limit, whichever instance runs. */
  if (rf->owner) {
    rf->owner->vmctx.stack_limit = t->stack_limit;
  }
}

wasmrt_trap_code wasmrt_call(const wasmrt_funcref *fn, uint64_t *slots,
                             wasmrt_trap *trap) {
  /* One TLS address lookup per call: in a dlopen'ed library (the Python
   * extension) every `tl.` access is otherwise a __tls_get_addr call. */
  rt_thread *t = &tl;
  __asm__("" : "+r"(t)); /* keeps the compiler from redoing the lookup */
  if (!fn || !fn->array) {
    t->current = (wasmrt_trap){.code = WASMRT_TRAP_UNINITIALIZED_ELEMENT};
    fill_trap(trap, WASMRT_TRAP_UNINITIALIZED_ELEMENT);
    return WASMRT_TRAP_UNINITIALIZED_ELEMENT;
  }
  if (!t->setup_done) {
    thread_setup();
  }
  rt_entry entry;
  entry.prev = t->top;
  entry.inst = rt_fref(fn)->is_host ? NULL : rt_fref(fn)->owner;
  sig_atomic_t saved_in_wasm = t->in_wasm;
  uintptr_t saved_limit = t->stack_limit;
  enter_limits(t, fn);
  if (entry.inst && entry.inst->run_depth++ == 0) {
    /* Sequentially consistent, before the flag is read below: see
     * wasmrt_interrupt. */
    atomic_store(&entry.inst->run_tid, t->tid);
  }
  /* No signal mask saved: this is the hot path, and the handlers run with
   * SA_NODEFER so the mask needs no restoring after a fault. */
  int code = sigsetjmp(entry.jb, 0);
  if (code == 0) {
    t->top = &entry;
    if (entry.inst &&
        __atomic_load_n(&entry.inst->vmctx.interrupt, __ATOMIC_SEQ_CST)) {
      /* Requested while no call ran, or before this one began. */
      entry.inst->vmctx.interrupt = 0;
      t->current = (wasmrt_trap){.code = WASMRT_TRAP_INTERRUPTED};
      code = WASMRT_TRAP_INTERRUPTED;
    } else {
      t->in_wasm = 1;
      fn->array(fn->vmctx, slots);
    }
  }
  if (entry.inst && --entry.inst->run_depth == 0) {
    atomic_store_explicit(&entry.inst->run_tid, 0, memory_order_relaxed);
  }
  t->top = entry.prev;
  t->in_wasm = saved_in_wasm;
  if (t->top) {
    t->stack_limit = saved_limit;
  }
  fill_trap(trap, (wasmrt_trap_code)code);
  return (wasmrt_trap_code)code;
}

__attribute__((noreturn)) void rt_trap_raise(wasmrt_trap_code code) {
  if (!tl.top) {
    /* Compiled code ran outside wasmrt_call: a broken embedder contract
     * with no frame to return to. */
    __builtin_trap();
  }
  if (code == WASMRT_TRAP_NONE || (unsigned)code >= WASMRT_TRAP_COUNT) {
    code = WASMRT_TRAP_UNREACHABLE;
  }
  tl.in_wasm = 0;
  tl.current = (wasmrt_trap){.code = code};
  siglongjmp(tl.top->jb, (int)code);
}

__attribute__((noreturn)) void rt_trap_raise_index(wasmrt_trap_code code,
                                                   uint32_t index) {
  if (!tl.top) {
    __builtin_trap();
  }
  if (code == WASMRT_TRAP_NONE || (unsigned)code >= WASMRT_TRAP_COUNT) {
    code = WASMRT_TRAP_UNREACHABLE;
  }
  tl.in_wasm = 0;
  tl.current = (wasmrt_trap){.code = code};
  snprintf(tl.current.message, sizeof tl.current.message, "%s %u",
           trap_messages[code], index);
  siglongjmp(tl.top->jb, (int)code);
}

__attribute__((noreturn)) void rt_trap_raise_host(int rc) {
  if (!tl.top) {
    __builtin_trap();
  }
  /* The embedder's record wins; else a callback's return value that is a
   * trap code (e.g. WASI's EXIT) is the code; else plain HOST. */
  wasmrt_trap t = {.code = WASMRT_TRAP_HOST};
  if (tl.has_pending) {
    t = tl.pending;
    tl.has_pending = false;
    if (t.code != WASMRT_TRAP_EXIT) {
      t.code = WASMRT_TRAP_HOST;
    }
  } else if (rc > 0 && rc < WASMRT_TRAP_COUNT) {
    t.code = (wasmrt_trap_code)rc;
  }
  tl.in_wasm = 0;
  tl.current = t;
  siglongjmp(tl.top->jb, (int)t.code);
}

void wasmrt_host_trap_set(const wasmrt_trap *trap) {
  tl.pending = *trap;
  tl.pending.message[sizeof tl.pending.message - 1] = 0;
  tl.has_pending = true;
}

/* ---------------------------------------------------------- host calls */

/* Runs an embedder callback outside "in wasm" state, so a fault in host
 * code is never mistaken for a wasm trap, then unwinds if it failed. */
static void host_invoke(wasmrt_host_binding *b, uint64_t *slots) {
  sig_atomic_t saved = tl.in_wasm;
  tl.in_wasm = 0;
  tl.has_pending = false; /* only a record set by this callback counts */
  int rc = b->fn->callback(b->fn, b->caller, slots);
  tl.in_wasm = saved;
  if (rc != 0) {
    rt_trap_raise_host(rc);
  }
  rt_interrupt_point(b->caller);
}

int rt_host_dispatch(wasmrt_hostfn *binding, wasmrt_vmctx *unused,
                     uint64_t *slots) {
  host_invoke((wasmrt_host_binding *)binding, slots);
  return 0;
}

void rt_host_array_entry(wasmrt_vmctx *binding, uint64_t *slots) {
  host_invoke((wasmrt_host_binding *)binding, slots);
}
