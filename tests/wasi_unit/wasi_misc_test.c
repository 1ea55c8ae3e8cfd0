/* wasi_misc_test.c — args/environ, captured stdio, clocks, random,
 * poll_oneoff, proc_exit, bad pointers, the descriptor tables and version
 * detection. */
#define _GNU_SOURCE
#include "wasi_test_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static void test_args_environ(void) {
  wt_env e;
  wt_init(&e, WASI_SNAPSHOT1);
  const char *argv[] = {"prog", "--test", ""};
  CHECK(wasi_ctx_set_args(e.ctx, 3, argv, NULL));
  CHECK(wasi_ctx_add_env(e.ctx, "COLOR", "true", NULL));
  CHECK(wasi_ctx_add_env(e.ctx, "EMPTY", "", NULL));
  CHECK(!wasi_ctx_add_env(e.ctx, "A=B", "x", NULL));

  CHECK_EQ(CALL(&e, "args_sizes_get", 0, 4), E_OK);
  CHECK_EQ(wt_u32(&e, 0), 3);
  CHECK_EQ(wt_u32(&e, 4), 5 + 7 + 1);
  CHECK_EQ(CALL(&e, "args_get", 100, 200), E_OK);
  CHECK_EQ(wt_u32(&e, 100), 200);
  CHECK_EQ(wt_u32(&e, 104), 205);
  CHECK_EQ(wt_u32(&e, 108), 212);
  CHECK(memcmp(e.mem + 200, "prog\0--test\0\0", 13) == 0);

  CHECK_EQ(CALL(&e, "environ_sizes_get", 0, 4), E_OK);
  CHECK_EQ(wt_u32(&e, 0), 2);
  CHECK_EQ(wt_u32(&e, 4), 11 + 7);
  CHECK_EQ(CALL(&e, "environ_get", 300, 400), E_OK);
  CHECK(strcmp((char *)e.mem + wt_u32(&e, 300), "COLOR=true") == 0);
  CHECK(strcmp((char *)e.mem + wt_u32(&e, 304), "EMPTY=") == 0);

  /* The string buffer must fit: one byte short of memory is a fault. */
  CHECK_EQ(CALL(&e, "args_get", 100, WT_MEM_SIZE - 12), E_FAULT);
  CHECK_EQ(CALL(&e, "args_get", WT_MEM_SIZE - 8, 200), E_FAULT);
  CHECK_EQ(CALL(&e, "args_sizes_get", WT_MEM_SIZE - 2, 4), E_FAULT);
  CHECK_EQ(CALL(&e, "environ_get", 0xFFFFFFFFu, 400), E_FAULT);
  wt_free(&e);
}

