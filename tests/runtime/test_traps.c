/* Traps: every code unwinds to the right entry and leaves the instance
 * callable; guard-page faults become MEMORY_OOB while other faults still
 * kill the process; stack limits; interrupts; nested host↔wasm calls;
 * host failures carrying payloads; traps on several threads at once. */
#include "fake.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_every_trap_code(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  CHECK(inst != NULL);
  for (int round = 0; round < 3; round++) {
    for (uint32_t c = WASMRT_TRAP_UNREACHABLE; c < WASMRT_TRAP_COUNT; c++) {
      if (c == WASMRT_TRAP_HOST) {
        continue; /* covered with payloads below */
      }
      wasmrt_trap t;
      CHECK(fake_call(inst, "trap", c, NULL, &t) == (wasmrt_trap_code)c);
      CHECK(t.code == (wasmrt_trap_code)c);
      CHECK(strcmp(t.message, wasmrt_trap_message(c)) == 0);
      uint64_t r = 0;
      CHECK(fake_call(inst, "add1", 5, &r, NULL) == WASMRT_TRAP_NONE);
      CHECK(r == 6);
    }
  }
  CHECK(strcmp(wasmrt_trap_message(WASMRT_TRAP_MEMORY_OOB),
               "out of bounds memory access") == 0);
  wasmrt_instance_release(inst);
  wasmrt_hostfn_release(h);
}

static void test_guard_page_fault(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  uint64_t r = 0;
  wasmrt_trap t;
  CHECK(fake_call(inst, "load", 16, &r, NULL) == WASMRT_TRAP_NONE);
  CHECK(r == 'h'); /* the data segment */
  CHECK(fake_call(inst, "load", 65535, &r, NULL) == WASMRT_TRAP_NONE);
  for (int i = 0; i < 100; i++) {
    CHECK(fake_call(inst, "load", 5 * GiB, NULL, &t) == WASMRT_TRAP_MEMORY_OOB);
    CHECK(fake_call(inst, "load", 65536, NULL, &t) == WASMRT_TRAP_MEMORY_OOB);
  }
  CHECK(strcmp(t.message, "out of bounds memory access") == 0);
  CHECK(fake_call(inst, "add1", 1, &r, NULL) == WASMRT_TRAP_NONE && r == 2);
  wasmrt_instance_release(inst);
  wasmrt_hostfn_release(h);
}

/* Runs `body` in a child; returns its wait status. */
static int in_child(void (*body)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

static void child_null_deref(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  /* Arm the handler with a real trap first. */
  if (fake_call(inst, "load", 5 * GiB, NULL, NULL) != WASMRT_TRAP_MEMORY_OOB) {
    _exit(3);
  }
  /* Outside wasm and outside any reservation: must still crash. (An
   * inaccessible page rather than NULL, which UBSan would intercept.) */
  volatile int *p =
      mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *p = 1;
  _exit(4);
}

/* A fault inside a reservation, but from host code (not in wasm). */
static void child_host_reads_guard(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  fake_call(inst, "load", 5 * GiB, NULL, NULL);
  wasmrt_memory *mem = fake_export(inst, "mem").of.memory;
  (void)*(volatile uint8_t *)(mem->base + 5 * GiB);
  _exit(4);
}

static void on_segv_exit42(int sig) {
  _exit(42);
}

/* A handler installed before the runtime's must still get foreign faults. */
static void child_chained_handler(void) {
  signal(SIGSEGV, on_segv_exit42);
  child_null_deref();
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Killed by SIGSEGV; under ASan its own SEGV handler (which ours chains
 * to) reports and exits with status 1 instead. */
static bool died_of_segv(int st) {
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) {
    return true;
  }
#ifdef UNDER_ASAN
  return WIFEXITED(st) && WEXITSTATUS(st) == 1;
#else
  return false;
#endif
}

static void test_foreign_faults_not_swallowed(void) {
  int st = in_child(child_null_deref);
  CHECK(died_of_segv(st));
  st = in_child(child_host_reads_guard);
  CHECK(died_of_segv(st));
  st = in_child(child_chained_handler);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42);
}

