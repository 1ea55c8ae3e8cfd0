/* Host for kernels translated by wasm2c (Debian wabt 1.0.32) with
 * `wasm2c -n kernel`: it provides the bench.start / bench.end imports and
 * the handful of WASI preview1 calls a wasi-libc command uses for printf
 * and argv (args_*, fd_write, fd_fdstat_get, fd_seek, fd_close, proc_exit).
 * Anything else is a link error, which is how the harness learns that a
 * workload is out of wasm2c's reach. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel.h"
#include "wasm-rt-impl.h"

enum { WASI_ESUCCESS = 0, WASI_EBADF = 8, WASI_EFAULT = 21, WASI_ESPIPE = 70 };

struct Z_bench_instance_t {
  struct timespec t0;
};

struct Z_wasi_snapshot_preview1_instance_t {
  Z_kernel_instance_t *module;
  int argc;
  char **argv;
};

/* Every import the generated code may reference, declared here too so the
 * host is -Wmissing-prototypes clean whichever subset the module uses. */
void Z_benchZ_start(struct Z_bench_instance_t *);
void Z_benchZ_end(struct Z_bench_instance_t *);
u32 Z_wasi_snapshot_preview1Z_args_sizes_get(
    struct Z_wasi_snapshot_preview1_instance_t *, u32, u32);
u32 Z_wasi_snapshot_preview1Z_args_get(
    struct Z_wasi_snapshot_preview1_instance_t *, u32, u32);
u32 Z_wasi_snapshot_preview1Z_fd_write(
    struct Z_wasi_snapshot_preview1_instance_t *, u32, u32, u32, u32);
u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(
    struct Z_wasi_snapshot_preview1_instance_t *, u32, u32);
u32 Z_wasi_snapshot_preview1Z_fd_seek(
    struct Z_wasi_snapshot_preview1_instance_t *, u32, u64, u32, u32);
u32 Z_wasi_snapshot_preview1Z_fd_close(
    struct Z_wasi_snapshot_preview1_instance_t *, u32);
void Z_wasi_snapshot_preview1Z_proc_exit(
    struct Z_wasi_snapshot_preview1_instance_t *, u32);

static int64_t ns_of(const struct timespec *t) {
  return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

void Z_benchZ_start(struct Z_bench_instance_t *b) {
  clock_gettime(CLOCK_MONOTONIC, &b->t0);
}

void Z_benchZ_end(struct Z_bench_instance_t *b) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fprintf(stderr, "bench-ns: %lld\n", (long long)(ns_of(&t1) - ns_of(&b->t0)));
}

/* The guest's bytes [addr, addr+len), or NULL when out of bounds. */
static uint8_t *guest(struct Z_wasi_snapshot_preview1_instance_t *w, u32 addr,
                      u32 len) {
  wasm_rt_memory_t *mem = Z_kernelZ_memory(w->module);
  if ((uint64_t)addr + len > mem->size)
    return NULL;
  return mem->data + addr;
}

static int put_u32(struct Z_wasi_snapshot_preview1_instance_t *w, u32 addr,
                   u32 v) {
  uint8_t *p = guest(w, addr, 4);
  if (p)
    memcpy(p, &v, 4); /* wasm and x86-64 are both little-endian */
  return p != NULL;
}

u32 Z_wasi_snapshot_preview1Z_args_sizes_get(
    struct Z_wasi_snapshot_preview1_instance_t *w, u32 argc_p, u32 size_p) {
  u32 size = 0;
  for (int i = 0; i < w->argc; i++)
    size += (u32)strlen(w->argv[i]) + 1;
  if (!put_u32(w, argc_p, (u32)w->argc) || !put_u32(w, size_p, size))
    return WASI_EFAULT;
  return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_args_get(
    struct Z_wasi_snapshot_preview1_instance_t *w, u32 argv_p, u32 buf_p) {
  for (int i = 0; i < w->argc; i++) {
    u32 len = (u32)strlen(w->argv[i]) + 1;
    uint8_t *dst = guest(w, buf_p, len);
    if (!dst || !put_u32(w, argv_p + 4 * (u32)i, buf_p))
      return WASI_EFAULT;
    memcpy(dst, w->argv[i], len);
    buf_p += len;
  }
  return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_write(
    struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd, u32 iovs,
    u32 iovs_len, u32 nwritten_p) {
  FILE *out = fd == 1 ? stdout : fd == 2 ? stderr : NULL;
  u32 total = 0;
  if (!out)
    return WASI_EBADF;
  for (u32 i = 0; i < iovs_len; i++) {
    uint8_t *iov = guest(w, iovs + 8 * i, 8);
    u32 buf, len;
    if (!iov)
      return WASI_EFAULT;
    memcpy(&buf, iov, 4);
    memcpy(&len, iov + 4, 4);
    uint8_t *data = guest(w, buf, len);
    if (!data)
      return WASI_EFAULT;
    total += (u32)fwrite(data, 1, len, out);
  }
  return put_u32(w, nwritten_p, total) ? WASI_ESUCCESS : WASI_EFAULT;
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(
    struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd, u32 stat_p) {
  uint8_t *st = guest(w, stat_p, 24);
  if (fd > 2)
    return WASI_EBADF;
  if (!st)
    return WASI_EFAULT;
  memset(st, 0, 24);
  st[0] = 2;                /* filetype: character device */
  memset(st + 8, 0xff, 16); /* all rights, base and inheriting */
  return WASI_ESUCCESS;
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(
    struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd, u64 off, u32 whence,
    u32 newoff_p) {
  return fd <= 2 ? WASI_ESPIPE : WASI_EBADF;
}

u32 Z_wasi_snapshot_preview1Z_fd_close(
    struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd) {
  return fd <= 2 ? WASI_ESUCCESS : WASI_EBADF;
}

void Z_wasi_snapshot_preview1Z_proc_exit(
    struct Z_wasi_snapshot_preview1_instance_t *w, u32 code) {
  fflush(stdout);
  exit((int)code); /* a host program, not library code: exiting is the job */
}

int main(int argc, char **argv) {
  static Z_kernel_instance_t module;
  struct Z_bench_instance_t bench = {{0, 0}};
  /* argv[0] becomes the guest's program name, like every other engine. */
  struct Z_wasi_snapshot_preview1_instance_t wasi = {&module, argc, argv};
  wasm_rt_init();
  Z_kernel_init_module();
  Z_kernel_instantiate(&module, &bench, &wasi);
  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap == WASM_RT_TRAP_NONE)
    Z_kernelZ__start(&module);
  else
    fprintf(stderr, "wasm2c: trap: %s\n", wasm_rt_strerror(trap));
  Z_kernel_free(&module);
  wasm_rt_free();
  fflush(stdout);
  return trap == WASM_RT_TRAP_NONE ? 0 : 1;
}