static void test_stdio_capture(void) {
  wt_env e;
  wt_init(&e, WASI_SNAPSHOT1);
  CHECK(wasi_ctx_capture_output(e.ctx, 1, 16, NULL));
  CHECK(wasi_ctx_capture_output(e.ctx, 2, 1024, NULL));
  wt_str(&e, 1000, "hello, ");
  wt_str(&e, 1100, "world\n");
  uint32_t iov[] = {1000, 7, 1100, 6, 1200, 0};
  wt_put(&e, 0, iov, sizeof iov);
  CHECK_EQ(CALL(&e, "fd_write", 1, 0, 3, 100), E_OK);
  CHECK_EQ(wt_u32(&e, 100), 13);
  size_t len;
  const uint8_t *out = wasi_ctx_output(e.ctx, 1, &len);
  CHECK_EQ(len, 13);
  CHECK(out && memcmp(out, "hello, world\n", 13) == 0);
  /* The limit (16) cuts the next write short, then refuses with NOSPC. */
  CHECK_EQ(CALL(&e, "fd_write", 1, 0, 1, 100), E_OK);
  CHECK_EQ(wt_u32(&e, 100), 3);
  CHECK_EQ(CALL(&e, "fd_write", 1, 0, 1, 100), 51);
  CHECK_EQ(CALL(&e, "fd_write", 2, 8, 1, 100), E_OK);
  out = wasi_ctx_output(e.ctx, 2, &len);
  CHECK(len == 6 && memcmp(out, "world\n", 6) == 0);
  wasi_ctx_output_clear(e.ctx, 2);
  wasi_ctx_output(e.ctx, 2, &len);
  CHECK_EQ(len, 0);
  /* Reading stdout is not a right it has. */
  CHECK_EQ(CALL(&e, "fd_read", 1, 0, 1, 100), E_NOTCAPABLE);
  /* iovec array or buffer out of memory. */
  CHECK_EQ(CALL(&e, "fd_write", 2, WT_MEM_SIZE - 4, 1, 100), E_FAULT);
  uint32_t bad[] = {WT_MEM_SIZE - 2, 3};
  wt_put(&e, 40, bad, sizeof bad);
  CHECK_EQ(CALL(&e, "fd_write", 2, 40, 1, 100), E_FAULT);
  CHECK_EQ(CALL(&e, "fd_write", 2, 0, 1, WT_MEM_SIZE), E_FAULT);
  CHECK_EQ(CALL(&e, "fd_write", 9, 0, 1, 100), E_BADF);

  /* stdin from memory: two reads, then end of file. */
  CHECK(wasi_ctx_set_stdin(e.ctx, "abcdef", 6, NULL));
  uint32_t riov[] = {2000, 4};
  wt_put(&e, 48, riov, sizeof riov);
  CHECK_EQ(CALL(&e, "fd_read", 0, 48, 1, 100), E_OK);
  CHECK_EQ(wt_u32(&e, 100), 4);
  CHECK(memcmp(e.mem + 2000, "abcd", 4) == 0);
  CHECK_EQ(CALL(&e, "fd_read", 0, 48, 1, 100), E_OK);
  CHECK_EQ(wt_u32(&e, 100), 2);
  CHECK_EQ(CALL(&e, "fd_read", 0, 48, 1, 100), E_OK);
  CHECK_EQ(wt_u32(&e, 100), 0);
  /* fdstat of the captured stdout: a character device. */
  CHECK_EQ(CALL(&e, "fd_fdstat_get", 1, 500), E_OK);
  CHECK_EQ(e.mem[500], 2);
  CHECK_EQ(CALL(&e, "fd_seek", 1, 0, 0, 500), E_NOTCAPABLE); /* a tty */
  wt_free(&e);
}

static void test_clocks_random(void) {
  wt_env e;
  wt_init(&e, WASI_SNAPSHOT1);
  CHECK_EQ(CALL(&e, "clock_time_get", 1, 1, 0), E_OK);
  uint64_t t0 = wt_u64(&e, 0);
  CHECK_EQ(CALL(&e, "clock_time_get", 1, 1, 8), E_OK);
  CHECK(wt_u64(&e, 8) >= t0);
  CHECK_EQ(CALL(&e, "clock_time_get", 0, 1, 16), E_OK);
  CHECK(wt_u64(&e, 16) > 1600000000ull * 1000000000ull);
  CHECK_EQ(CALL(&e, "clock_res_get", 1, 24), E_OK);
  CHECK(wt_u64(&e, 24) > 0 && wt_u64(&e, 24) <= 1000000);
  CHECK_EQ(CALL(&e, "clock_time_get", 2, 1, 32), E_OK);
  CHECK_EQ(CALL(&e, "clock_time_get", 7, 1, 0), E_INVAL);
  CHECK_EQ(CALL(&e, "clock_time_get", 1, 1, WT_MEM_SIZE - 7), E_FAULT);

  memset(e.mem + 1000, 0, 4096);
  CHECK_EQ(CALL(&e, "random_get", 1000, 4096), E_OK);
  int zeros = 0;
  for (int i = 0; i < 4096; i++)
    zeros += e.mem[1000 + i] == 0;
  CHECK(zeros < 64); /* ~16 expected for random bytes */
  CHECK_EQ(CALL(&e, "random_get", WT_MEM_SIZE - 10, 11), E_FAULT);
  CHECK_EQ(CALL(&e, "random_get", WT_MEM_SIZE, 0), E_OK);
  CHECK_EQ(CALL(&e, "sched_yield"), E_OK);
  CHECK_EQ(CALL(&e, "proc_raise", 9), E_NOTSUP);
  wt_free(&e);
}

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A relative clock subscription of 10 ms, in the version's layout. */
static void put_clock_sub(wt_env *e, uint32_t at, uint64_t userdata,
                          uint64_t ns) {
  memset(e->mem + at, 0, 56);
  wt_set64(e, at, userdata);
  e->mem[at + 8] = 0;
  uint32_t c = e->version == WASI_SNAPSHOT0 ? at + 24 : at + 16;
  wt_set32(e, c, 1); /* monotonic */
  wt_set64(e, c + 8, ns);
}