static void test_stack_exhaustion(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *big = fake_instantiate(h, NULL);
  wasmrt_options small_opts = {.stack_size = 64 << 10};
  wasmrt_instance *small = fake_instantiate(h, &small_opts);
  wasmrt_trap t;
  fake_max_depth = 0;
  CHECK(fake_call(big, "recurse", 0, NULL, &t) == WASMRT_TRAP_STACK_EXHAUSTED);
  CHECK(strcmp(t.message, "call stack exhausted") == 0);
  int big_depth = fake_max_depth;
  uintptr_t big_used = fake_entry_sp - fake_lowest_sp;
  fake_max_depth = 0;
  CHECK(fake_call(small, "recurse", 0, NULL, &t) ==
        WASMRT_TRAP_STACK_EXHAUSTED);
  int small_depth = fake_max_depth;
  uintptr_t small_used = fake_entry_sp - fake_lowest_sp;
  /* The limit is measured from the entry: all of it is usable, no more
   * (the last frame and the entry's own frames: < 8 KiB of slack). */
  CHECK(big_used <= WASMRT_DEFAULT_STACK_SIZE &&
        big_used > WASMRT_DEFAULT_STACK_SIZE - 8192);
  CHECK(small_used <= (64 << 10) && small_used > (64 << 10) - 8192);
  CHECK(big_depth > 8 * small_depth && small_depth > 50);
  for (int i = 0; i < 20; i++) { /* repeatable, the stack is reclaimed */
    CHECK(fake_call(big, "recurse", 0, NULL, NULL) ==
          WASMRT_TRAP_STACK_EXHAUSTED);
  }
  uint64_t r;
  CHECK(fake_call(big, "add1", 9, &r, NULL) == WASMRT_TRAP_NONE && r == 10);
  wasmrt_instance_release(big);
  wasmrt_instance_release(small);
  wasmrt_hostfn_release(h);
}

static void *interrupt_later(void *inst) {
  usleep(50 * 1000);
  wasmrt_interrupt(inst);
  return NULL;
}

static void test_interrupt(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  pthread_t th;
  pthread_create(&th, NULL, interrupt_later, inst);
  time_t start = time(NULL);
  wasmrt_trap t;
  uint64_t none[1];
  CHECK(wasmrt_call(fake_export(inst, "spin").of.func, none, &t) ==
        WASMRT_TRAP_INTERRUPTED);
  CHECK(time(NULL) - start < 5);
  CHECK(strcmp(t.message, "interrupted") == 0);
  pthread_join(th, NULL);
  CHECK(wasmrt_instance_vmctx(inst)->interrupt == 0); /* cleared */
  uint64_t r;
  CHECK(fake_call(inst, "add1", 1, &r, NULL) == WASMRT_TRAP_NONE && r == 2);
  wasmrt_instance_release(inst);
  wasmrt_hostfn_release(h);
}

/* ------------------------------------------------------- host calls */

typedef struct nest_state {
  wasmrt_instance *inst;
  int depth;
  wasmrt_trap_code inner[4];
  void *inner_payload[4];
  wasmrt_vmctx *caller;
} nest_state;

static int payload_sentinel;

/* depth 1: calls wasm call_host again (→ depth 2) and expects HOST back;
 * depth 2: calls wasm trap(UNREACHABLE), expects it, then fails with a
 * payload. Each level sees only its own nested call's trap. */
static int host_nested(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                       uint64_t *slots) {
  nest_state *st = fn->env;
  int level = ++st->depth;
  st->caller = caller;
  wasmrt_trap t;
  if (level == 1) {
    st->inner[1] = fake_call(st->inst, "call_host", 0, NULL, &t);
    st->inner_payload[1] = t.payload;
    st->depth--;
    slots[0] = 7;
    return 0;
  }
  st->inner[2] = fake_call(st->inst, "trap", WASMRT_TRAP_UNREACHABLE, NULL, &t);
  wasmrt_trap fail = {.code = WASMRT_TRAP_HOST, .payload = &payload_sentinel};
  strcpy(fail.message, "boom from level 2");
  wasmrt_host_trap_set(&fail);
  st->depth--;
  return 1;
}

static void test_nested_unwinding(void) {
  nest_state st = {0};
  wasmrt_hostfn *h = fake_hostfn(host_nested, &st);
  st.inst = fake_instantiate(h, NULL);
  uint64_t r = 0;
  wasmrt_trap t;
  CHECK(fake_call(st.inst, "call_host", 0, &r, &t) == WASMRT_TRAP_NONE);
  CHECK(r == 7);
  CHECK(st.inner[2] == WASMRT_TRAP_UNREACHABLE);
  CHECK(st.inner[1] == WASMRT_TRAP_HOST);
  CHECK(st.inner_payload[1] == &payload_sentinel);
  CHECK(st.caller == wasmrt_instance_vmctx(st.inst));
  CHECK(wasmrt_vmctx_instance(st.caller) == st.inst);
  CHECK(st.depth == 0);
  /* Still healthy. */
  CHECK(fake_call(st.inst, "add1", 1, &r, NULL) == WASMRT_TRAP_NONE && r == 2);
  wasmrt_instance_release(st.inst);
  wasmrt_hostfn_release(h);
}

static int host_fails(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                      uint64_t *slots) {
  wasmrt_trap t = {.code = slots[0] == 1 ? WASMRT_TRAP_EXIT : WASMRT_TRAP_HOST,
                   .exit_code = 3,
                   .payload = fn->env};
  snprintf(t.message, sizeof t.message, "host says %d", (int)slots[0]);
  wasmrt_host_trap_set(&t);
  return 1;
}