static void test_poll(wasi_version v) {
  wt_env e;
  wt_init(&e, v);
  put_clock_sub(&e, 0, 0xABCDEF, 10000000);
  uint64_t t0 = mono_ns();
  CHECK_EQ(CALL(&e, "poll_oneoff", 0, 1000, 1, 2000), E_OK);
  uint64_t dt = mono_ns() - t0;
  CHECK(dt >= 10000000);
  CHECK(dt < 2000000000);
  CHECK_EQ(wt_u32(&e, 2000), 1);
  CHECK_EQ(wt_u64(&e, 1000), 0xABCDEF);
  CHECK_EQ(wt_u16(&e, 1008), 0);
  CHECK_EQ(e.mem[1010], 0); /* clock */

  /* Clock 5 s + captured stdout write: the write is ready at once. */
  CHECK(wasi_ctx_capture_output(e.ctx, 1, 100, NULL));
  uint32_t size = v == WASI_SNAPSHOT0 ? 56 : 48;
  put_clock_sub(&e, 0, 1, 5000000000ull);
  memset(e.mem + size, 0, size);
  wt_set64(&e, size, 2);
  e.mem[size + 8] = 2; /* fd_write */
  wt_set32(&e, size + 16, 1);
  t0 = mono_ns();
  CHECK_EQ(CALL(&e, "poll_oneoff", 0, 1000, 2, 2000), E_OK);
  CHECK(mono_ns() - t0 < 1000000000ull);
  CHECK_EQ(wt_u32(&e, 2000), 1);
  CHECK_EQ(wt_u64(&e, 1000), 2);
  CHECK_EQ(e.mem[1010], 2);
  /* A bad descriptor is reported in the event, not as the call's errno. */
  wt_set32(&e, size + 16, 77);
  CHECK_EQ(CALL(&e, "poll_oneoff", 0, 1000, 2, 2000), E_OK);
  CHECK_EQ(wt_u16(&e, 1008), E_BADF);
  CHECK_EQ(CALL(&e, "poll_oneoff", 0, 1000, 0, 2000), E_INVAL);
  CHECK_EQ(CALL(&e, "poll_oneoff", WT_MEM_SIZE - 8, 1000, 1, 2000), E_FAULT);
  CHECK_EQ(CALL(&e, "poll_oneoff", 0, WT_MEM_SIZE - 8, 1, 2000), E_FAULT);
  wt_free(&e);
}

static void test_proc_exit(void) {
  wt_env e;
  wt_init(&e, WASI_SNAPSHOT1);
  int32_t code = -1;
  CHECK(!wasi_ctx_exit_code(e.ctx, &code));
  CALL(&e, "proc_exit", 42);
  CHECK_EQ(e.last_status, WASMRT_TRAP_EXIT);
  CHECK(wasi_ctx_exit_code(e.ctx, &code));
  CHECK_EQ(code, 42);
  /* A hostfn without a context traps instead of crashing. */
  size_t n;
  const wasi_func_desc *t = wasi_functions(WASI_SNAPSHOT1, &n);
  wasmrt_hostfn fn = {.callback = t[0].callback, .env = NULL};
  uint64_t slots[4] = {0};
  CHECK_EQ(t[0].callback(&fn, &e.vm, slots), WASMRT_TRAP_HOST);
  /* A caller without memory: pointers fault. */
  wasmrt_vmctx nomem = {0};
  fn.env = e.ctx;
  const char *m = WASI_MODULE_SNAPSHOT1;
  const wasi_func_desc *d =
      wasi_function_find(m, strlen(m), "args_sizes_get", 14);
  CHECK(d != NULL);
  fn.callback = d->callback;
  CHECK_EQ(d->callback(&fn, &nomem, slots), 0);
  CHECK_EQ(slots[0], E_FAULT);
  wt_free(&e);
}