static void test_host_error_payload(void) {
  int payload;
  wasmrt_hostfn *h = fake_hostfn(host_fails, &payload);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  wasmrt_trap t;
  CHECK(fake_call(inst, "call_host", 0, NULL, &t) == WASMRT_TRAP_HOST);
  CHECK(t.code == WASMRT_TRAP_HOST && t.payload == &payload);
  CHECK(strcmp(t.message, "host says 0") == 0);
  CHECK(fake_call(inst, "call_host", 1, NULL, &t) == WASMRT_TRAP_EXIT);
  CHECK(t.exit_code == 3 && t.payload == &payload);
  /* The host function's funcref (re-export of the import) via its array
   * entry reports the same. */
  wasmrt_funcref *imported = wasmrt_instance_vmctx(inst)->funcrefs[F_HOST];
  uint64_t s[1] = {0};
  CHECK(wasmrt_call(imported, s, &t) == WASMRT_TRAP_HOST);
  CHECK(t.payload == &payload);
  /* Without a record the trap is plain HOST. */
  wasmrt_instance_release(inst);
  wasmrt_hostfn_release(h);
}

/* Fails without a record, returning its argument (a trap code or not). */
static int host_fails_silently(wasmrt_hostfn *fn, wasmrt_vmctx *caller,
                               uint64_t *slots) {
  return (int)slots[0];
}

static void test_host_error_without_record(void) {
  wasmrt_hostfn *h = fake_hostfn(host_fails_silently, NULL);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  wasmrt_trap t;
  CHECK(fake_call(inst, "call_host", 12345, NULL, &t) == WASMRT_TRAP_HOST);
  CHECK(t.payload == NULL);
  CHECK(strcmp(t.message, "host function failed") == 0);
  CHECK(fake_call(inst, "call_host", WASMRT_TRAP_EXIT, NULL, &t) ==
        WASMRT_TRAP_EXIT);
  CHECK(strcmp(t.message, "program exited") == 0);
  CHECK(fake_call(inst, "call_host", (uint32_t)-1, NULL, &t) ==
        WASMRT_TRAP_HOST);
  uint64_t r;
  CHECK(fake_call(inst, "call_host", 0, &r, &t) == WASMRT_TRAP_NONE);
  wasmrt_instance_release(inst);
  wasmrt_hostfn_release(h);
}

static void test_host_call_results(void) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  uint64_t r;
  CHECK(fake_call(inst, "call_host", 21, &r, NULL) == WASMRT_TRAP_NONE);
  CHECK(r == 42);
  wasmrt_instance_release(inst);
  wasmrt_hostfn_release(h);
}

/* -------------------------------------------------------- threads */

static void *thread_traps(void *arg) {
  wasmrt_hostfn *h = fake_hostfn(fake_host_double, NULL);
  wasmrt_instance *inst = fake_instantiate(h, NULL);
  long bad = 0;
  for (int i = 0; i < 2000; i++) {
    uint64_t r;
    bad +=
        fake_call(inst, "load", 5 * GiB, NULL, NULL) != WASMRT_TRAP_MEMORY_OOB;
    bad += fake_call(inst, "trap", WASMRT_TRAP_INT_DIV_ZERO, NULL, NULL) !=
           WASMRT_TRAP_INT_DIV_ZERO;
    bad += fake_call(inst, "call_host", i, &r, NULL) != WASMRT_TRAP_NONE ||
           r != (uint64_t)(uint32_t)(2 * i);
  }
  wasmrt_instance_release(inst);
  wasmrt_hostfn_release(h);
  return (void *)bad;
}

static void test_threads(void) {
  pthread_t th[4];
  for (int i = 0; i < 4; i++) {
    pthread_create(&th[i], NULL, thread_traps, NULL);
  }
  for (int i = 0; i < 4; i++) {
    void *bad;
    pthread_join(th[i], &bad);
    CHECK(bad == NULL);
  }
}

static void test_null_funcref_call(void) {
  uint64_t s[1];
  wasmrt_trap t;
  CHECK(wasmrt_call(NULL, s, &t) == WASMRT_TRAP_UNINITIALIZED_ELEMENT);
  CHECK(strcmp(t.message, "uninitialized element") == 0);
}

int main(void) {
  RUN(test_every_trap_code);
  RUN(test_guard_page_fault);
  RUN(test_foreign_faults_not_swallowed);
  RUN(test_stack_exhaustion);
  RUN(test_interrupt);
  RUN(test_nested_unwinding);
  RUN(test_host_error_payload);
  RUN(test_host_error_without_record);
  RUN(test_host_call_results);
  RUN(test_threads);
  RUN(test_null_funcref_call);
  return failures ? 1 : 0;
}