/* Every row's arrays agree with its sig string. */
static void check_table(wasi_version v, size_t expect, const char *mod) {
  size_t n;
  const wasi_func_desc *t = wasi_functions(v, &n);
  CHECK_EQ(n, expect);
  bool accept = false;
  for (size_t i = 0; i < n; i++) {
    const char *colon = strchr(t[i].sig, ':');
    CHECK(colon != NULL);
    CHECK_EQ(t[i].nparams, colon - t[i].sig);
    CHECK_EQ(t[i].nresults, strlen(colon + 1));
    for (uint32_t k = 0; k < t[i].nparams; k++)
      CHECK_EQ(t[i].params[k], t[i].sig[k] == 'I' ? WASM_I64 : WASM_I32);
    CHECK(strcmp(t[i].module, mod) == 0);
    CHECK(t[i].callback != NULL);
    accept |= strcmp(t[i].name, "sock_accept") == 0;
  }
  CHECK_EQ(accept, v != WASI_SNAPSHOT0);
}

static wasm_import func_import(const char *mod, const char *name) {
  wasm_import i;
  memset(&i, 0, sizeof i);
  i.module = (wasm_name){mod, (uint32_t)strlen(mod)};
  i.name = (wasm_name){name, (uint32_t)strlen(name)};
  i.kind = WASM_EXTERN_FUNC;
  return i;
}

static void test_tables_and_detection(void) {
  check_table(WASI_SNAPSHOT1, 46, "wasi_snapshot_preview1");
  check_table(WASI_SNAPSHOT0, 45, "wasi_unstable");
  size_t n;
  wasi_functions(WASI_VERSION_NONE, &n);
  CHECK_EQ(n, 0);
  const wasi_func_desc *d =
      wasi_function_find("wasi_unstable", 13, "fd_seek", 7);
  CHECK(d && strcmp(d->sig, "iIii:i") == 0);
  CHECK(wasi_function_find("wasi_unstable", 13, "sock_accept", 11) == NULL);
  CHECK(wasi_function_find("env", 3, "fd_seek", 7) == NULL);
  d = wasi_function_find("wasi_snapshot_preview1", 22, "proc_exit", 9);
  CHECK(d && d->nresults == 0 && d->nparams == 1);
  const wasm_valtype p_seek[] = {WASM_I32, WASM_I64, WASM_I32, WASM_I32};
  const wasm_valtype p_bad[] = {WASM_I32, WASM_I32, WASM_I32, WASM_I32};
  const wasm_valtype r_i32[] = {WASM_I32};
  wasm_functype ft = {4, 1, p_seek, r_i32};
  d = wasi_function_find("wasi_unstable", 13, "fd_seek", 7);
  CHECK(wasi_func_desc_matches(d, &ft));
  ft.params = p_bad;
  CHECK(!wasi_func_desc_matches(d, &ft));
  ft.params = p_seek;
  ft.nresults = 0;
  CHECK(!wasi_func_desc_matches(d, &ft));

  wasm_import imps[3] = {func_import("env", "f"),
                         func_import("wasi_unstable", "fd_write"),
                         func_import("wasi_unstable", "proc_exit")};
  wasm_module m;
  memset(&m, 0, sizeof m);
  m.imports = imps;
  m.num_imports = 3;
  CHECK_EQ(wasi_detect_version(&m, false), WASI_SNAPSHOT0);
  CHECK_EQ(wasi_detect_version(&m, true), WASI_VERSION_NONE);
  m.imports = imps + 1;
  m.num_imports = 2;
  CHECK_EQ(wasi_detect_version(&m, true), WASI_SNAPSHOT0);
  imps[2] = func_import("wasi_snapshot_preview1", "proc_exit");
  CHECK_EQ(wasi_detect_version(&m, true), WASI_VERSION_NONE);
  imps[1] = func_import("wasi_snapshot_preview1", "fd_write");
  CHECK_EQ(wasi_detect_version(&m, true), WASI_SNAPSHOT1);
  CHECK_EQ(wasi_detect_version(&m, false), WASI_SNAPSHOT1);
  m.num_imports = 0;
  CHECK_EQ(wasi_detect_version(&m, false), WASI_VERSION_NONE);
  CHECK_EQ(wasi_detect_version(&m, true), WASI_VERSION_NONE);
}

/* Sockets the embedder hands in: send, poll for readiness, recv (peek),
 * shutdown; plain fds are not sockets. */
static void test_sockets(void) {
  wt_env e;
  wt_init(&e, WASI_SNAPSHOT1);
  CHECK_EQ(CALL(&e, "sock_send", 1, 0, 0, 0, 100), E_NOTSOCK);
  CHECK_EQ(CALL(&e, "sock_recv", 0, 0, 0, 0, 100, 104), E_NOTSOCK);
  CHECK_EQ(CALL(&e, "sock_accept", 55, 0, 100), E_BADF);
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  uint32_t a, b;
  CHECK(wasi_ctx_add_host_fd(e.ctx, sv[0], &a, NULL));
  CHECK(wasi_ctx_add_host_fd(e.ctx, sv[1], &b, NULL));
  CHECK_EQ(a, 3);
  CHECK_EQ(b, 4);

  /* Nothing to read yet: a 20 ms clock fires first. */
  memset(e.mem, 0, 96);
  wt_set64(&e, 0, 7);
  e.mem[8] = 1; /* fd_read on b */
  wt_set32(&e, 16, b);
  wt_set64(&e, 48, 8);
  wt_set32(&e, 64, 1);
  wt_set64(&e, 72, 20000000);
  CHECK_EQ(CALL(&e, "poll_oneoff", 0, 1000, 2, 2000), E_OK);
  CHECK_EQ(wt_u32(&e, 2000), 1);
  CHECK_EQ(wt_u64(&e, 1000), 8);

  wt_str(&e, 500, "ping");
  uint32_t iov[] = {500, 4};
  wt_put(&e, 200, iov, sizeof iov);
  CHECK_EQ(CALL(&e, "sock_send", a, 200, 1, 0, 100), E_OK);
  CHECK_EQ(wt_u32(&e, 100), 4);
  CHECK_EQ(CALL(&e, "poll_oneoff", 0, 1000, 2, 2000), E_OK);
  CHECK_EQ(wt_u32(&e, 2000), 1);
  CHECK_EQ(wt_u64(&e, 1000), 7);
  CHECK_EQ(wt_u64(&e, 1016), 4); /* nbytes readable */
  uint32_t riov[] = {600, 16};
  wt_put(&e, 208, riov, sizeof riov);
  CHECK_EQ(CALL(&e, "sock_recv", b, 208, 1, 1, 100, 104), E_OK); /* peek */
  CHECK_EQ(wt_u32(&e, 100), 4);
  CHECK_EQ(CALL(&e, "sock_recv", b, 208, 1, 0, 100, 104), E_OK);
  CHECK_EQ(wt_u32(&e, 100), 4);
  CHECK(memcmp(e.mem + 600, "ping", 4) == 0);
  CHECK_EQ(wt_u16(&e, 104), 0);
  CHECK_EQ(CALL(&e, "sock_shutdown", a, 2), E_OK);
  CHECK_EQ(CALL(&e, "sock_recv", b, 208, 1, 0, 100, 104), E_OK);
  CHECK_EQ(wt_u32(&e, 100), 0); /* end of stream */
  CHECK_EQ(CALL(&e, "sock_shutdown", a, 0), E_INVAL);
  CHECK_EQ(CALL(&e, "sock_recv", b, 208, 1, 0, WT_MEM_SIZE, 104), E_FAULT);
  CHECK_EQ(CALL(&e, "sock_accept", a, 0, 100), E_INVAL); /* not listening */
  wt_free(&e);
}

int main(void) {
  test_args_environ();
  test_stdio_capture();
  test_clocks_random();
  test_poll(WASI_SNAPSHOT1);
  test_poll(WASI_SNAPSHOT0);
  test_proc_exit();
  test_tables_and_detection();
  test_sockets();
  return wt_report("wasi_misc_test");
}
